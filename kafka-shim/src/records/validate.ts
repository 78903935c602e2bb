/**
 * What a broker checks before it stores a produced batch, with the rules (and texts) of Kafka's
 * ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords, LogValidator and
 * DefaultRecordBatch/DefaultRecord, so a client sees the error code real Kafka answers:
 * - framing, magic, size limit, CRC: CORRUPT_MESSAGE / UNSUPPORTED_VERSION / MESSAGE_TOO_LARGE;
 * - batch fields (count vs lastOffsetDelta, control flag, sequence without producer id),
 *   record structure (varints and lengths in bounds, each record and the batch consumed
 *   exactly): INVALID_RECORD;
 * - a payload that does not decompress: UNKNOWN_SERVER_ERROR (Kafka's KafkaException
 *   "Failed to decompress record stream" has no error code of its own);
 * - compacted topics: records without a key are INVALID_RECORD with per-record errors; a
 *   LogAppendTime claim on a LogAppendTime topic is INVALID_TIMESTAMP, likewise;
 * - a batch whose baseOffset is not 0: INVALID_RECORD.
 *
 * The walk reads varints in place, allocating nothing per record, and yields the newest record
 * timestamp (the batch's maxTimestamp is recomputed from it, as Kafka does: sarama sends -1).
 * Compressed batches whose inner offset deltas are not 0..n-1 are refused (UNKNOWN_SERVER_ERROR, as
 * Kafka 4.4 answers); uncompressed ones are stored as sent, as in Kafka. Codes and response fields
 * were checked against a real Kafka 4.4 broker (compat-tests/kafka/records.test.ts runs on both).
 * Kafka keeps CORRUPT_MESSAGE for CRC mismatches and batches shorter than their header; a batch
 * whose records do not add up (wrong count, bad varint, bytes left over) is INVALID_RECORD.
 */
import { crc32c } from '../log/crc32c.js';
import { ErrorCode, KafkaError } from '../errors.js';
import { ATTR, HEADER_SIZE, OFF, readInt64 } from './batch.js';
import { Codec, decompress } from './compression.js';
import { VarintError, type Cursor } from './varint.js';

/** A per-record rejection (ProduceResponse recordErrors, v8+). */
export interface RecordError {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

/**
 * A refused batch, with what Kafka's Produce response carries for it: per-record errors and an
 * errorMessage only for record-level rejections (RecordValidationException; every other failure
 * has a null errorMessage — `message` is for Tandem's own log), and the partition's log start
 * offset when the log (not the request check) refused it.
 */
export class ProduceError extends KafkaError {
  recordErrors: RecordError[] = [];
  responseMessage: string | null = null;
  /** Set by the log for errors raised in the log (`inLog`), as Kafka's processFailedRecord does. */
  logStartOffset = -1;

