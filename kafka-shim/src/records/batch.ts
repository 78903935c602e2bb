/**
 * Magic-2 record batches (Kafka's DefaultRecordBatch) decoded into records and built from records,
 * in any of the four codecs. The broker's produce path does not decode through here (it validates
 * in place, see validate.ts); this is the codec for everything that needs the records themselves:
 * timestamp lookups, tests, tools, and rebuilding a batch.
 *
 * Batch header (61 bytes): baseOffset i64 | batchLength i32 | partitionLeaderEpoch i32 | magic i8 |
 * crc u32 (CRC-32C of attributes..end) | attributes i16 | lastOffsetDelta i32 | baseTimestamp i64 |
 * maxTimestamp i64 | producerId i64 | producerEpoch i16 | baseSequence i32 | recordCount i32.
 * Record: length varint | attributes i8 | timestampDelta varlong | offsetDelta varint | key | value |
 * header count varint | headers (key string, value bytes), lengths as varints, -1 = null.
 */
import { crc32c } from '../log/crc32c.js';
import { Codec, compress, decompress } from './compression.js';
import { readVarint, readVarlong, sizeOfVarint, writeVarint, type Cursor } from './varint.js';

export const HEADER_SIZE = 61;
export const OFF = {
  baseOffset: 0,
  batchLength: 8,
  leaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
} as const;

