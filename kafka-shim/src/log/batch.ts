/**
 * Magic-2 record batches as opaque bytes: header validation, the two in-place rewrites a broker
 * makes (baseOffset, partitionLeaderEpoch; neither is covered by the CRC) and the LogAppendTime
 * rewrite (attributes + maxTimestamp, which are, so the CRC is recomputed).
 *
 * Records are decoded only off the hot path (ListOffsets by timestamp on uncompressed/gzip batches).
 */
import { gunzipSync } from 'node:zlib';
import { crc32c } from './crc32c.js';
import { ErrorCode, KafkaError } from '../errors.js';

const HEADER_SIZE = 61;
const OFF_BATCH_LENGTH = 8;
const OFF_LEADER_EPOCH = 12;
const OFF_MAGIC = 16;
const OFF_CRC = 17;
const OFF_ATTRIBUTES = 21;
const OFF_LAST_OFFSET_DELTA = 23;
const OFF_BASE_TIMESTAMP = 27;
const OFF_MAX_TIMESTAMP = 35;
const OFF_RECORDS_COUNT = 57;

const ATTR_CODEC_MASK = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_CONTROL = 0x20;
export const CODEC_ZSTD = 4;

/** What the log keeps about a batch (the side index) besides its bytes. */
export interface BatchInfo {
  /** Offset of the first record (after assignment). */
  baseOffset: number;
  /** Offset of the last record. */
  lastOffset: number;
  maxTimestamp: number;
  /** Wire size in bytes. */
  size: number;
}

export interface ValidatedBatch {
  readonly bytes: Buffer;
  readonly recordsCount: number;
  readonly codec: number;
}

/**
 * Check that `records` is exactly one well-formed magic-2 batch a client may write, as Kafka's
 * ProduceRequest.validateRecords + LogValidator do, failing with the code Kafka answers.
 */
export function validateBatch(records: Buffer | null, maxMessageBytes: number): ValidatedBatch {
  if (!records || records.length === 0) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, 'produce requests must have exactly one record batch per partition');
  }
  if (records.length < OFF_MAGIC + 1) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'record batch truncated');
  const magic = records.readInt8(OFF_MAGIC);
  if (magic < 2) throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, `message format v${magic} is not supported; use record batches (magic 2)`);
  if (magic > 2) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `unknown record batch magic ${magic}`);
  if (records.length < HEADER_SIZE) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'record batch truncated');
  const size = records.readInt32BE(OFF_BATCH_LENGTH) + 12;
  if (size < HEADER_SIZE || size > records.length) {
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `record batch length ${size} does not match the ${records.length} bytes sent`);
  }
  if (size < records.length) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, 'produce requests must have exactly one record batch per partition');
  }
  if (size > maxMessageBytes) {
    throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `record batch of ${size} bytes exceeds max.message.bytes ${maxMessageBytes}`);
  }
  if (records.readUInt32BE(OFF_CRC) !== crc32c(records, OFF_ATTRIBUTES, size)) {
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'record batch CRC-32C mismatch');
  }
  const attributes = records.readInt16BE(OFF_ATTRIBUTES);
  const codec = attributes & ATTR_CODEC_MASK;
  if (codec > CODEC_ZSTD) throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression codec ${codec}`);
  if (attributes & ATTR_CONTROL) throw new KafkaError(ErrorCode.INVALID_RECORD, 'clients are not allowed to write control records');
  const recordsCount = records.readInt32BE(OFF_RECORDS_COUNT);
  if (recordsCount <= 0 || records.readInt32BE(OFF_LAST_OFFSET_DELTA) !== recordsCount - 1) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, 'record batch lastOffsetDelta does not match its record count');
  }
  return { bytes: records, recordsCount, codec };
}

/** Give a validated batch its place in the log: a private copy with baseOffset and epoch set. */
export function assignOffset(batch: ValidatedBatch, baseOffset: number, leaderEpoch: number): Buffer {
  const out = Buffer.from(batch.bytes);
  out.writeBigInt64BE(BigInt(baseOffset), 0);
  out.writeInt32BE(leaderEpoch, OFF_LEADER_EPOCH);
  return out;
}

/** LogAppendTime topics: the broker's clock stamps the batch; the CRC covers both fields. */
export function stampLogAppendTime(bytes: Buffer, now: number): void {
  bytes.writeInt16BE(bytes.readInt16BE(OFF_ATTRIBUTES) | ATTR_LOG_APPEND_TIME, OFF_ATTRIBUTES);
  bytes.writeBigInt64BE(BigInt(now), OFF_MAX_TIMESTAMP);
  bytes.writeUInt32BE(crc32c(bytes, OFF_ATTRIBUTES, bytes.length), OFF_CRC);
}

/** The side-index entry of a stored batch (its offsets already assigned). */
export function batchInfo(bytes: Buffer): BatchInfo {
  const baseOffset = Number(bytes.readBigInt64BE(0));
  return {
    baseOffset,
    lastOffset: baseOffset + bytes.readInt32BE(OFF_LAST_OFFSET_DELTA),
    maxTimestamp: Number(bytes.readBigInt64BE(OFF_MAX_TIMESTAMP)),
    size: bytes.length,
  };
}

/**
 * Offset and timestamp of each record, for timestamp lookups. Undefined when the records cannot
 * be read without a codec we do not carry (snappy, lz4, zstd); callers fall back to the batch.
 */
export function recordTimestamps(bytes: Buffer): { offset: number; timestamp: number }[] | undefined {
  const attributes = bytes.readInt16BE(OFF_ATTRIBUTES);
  const baseOffset = Number(bytes.readBigInt64BE(0));
  const count = bytes.readInt32BE(OFF_RECORDS_COUNT);
  if (attributes & ATTR_LOG_APPEND_TIME) {
    const ts = Number(bytes.readBigInt64BE(OFF_MAX_TIMESTAMP));
    return Array.from({ length: count }, (_, i) => ({ offset: baseOffset + i, timestamp: ts }));
  }
  const codec = attributes & ATTR_CODEC_MASK;
  let body: Buffer;
  try {
    if (codec === 0) body = bytes.subarray(HEADER_SIZE);
    else if (codec === 1) body = gunzipSync(bytes.subarray(HEADER_SIZE));
    else return undefined;
  } catch {
    return undefined;
  }
  const baseTimestamp = Number(bytes.readBigInt64BE(OFF_BASE_TIMESTAMP));
  const out: { offset: number; timestamp: number }[] = [];
  const r = { buf: body, pos: 0 };
  try {
    for (let i = 0; i < count && r.pos < body.length; i++) {
      const length = readVarint(r);
      const end = r.pos + length;
      r.pos++; // record attributes
      const timestampDelta = readVarint(r);
      const offsetDelta = readVarint(r);
      out.push({ offset: baseOffset + offsetDelta, timestamp: baseTimestamp + timestampDelta });
      r.pos = end;
    }
  } catch {
    return undefined;
  }
  return out;
}

/** Zig-zag varint/varlong (as a JS number: record timestamp deltas fit in 2^53). */
function readVarint(r: { buf: Buffer; pos: number }): number {
  let value = 0;
  let mul = 1;
  for (let shift = 0; shift < 70; shift += 7) {
    if (r.pos >= r.buf.length) throw new RangeError('varint past end');
    const b = r.buf[r.pos++];
    value += (b & 0x7f) * mul;
    mul *= 128;
    if ((b & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }
  throw new RangeError('varint too long');
}