  constructor(
    code: number,
    message: string,
    readonly inLog: boolean,
  ) {
    super(code, message);
  }
}

export interface ValidatedBatch {
  /** The batch to store: the request's bytes (the log copies them before rewriting header fields). */
  readonly bytes: Buffer;
  readonly recordsCount: number;
  readonly codec: number;
  /** Newest record timestamp (-1 when every record has none), what Kafka writes as maxTimestamp. */
  readonly maxTimestamp: number;
}

export interface ValidateOptions {
  maxMessageBytes: number;
  /** cleanup.policy includes compact: every record needs a key. */
  compacted: boolean;
  /** "topic-partition", for Kafka's messages. */
  topicPartition: string;
  /** The topic is message.timestamp.type=LogAppendTime. */
  logAppendTime?: boolean;
}

/** Refusals of the request check (KafkaApis) and of the log (UnifiedLog, LogValidator). */
const request = (code: number, msg: string) => new ProduceError(code, msg, false);
const invalid = (msg: string) => new ProduceError(ErrorCode.INVALID_RECORD, msg, true);
const corrupt = (msg: string) => new ProduceError(ErrorCode.CORRUPT_MESSAGE, msg, false);
const unknown = (msg: string) => new ProduceError(ErrorCode.UNKNOWN_SERVER_ERROR, msg, true);

/** Check that `records` is exactly one well-formed magic-2 batch a client may write. */
export function validateProduceBatch(records: Buffer | null, opts: ValidateOptions): ValidatedBatch {
  const tp = opts.topicPartition;
  if (!records || records.length === 0) throw request(ErrorCode.INVALID_RECORD, 'produce requests must have exactly one record batch per partition');
  if (records.length < OFF.magic + 1) throw corrupt('record batch truncated');
  const magic = records.readInt8(OFF.magic);
  if (magic < 2) throw request(ErrorCode.UNSUPPORTED_VERSION, `message format v${magic} is not supported; use record batches (magic 2)`);
  if (magic > 2) throw corrupt(`unknown record batch magic ${magic}`);
  if (records.length < HEADER_SIZE) throw corrupt('record batch truncated');
  const size = records.readInt32BE(OFF.batchLength) + 12;
  if (size < HEADER_SIZE) throw corrupt(`Record batch is corrupt (the size ${size} is smaller than the minimum allowed overhead ${HEADER_SIZE})`);
  if (size > records.length) throw corrupt(`record batch length ${size} does not match the ${records.length} bytes sent`);
  if (size < records.length) throw request(ErrorCode.INVALID_RECORD, 'produce requests must have exactly one record batch per partition');
  const baseOffset = readInt64(records, OFF.baseOffset);
  if (baseOffset !== 0) throw invalid(`The baseOffset of the record batch in the append to ${tp} should be 0, but it is ${baseOffset}`);
  if (size > opts.maxMessageBytes) {
    throw new ProduceError(ErrorCode.MESSAGE_TOO_LARGE, `The record batch size in the append to ${tp} is ${size} bytes which exceeds the maximum configured value of ${opts.maxMessageBytes}.`, false);
  }
  const stored = records.readUInt32BE(OFF.crc);
  const computed = crc32c(records, OFF.attributes, size);
  if (stored !== computed) throw corrupt(`Record is corrupt (stored crc = ${stored}, computed crc = ${computed}) in topic partition ${tp}.`);
  const attributes = records.readInt16BE(OFF.attributes);
  const codec = attributes & ATTR.codecMask;
  if (codec > Codec.ZSTD) throw request(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression codec ${codec}`);

  // LogValidator.validateBatch, in its order.
  const lastOffsetDelta = records.readInt32BE(OFF.lastOffsetDelta);
  const count = records.readInt32BE(OFF.recordsCount);
  if (lastOffsetDelta + 1 <= 0) throw invalid(`Batch has an invalid offset range: [0, ${lastOffsetDelta}] in topic partition ${tp}`);
  if (count <= 0) throw invalid(`Invalid reported count for record batch: ${count} in topic partition ${tp}`);
  if (lastOffsetDelta + 1 !== count) throw invalid(`Inconsistent batch offset range [0, ${lastOffsetDelta}] and count of records ${count} in topic partition ${tp}`);
  if (attributes & ATTR.control) throw invalid(`Clients are not allowed to write control records in topic partition ${tp}`);
  const baseSequence = records.readInt32BE(OFF.baseSequence);
  // producerId >= 0 (a BigInt read costs an allocation on every produce; the sign is in the high word).
  if (records.readInt32BE(OFF.producerId) >= 0 && baseSequence < 0) {
    throw invalid(`Invalid sequence number ${baseSequence} in record batch with producerId ${records.readBigInt64BE(OFF.producerId)} in topic partition ${tp}`);
  }

  let body: Buffer;
  try {
    body = codec === Codec.NONE ? records : decompress(codec, records.subarray(HEADER_SIZE, size));
  } catch (err) {
    throw unknown((err as Error).message);
  }
  const c: Cursor = { buf: body, pos: codec === Codec.NONE ? HEADER_SIZE : 0, end: codec === Codec.NONE ? size : body.length };
  const logAppendTime = (attributes & ATTR.logAppendTime) !== 0 ? readInt64(records, OFF.maxTimestamp) : undefined;
  // A producer may not claim LogAppendTime on a LogAppendTime topic (on a CreateTime topic the
  // flag is just cleared when maxTimestamp is rewritten).
  const latClaimed = logAppendTime !== undefined && opts.logAppendTime === true;
  const walk = walkRecords(c, count, readInt64(records, OFF.baseTimestamp), logAppendTime, opts.compacted, latClaimed, tp);
  if (walk.recordErrors.length > 0) {
    // LogValidator.processRecordErrors: any timestamp error makes it INVALID_TIMESTAMP.
    const timestamps = latClaimed;
    const shown = walk.recordErrors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.batchIndexErrorMessage}')`);
    const message = timestamps
      ? 'One or more records have been rejected due to invalid timestamp'
      : `One or more records have been rejected due to ${walk.recordErrors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`;
    const err = new ProduceError(timestamps ? ErrorCode.INVALID_TIMESTAMP : ErrorCode.INVALID_RECORD, message, true);
    err.recordErrors = walk.recordErrors;
    err.responseMessage = message;
    throw err;
  }
  // Kafka refuses a compressed batch whose inner offsets are not 0..n-1 with an unknown server
  // error (checked against Kafka 4.4); an uncompressed one is stored as sent.
  if (!walk.offsetsInOrder && codec !== Codec.NONE) throw unknown(`inner record offsets of a compressed batch are not 0..${count - 1} in topic partition ${tp}`);
  return { bytes: records, recordsCount: count, codec, maxTimestamp: walk.maxTimestamp };
}

interface Walk {
  maxTimestamp: number;
  offsetsInOrder: boolean;
  recordErrors: RecordError[];
}

/**
 * Read `count` records from `c` in place, checking every bound; the walk must end exactly at
 * `c.end`. This runs for every produced record, so it keeps its position in a local/module slot
 * rather than a cursor object, and takes one-byte varints without a loop.
 */