export const ATTR = {
  codecMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface RecordBatch {
  baseOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: number;
  /** 0 = CreateTime, 1 = LogAppendTime. */
  timestampType: 0 | 1;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  records: KafkaRecord[];
  /** Wire size of the batch. */
  sizeInBytes: number;
}

/** An int64 field as a number, without the BigInt a readBigInt64BE allocates (exact below 2^53). */
export function readInt64(buf: Buffer, off: number): number {
  return buf.readInt32BE(off) * 4294967296 + buf.readUInt32BE(off + 4);
}

/** Write a number (|n| < 2^53) as an int64 field, without a BigInt. */
export function writeInt64(buf: Buffer, n: number, off: number): void {
  const hi = Math.floor(n / 4294967296);
  buf.writeInt32BE(hi, off);
  buf.writeUInt32BE(n - hi * 4294967296, off + 4);
}

/** A malformed batch; `kind` says which Kafka error a broker would answer. */
export class BatchFormatError extends Error {
  constructor(
    readonly kind: 'corrupt' | 'invalid' | 'decompress',
    message: string,
  ) {
    super(message);
  }
}

/** Decode the one batch at the start of `buf` (e.g. a stored batch); CRC is checked. */
export function decodeBatch(buf: Buffer): RecordBatch {
  if (buf.length < HEADER_SIZE) throw new BatchFormatError('corrupt', `record batch of ${buf.length} bytes is shorter than its 61-byte header`);
  const size = buf.readInt32BE(OFF.batchLength) + 12;
  if (size < HEADER_SIZE || size > buf.length) throw new BatchFormatError('corrupt', `record batch length ${size} does not fit the ${buf.length} bytes given`);
  const magic = buf.readInt8(OFF.magic);
  if (magic !== 2) throw new BatchFormatError('corrupt', `unsupported record batch magic ${magic}`);
  const crc = buf.readUInt32BE(OFF.crc);
  const computed = crc32c(buf, OFF.attributes, size);
  if (crc !== computed) throw new BatchFormatError('corrupt', `Record is corrupt (stored crc = ${crc}, computed crc = ${computed})`);
  const attributes = buf.readInt16BE(OFF.attributes);
  const baseOffset = Number(buf.readBigInt64BE(OFF.baseOffset));
  const baseTimestamp = Number(buf.readBigInt64BE(OFF.baseTimestamp));
  const maxTimestamp = Number(buf.readBigInt64BE(OFF.maxTimestamp));
  const logAppendTime = (attributes & ATTR.logAppendTime) !== 0;
  const count = buf.readInt32BE(OFF.recordsCount);
  if (count < 0) throw new BatchFormatError('invalid', `Found invalid record count ${count} in magic v2 batch`);
  let body: Buffer;
  try {
    body = decompress(attributes & ATTR.codecMask, buf.subarray(HEADER_SIZE, size));
  } catch (err) {
    throw new BatchFormatError('decompress', (err as Error).message);
  }
  const c: Cursor = { buf: body, pos: 0, end: body.length };
  const records: KafkaRecord[] = [];
  for (let i = 0; i < count; i++) {
    records.push(readRecord(c, baseOffset, baseTimestamp, logAppendTime ? maxTimestamp : undefined));
  }
  if (c.pos !== c.end) throw new BatchFormatError('invalid', 'Incorrect declared batch size, records still remaining in file');
  return {
    baseOffset,
    partitionLeaderEpoch: buf.readInt32BE(OFF.leaderEpoch),
    magic,
    crc,
    attributes,
    compression: attributes & ATTR.codecMask,
    timestampType: logAppendTime ? 1 : 0,
    isTransactional: (attributes & ATTR.transactional) !== 0,
    isControl: (attributes & ATTR.control) !== 0,
    lastOffsetDelta: buf.readInt32BE(OFF.lastOffsetDelta),
    baseTimestamp,
    maxTimestamp,
    producerId: Number(buf.readBigInt64BE(OFF.producerId)),
    producerEpoch: buf.readInt16BE(OFF.producerEpoch),
    baseSequence: buf.readInt32BE(OFF.baseSequence),
    records,
    sizeInBytes: size,
  };
}

/**
 * Decode every whole batch in a records field (a Fetch response's, or a Produce request's). A
 * trailing partial batch, which Fetch may return, is ignored as consumers ignore it.
 */
export function decodeBatches(buf: Buffer): RecordBatch[] {
  const out: RecordBatch[] = [];
  let pos = 0;
  while (pos + HEADER_SIZE <= buf.length) {
    const size = buf.readInt32BE(pos + OFF.batchLength) + 12;
    if (pos + size > buf.length) break;
    out.push(decodeBatch(buf.subarray(pos, pos + size)));
    pos += size;
  }
  return out;
}

function readRecord(c: Cursor, baseOffset: number, baseTimestamp: number, logAppendTime: number | undefined): KafkaRecord {
  try {
    const length = readVarint(c);
    if (length < 0 || c.pos + length > c.end) throw new BatchFormatError('invalid', `Invalid record size: expected ${length} bytes in record payload, but instead the buffer has only ${c.end - c.pos} remaining bytes.`);
    const end = c.pos + length;
    const r: Cursor = { buf: c.buf, pos: c.pos, end };
    r.pos++; // record attributes: unused in magic 2
    const timestampDelta = readVarlong(r);
    const offsetDelta = readVarint(r);
    const key = readBytes(r);
    const value = readBytes(r);
    const headerCount = readVarint(r);
    if (headerCount < 0) throw new BatchFormatError('invalid', `Found invalid number of record headers ${headerCount}`);
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const keyLength = readVarint(r);
      if (keyLength < 0) throw new BatchFormatError('invalid', `Invalid negative header key size ${keyLength}`);
      if (r.pos + keyLength > end) throw new BatchFormatError('invalid', 'Found invalid record structure');
      const hk = Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, keyLength).toString('utf8');
      r.pos += keyLength;
      headers.push({ key: hk, value: readBytes(r) });
    }
    if (r.pos !== end) throw new BatchFormatError('invalid', `Invalid record size: expected to read ${length} bytes in record payload, but instead read ${r.pos - c.pos}`);
    c.pos = end;
    return { offset: baseOffset + offsetDelta, timestamp: logAppendTime ?? baseTimestamp + timestampDelta, key, value, headers };
  } catch (err) {
    if (err instanceof BatchFormatError) throw err;
    throw new BatchFormatError('invalid', 'Found invalid record structure');
  }
}

function readBytes(r: Cursor): Buffer | null {
  const len = readVarint(r);
  if (len < 0) return null;
  if (r.pos + len > r.end) throw new BatchFormatError('invalid', 'Found invalid record structure');
  const out = Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, len);
  r.pos += len;
  return out;
}

export interface RecordInput {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  timestamp?: number;
  headers?: { key: string; value: Buffer | string | null }[];
  /** Defaults to the record's index; set only to build deliberately odd batches. */
  offsetDelta?: number;
}

