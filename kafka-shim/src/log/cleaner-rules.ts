/**
 * The log cleaner's per-batch rules, pure (no storage, no clock), so they are unit-tested alone.
 * Facts from Kafka's Cleaner (LogCleaner.scala) and MemoryRecords.filterTo:
 * - the offset map holds, for every key of the dirty range [firstDirty, firstUncleanable), the
 *   offset of its newest record; control batches and aborted transactional batches add nothing;
 * - every batch below the end of the map is filtered: a record stays when its offset is the newest
 *   for its key (or its key is not in the map: it is older than the dirty range and never
 *   repeated), and when it has a value or is a tombstone whose batch has no delete horizon yet or
 *   one still in the future; a record without a key is dropped (Kafka counts it invalid);
 * - a batch keeping every record and needing no delete horizon is kept byte for byte; otherwise it
 *   is rebuilt with its own codec, base offset, last offset delta (so producer sequences stay
 *   right), producer fields and leader epoch; a rebuilt batch holding a tombstone gets a delete
 *   horizon (attribute bit 0x40, baseTimestamp = now + delete.retention.ms) the first time;
 * - a batch left empty is removed, except (as an empty header, codec none) the last batch of the
 *   cleaning round, so the offsets before the active segment are not forgotten, and the batch
 *   holding an active idempotent producer's last offset, so its sequence state survives.
 * Transactions: `TxnCleaning` is the seam the transactions work plugs Kafka's rules into (aborted
 * batches dropped, markers removed after their horizon once their transaction is empty). Without
 * it every control and transactional batch is kept as it is and adds nothing to the offset map.
 */
import { crc32c } from './crc32c.js';
import { ATTR, encodeBatch, HEADER_SIZE, OFF, writeInt64, type KafkaRecord, type RecordBatch } from '../records/batch.js';
import { Codec } from '../records/compression.js';

/**
 * How the cleaner treats a transactional or control batch; the default keeps them all. The
 * transactions work returns Kafka's answers (CleanedTransactionMetadata): 'aborted' for a data batch
 * of an aborted transaction (dropped, and not in the offset map), 'marker-removable' for a marker
 * whose transaction has no data left (removed once its delete horizon passed, else given one).
 */
export type TxnVerdict = 'keep' | 'clean' | 'aborted' | 'marker-removable';

export interface TxnCleaning {
  /** Called in offset order for every transactional or control batch of a pass. */
  verdict(batch: RecordBatch): TxnVerdict;
  /** Start a new pass (the offset-map pass and the filter pass each read the log in order). */
  reset(): void;
  /** The offset the cleaner must not pass (Kafka's last stable offset); undefined = high watermark. */
  lastStableOffset?(): number;
}

/** The default policy: transactional and control batches are left as they are. */
export const KEEP_TRANSACTIONS: TxnCleaning = { verdict: () => 'keep', reset: () => {} };

const keyOf = (k: Buffer): string => k.toString('latin1');

/** Key -> newest offset over the dirty range, and the last offset the map covers. */
export class OffsetMap {
  private readonly map = new Map<string, number>();
  latestOffset = -1;

  get size(): number {
    return this.map.size;
  }

  put(key: Buffer, offset: number): void {
    this.map.set(keyOf(key), offset);
  }

  get(key: Buffer): number {
    return this.map.get(keyOf(key)) ?? -1;
  }

  updateLatestOffset(offset: number): void {
    if (offset > this.latestOffset) this.latestOffset = offset;
  }
}

/** Add one dirty-range batch to the map (Cleaner.buildOffsetMapForSegment). */
export function mapBatch(map: OffsetMap, batch: RecordBatch, firstDirty: number, txn: TxnCleaning): void {
  const lastOffset = batch.baseOffset + batch.lastOffsetDelta;
  const verdict = batch.isControl || batch.isTransactional ? txn.verdict(batch) : 'clean';
  if (verdict === 'clean') {
    for (const r of batch.records) if (r.key && r.offset >= firstDirty) map.put(r.key, r.offset);
  }
  if (lastOffset >= firstDirty) map.updateLatestOffset(lastOffset);
}

export interface FilterContext {
  map: OffsetMap;
  now: number;
  deleteRetentionMs: number;
  /** Kafka's upperBoundOffsetOfCleaningRound: the batch ending just below it is kept even if empty. */
  endOffset: number;
  /** Last offset of each active idempotent producer's last batch. */
  producerLastOffsets: ReadonlySet<number>;
  txn: TxnCleaning;
}

/** What happens to one stored batch: kept as is, replaced by new bytes, or removed. */
export type Filtered = { kind: 'keep' } | { kind: 'rewrite'; bytes: Buffer; records: number } | { kind: 'remove' };

/** The batch's delete horizon, if the cleaner already set one. */
export function deleteHorizonOf(batch: RecordBatch): number | undefined {
  return (batch.attributes & ATTR.deleteHorizon) !== 0 ? batch.baseTimestamp : undefined;
}