function walkRecords(c: Cursor, count: number, baseTimestamp: number, logAppendTime: number | undefined, compacted: boolean, latClaimed: boolean, tp: string): Walk {
  const buf = c.buf;
  const end = c.end;
  let maxTimestamp = -1;
  let offsetsInOrder = true;
  const recordErrors: RecordError[] = [];
  pos = c.pos;
  for (let i = 0; i < count; i++) {
    let length: number;
    try {
      length = varint(buf, end);
    } catch (err) {
      // Kafka reads the length outside its record-structure guard: a too-long varint there
      // escapes as an IllegalArgumentException (UNKNOWN_SERVER_ERROR); running out is premature EOF.
      if (err === TOO_LONG) throw unknown(`Varint is too long in the length of record ${i} in topic partition ${tp}`);
      throw invalid('Incorrect declared batch size, premature EOF reached');
    }
    if (length < 0 || end - pos < length) {
      throw invalid(`Invalid record size: expected ${length} bytes in record payload, but instead the buffer has only ${end - pos} remaining bytes.`);
    }
    const start = pos;
    const recEnd = start + length;
    try {
      pos++; // record attributes, unused in magic 2
      if (pos > recEnd) throw UNDERFLOW;
      const timestampDelta = varlong(buf, recEnd);
      const offsetDelta = varint(buf, recEnd);
      const keyLength = varint(buf, recEnd);
      if (keyLength > 0) skip(keyLength, recEnd);
      else if (keyLength < 0 && compacted) {
        recordErrors.push({ batchIndex: i, batchIndexErrorMessage: `Compacted topic cannot accept message without key in topic partition ${tp}` });
      }
      const valueLength = varint(buf, recEnd);
      if (latClaimed && !(keyLength < 0 && compacted)) {
        // Kafka's DefaultRecord.toString; the offset is the one the producer sent (base 0 + delta).
        const record = `DefaultRecord(offset=${offsetDelta}, timestamp=${logAppendTime}, key=${Math.max(keyLength, 0)} bytes, value=${Math.max(valueLength, 0)} bytes)`;
        recordErrors.push({ batchIndex: i, batchIndexErrorMessage: `Invalid timestamp type in message ${record}. Producer should not set timestamp type to LogAppendTime.` });
      }
      if (valueLength > 0) skip(valueLength, recEnd);
      const headers = varint(buf, recEnd);
      if (headers < 0) throw invalid(`Found invalid number of record headers ${headers}`);
      for (let h = 0; h < headers; h++) {
        const hk = varint(buf, recEnd);
        if (hk < 0) throw invalid(`Invalid negative header key size ${hk}`);
        skip(hk, recEnd);
        const hv = varint(buf, recEnd);
        if (hv > 0) skip(hv, recEnd);
      }
      if (pos !== recEnd) throw invalid(`Invalid record size: expected to read ${length} bytes in record payload, but instead read ${pos - start}`);
      const ts = logAppendTime ?? baseTimestamp + timestampDelta;
      if (ts > maxTimestamp) maxTimestamp = ts;
      if (offsetDelta !== i) offsetsInOrder = false;
    } catch (err) {
      if (err instanceof KafkaError) throw err;
      throw invalid('Found invalid record structure');
    }
  }
  if (pos !== end) throw invalid('Incorrect declared batch size, records still remaining in file');
  return { maxTimestamp, offsetsInOrder, recordErrors };
}

/** The walk's read position (the walk is synchronous, so one slot serves every call). */
let pos = 0;
const UNDERFLOW = new VarintError('underflow');
const TOO_LONG = new VarintError('too-long');

/** Zig-zag int32 varint at `pos` (at most 5 bytes, as Kafka's ByteUtils.readVarint). */
function varint(buf: Uint8Array, end: number): number {
  if (pos >= end) throw UNDERFLOW;
  let b = buf[pos++];
  if (b < 0x80) return (b >>> 1) ^ -(b & 1);
  let raw = b & 0x7f;
  for (let shift = 7; ; shift += 7) {
    if (shift > 28) throw TOO_LONG;
    if (pos >= end) throw UNDERFLOW;
    b = buf[pos++];
    raw |= (b & 0x7f) << shift;
    if (b < 0x80) return (raw >>> 1) ^ -(raw & 1);
  }
}

/** Zig-zag int64 varint at `pos` (at most 10 bytes) as a number. */
function varlong(buf: Uint8Array, end: number): number {
  if (pos >= end) throw UNDERFLOW;
  const first = buf[pos++];
  if (first < 0x80) return (first >>> 1) ^ -(first & 1);
  let raw = first & 0x7f;
  let mul = 128;
  for (let i = 1; ; i++) {
    if (i >= 10) throw TOO_LONG;
    if (pos >= end) throw UNDERFLOW;
    const b = buf[pos++];
    raw += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }
}

function skip(n: number, end: number): void {
  if (end - pos < n) throw UNDERFLOW;
  pos += n;
}
