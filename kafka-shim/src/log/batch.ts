/**
 * Stored magic-2 batches as opaque bytes: the header rewrites a broker makes on append and the
 * side-index entry of a stored batch. Validation and record decoding live in ../records.
 *
 * Rewrites: baseOffset and partitionLeaderEpoch (not covered by the CRC) on every append;
 * attributes + maxTimestamp (covered, so the CRC is recomputed) only when they change — the
 * LogAppendTime stamp, or a CreateTime batch whose maxTimestamp is not its newest record's
 * (sarama writes -1), as Kafka's DefaultRecordBatch.setMaxTimestamp does.
 */
import { crc32c } from './crc32c.js';
import { ATTR, decodeBatch, OFF, readInt64, writeInt64 } from '../records/batch.js';
import type { ValidatedBatch } from '../records/validate.js';

export { Codec } from '../records/compression.js';
export type { ValidatedBatch } from '../records/validate.js';

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

/**
 * Give a validated batch its place in the log: a private copy with baseOffset and epoch set.
 * The copy is unpooled: `Buffer.from` puts copies under 4 KiB in a shared 8 KiB pool slab, and
 * the broker's batch cache keeps a batch for as long as retention does, so each small cached batch
 * pinned a whole slab mostly filled with short-lived request buffers (under mixed SQS and Kafka
 * load external memory grew ~15 MiB a minute, RELIABILITY.md's soak).
 */
export function assignOffset(batch: ValidatedBatch, baseOffset: number, leaderEpoch: number): Buffer {
  const out = Buffer.allocUnsafeSlow(batch.bytes.length);
  batch.bytes.copy(out);
  writeInt64(out, baseOffset, OFF.baseOffset);
  out.writeInt32BE(leaderEpoch, OFF.leaderEpoch);
  return out;
}

/**
 * Set the timestamp type and maxTimestamp (LogAppendTime: the broker's clock; CreateTime: the
 * newest record's), recomputing the CRC only if either changed.
 */
export function setMaxTimestamp(bytes: Buffer, logAppendTime: boolean, maxTimestamp: number): void {
  const attributes = bytes.readInt16BE(OFF.attributes);
  const wanted = logAppendTime ? attributes | ATTR.logAppendTime : attributes & ~ATTR.logAppendTime;
  if (wanted === attributes && readInt64(bytes, OFF.maxTimestamp) === maxTimestamp) return;
  bytes.writeInt16BE(wanted, OFF.attributes);
  writeInt64(bytes, maxTimestamp, OFF.maxTimestamp);
  bytes.writeUInt32BE(crc32c(bytes, OFF.attributes, bytes.length), OFF.crc);
}

/** The side-index entry of a stored batch (its offsets already assigned). */
export function batchInfo(bytes: Buffer): BatchInfo {
  const baseOffset = readInt64(bytes, OFF.baseOffset);
  return {
    baseOffset,
    lastOffset: baseOffset + bytes.readInt32BE(OFF.lastOffsetDelta),
    maxTimestamp: readInt64(bytes, OFF.maxTimestamp),
    size: bytes.length,
  };
}

/** Offset and timestamp of each record of a stored batch (any codec), for timestamp lookups. */
export function recordTimestamps(bytes: Buffer): { offset: number; timestamp: number }[] | undefined {
  try {
    return decodeBatch(bytes).records.map((r) => ({ offset: r.offset, timestamp: r.timestamp }));
  } catch {
    return undefined;
  }
}