/** Apply the cleaning rules to one batch (MemoryRecords.filterTo with the cleaner's RecordFilter). */
export function filterBatch(batch: RecordBatch, ctx: FilterContext): Filtered {
  const lastOffset = batch.baseOffset + batch.lastOffsetDelta;
  const retainEmpty = (batch.producerId >= 0 && ctx.producerLastOffsets.has(lastOffset)) || lastOffset + 1 === ctx.endOffset;
  const horizon = deleteHorizonOf(batch);
  let verdict: TxnVerdict = 'clean';
  if (batch.isControl || batch.isTransactional) verdict = ctx.txn.verdict(batch);
  if (verdict === 'keep') return { kind: 'keep' };
  let retained: KafkaRecord[];
  let markerForEmptyTxn = false;
  if (batch.isControl) {
    // A marker goes once its transaction is empty and its horizon has passed.
    markerForEmptyTxn = verdict === 'marker-removable';
    retained = markerForEmptyTxn && horizon !== undefined && horizon <= ctx.now ? [] : batch.records;
  } else if (verdict === 'aborted') {
    retained = [];
  } else {
    retained = batch.records.filter((r) => keepRecord(r, horizon, ctx));
  }
  const tombstones = !batch.isControl && retained.some((r) => r.value === null);
  const needsHorizon = (tombstones || (markerForEmptyTxn && retained.length > 0)) && horizon === undefined;
  if (retained.length > 0) {
    if (retained.length === batch.records.length && !needsHorizon) return { kind: 'keep' };
    return { kind: 'rewrite', bytes: rebuild(batch, retained, needsHorizon ? ctx.now + ctx.deleteRetentionMs : horizon), records: retained.length };
  }
  if (retainEmpty) return { kind: 'rewrite', bytes: emptyBatch(batch), records: 0 };
  return { kind: 'remove' };
}

function keepRecord(r: KafkaRecord, horizon: number | undefined, ctx: FilterContext): boolean {
  if (r.offset > ctx.map.latestOffset) return true;
  if (!r.key) return false;
  if (r.offset < ctx.map.get(r.key)) return false;
  return r.value !== null || horizon === undefined || ctx.now < horizon;
}

/** The batch with only `records`, same codec and header fields, CRC recomputed. */
export function rebuild(batch: RecordBatch, records: KafkaRecord[], deleteHorizon: number | undefined): Buffer {
  const logAppendTime = batch.timestampType === 1;
  const out = encodeBatch({
    records: records.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers, offsetDelta: r.offset - batch.baseOffset })),
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    compression: batch.compression,
    timestampType: batch.timestampType,
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    baseTimestamp: deleteHorizon ?? records[0].timestamp,
    maxTimestamp: logAppendTime ? batch.maxTimestamp : records.reduce((m, r) => Math.max(m, r.timestamp), -1),
  });
  // The last offset delta stays the original's (MemoryRecordsBuilder.overrideLastOffset).
  out.writeInt32BE(batch.lastOffsetDelta, OFF.lastOffsetDelta);
  if (deleteHorizon !== undefined) out.writeInt16BE(out.readInt16BE(OFF.attributes) | ATTR.deleteHorizon, OFF.attributes);
  out.writeUInt32BE(crc32c(out, OFF.attributes, out.length), OFF.crc);
  return out;
}

/** A header-only batch keeping the batch's offsets and producer fields (DefaultRecordBatch.writeEmptyHeader). */
export function emptyBatch(batch: RecordBatch): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  let attributes = Codec.NONE;
  if (batch.timestampType === 1) attributes |= ATTR.logAppendTime;
  if (batch.isTransactional) attributes |= ATTR.transactional;
  if (batch.isControl) attributes |= ATTR.control;
  writeInt64(out, batch.baseOffset, OFF.baseOffset);
  out.writeInt32BE(HEADER_SIZE - 12, OFF.batchLength);
  out.writeInt32BE(batch.partitionLeaderEpoch, OFF.leaderEpoch);
  out.writeInt8(2, OFF.magic);
  out.writeInt16BE(attributes, OFF.attributes);
  out.writeInt32BE(batch.lastOffsetDelta, OFF.lastOffsetDelta);
  writeInt64(out, -1, OFF.baseTimestamp);
  writeInt64(out, batch.maxTimestamp, OFF.maxTimestamp);
  writeInt64(out, batch.producerId, OFF.producerId);
  out.writeInt16BE(batch.producerEpoch, OFF.producerEpoch);
  out.writeInt32BE(batch.baseSequence, OFF.baseSequence);
  out.writeInt32BE(0, OFF.recordsCount);
  out.writeUInt32BE(crc32c(out, OFF.attributes, out.length), OFF.crc);
  return out;
}