export interface BatchInput {
  records: RecordInput[];
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  compression?: number;
  timestampType?: 0 | 1;
  isTransactional?: boolean;
  isControl?: boolean;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Defaults to the first record's timestamp. */
  baseTimestamp?: number;
  /** Defaults to the largest record timestamp (as a producer computes it). */
  maxTimestamp?: number;
}

const asBuffer = (b: Buffer | string | null | undefined): Buffer | null => (b == null ? null : typeof b === 'string' ? Buffer.from(b) : b);

/** Build one magic-2 batch, compressed with `compression`, CRC set. Zstd needs loadZstdCompressor(). */
export function encodeBatch(input: BatchInput): Buffer {
  const now = Date.now();
  const baseTimestamp = input.baseTimestamp ?? input.records[0]?.timestamp ?? now;
  const encoded = input.records.map((r, i) => encodeRecord(r, i, baseTimestamp, now));
  const compression = input.compression ?? Codec.NONE;
  const payload = compress(compression, Buffer.concat(encoded));
  const maxTimestamp = input.maxTimestamp ?? input.records.reduce((m, r) => Math.max(m, r.timestamp ?? now), -1);
  let attributes = compression & ATTR.codecMask;
  if (input.timestampType === 1) attributes |= ATTR.logAppendTime;
  if (input.isTransactional) attributes |= ATTR.transactional;
  if (input.isControl) attributes |= ATTR.control;
  const out = Buffer.alloc(HEADER_SIZE + payload.length);
  out.writeBigInt64BE(BigInt(input.baseOffset ?? 0), OFF.baseOffset);
  out.writeInt32BE(HEADER_SIZE - 12 + payload.length, OFF.batchLength);
  out.writeInt32BE(input.partitionLeaderEpoch ?? -1, OFF.leaderEpoch);
  out.writeInt8(2, OFF.magic);
  out.writeInt16BE(attributes, OFF.attributes);
  out.writeInt32BE(input.records.length - 1, OFF.lastOffsetDelta);
  out.writeBigInt64BE(BigInt(baseTimestamp), OFF.baseTimestamp);
  out.writeBigInt64BE(BigInt(maxTimestamp), OFF.maxTimestamp);
  out.writeBigInt64BE(BigInt(input.producerId ?? -1), OFF.producerId);
  out.writeInt16BE(input.producerEpoch ?? -1, OFF.producerEpoch);
  out.writeInt32BE(input.baseSequence ?? -1, OFF.baseSequence);
  out.writeInt32BE(input.records.length, OFF.recordsCount);
  payload.copy(out, HEADER_SIZE);
  out.writeUInt32BE(crc32c(out, OFF.attributes, out.length), OFF.crc);
  return out;
}

function encodeRecord(r: RecordInput, index: number, baseTimestamp: number, now: number): Buffer {
  const key = asBuffer(r.key);
  const value = asBuffer(r.value);
  const headers = (r.headers ?? []).map((h) => ({ key: Buffer.from(h.key), value: asBuffer(h.value) }));
  const tsDelta = (r.timestamp ?? now) - baseTimestamp;
  const offsetDelta = r.offsetDelta ?? index;
  const bytesSize = (b: Buffer | null) => (b ? sizeOfVarint(b.length) + b.length : 1);
  let body = 1 + sizeOfVarint(tsDelta) + sizeOfVarint(offsetDelta) + bytesSize(key) + bytesSize(value) + sizeOfVarint(headers.length);
  for (const h of headers) body += bytesSize(h.key) + bytesSize(h.value);
  const out = Buffer.alloc(sizeOfVarint(body) + body);
  let pos = writeVarint(out, 0, body);
  out[pos++] = 0;
  pos = writeVarint(out, pos, tsDelta);
  pos = writeVarint(out, pos, offsetDelta);
  const put = (b: Buffer | null) => {
    if (!b) return writeVarint(out, pos, -1);
    pos = writeVarint(out, pos, b.length);
    return pos + b.copy(out, pos);
  };
  pos = put(key);
  pos = put(value);
  pos = writeVarint(out, pos, headers.length);
  for (const h of headers) {
    pos = put(h.key);
    pos = put(h.value);
  }
  return out;
}
