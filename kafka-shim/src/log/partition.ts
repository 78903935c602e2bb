/**
 * One partition log: committed batches in offset order with a side index (offsets, max timestamp,
 * size) kept in memory, bytes in LevelDB under K/b/, log start offset under K/p/.
 *
 * Offsets are assigned synchronously when a batch is accepted, so concurrent appends never
 * collide; a batch becomes visible (high watermark, fetch) only once its LevelDB write resolved.
 * Group-commit writes resolve in the order they were queued, so the high watermark only grows.
 * Retention works on segments (segments.ts), run by the LogManager's periodic check.
 * Every LevelDB write of a partition goes through `persist()`. Each batch has a 16-byte side-index
 * entry under K/i/ beside its bytes under K/b/, so startup reads the index, not the whole log.
 * Idempotent producers' sequence state (producers.ts) is checked before an offset is assigned and
 * written under K/s/ in the batch's unit of work. Transactions (transactions.ts): a transactional
 * batch opens its producer's transaction here, a control batch (marker) closes it; the last stable
 * offset and the aborted-transaction index follow from that.
 * The log cleaner (cleaner.ts) reads closed segments through `storedBatches` and commits each
 * clean with `applyClean`; `exclusive` keeps retention and DeleteRecords off the log meanwhile.
 */
import type { Core } from '../../../emulator/src/core/core.js';
import type { Op } from '../../../emulator/src/core/storage/store.js';
import { batchKey, batchPrefix, indexKey, partitionKey, producerKey } from '../storage/keys.js';
import { assignOffset, batchInfo, recordTimestamps, setMaxTimestamp, type BatchInfo, type ValidatedBatch } from './batch.js';
import type { BatchCache, CachedBatches } from './cache.js';
import type { EffectiveConfig } from './configs.js';
import { ErrorCode, KafkaError } from '../errors.js';
import { indexValue, SideIndex } from './side-index.js';
import { Segments, type SavedSegments } from './segments.js';
import type { SegmentStat } from './cleaner-plan.js';
import { encodeEntry, producerOf, ProducerStates, type BatchMeta, type ProducerBatch, type ProducerEntry } from './producers.js';
import { controlBatch, PartitionTransactions } from './transactions.js';
import { ATTR, OFF, writeInt64 } from '../records/batch.js';

/** The partition record (K/p/): log start offset and segment boundaries. */
export interface PartitionRecord {
  logStartOffset: number;
  segments?: SavedSegments;
  /** Every batch has its side-index entry under K/i/ (logs written before that are migrated on load). */
  indexed?: boolean;
  /** The log cleaner's checkpoint: offsets below it are clean (Kafka's cleaner-offset-checkpoint). */
  cleanedTo?: number;
}

/** The leader epoch of a new partition, written into its batches until leadership moves. */
export const LEADER_EPOCH = 0;

export interface AppendResult {
  baseOffset: number;
  /** The stamped time on LogAppendTime topics, else -1. */
  logAppendTime: number;
  logStartOffset: number;
}

export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
}

/** What a partition needs from its topic and broker. */
export interface PartitionHost {
  readonly core: Core;
  readonly cache: BatchCache;
  config(topic: string): EffectiveConfig;
  /** Kafka 4's transaction verification of a transactional batch (throws the refusal), set by the coordinator. */
  verifyTxn?(topic: string, partition: number, producer: ProducerBatch): void;
}


export class Partition {
  /** Committed batches, ascending offsets. */
  private readonly index = new SideIndex();
  private readonly cached: CachedBatches = new Map();
  logStartOffset = 0;
  highWatermark = 0;
  /** Next offset to assign; ahead of the high watermark while appends are being written. */
  private nextOffset = 0;
  private readonly inflight = new Set<number>();
  private readonly waiters = new Set<() => void>();
  private readonly segments = new Segments();
  /** Idempotent producers' epochs and last batches (producers.ts), persisted under K/s/. */
  private readonly producers = new ProducerStates();
  /** Open transactions and the aborted-transaction index (transactions.ts), under K/u/ and K/a/. */
  readonly txns: PartitionTransactions;
  /** Whether K/i/ holds an entry for every batch (false only for a log written before K/i/ existed). */
  private indexed = true;
  private deleted = false;
  /** The cleaner's checkpoint (PartitionRecord.cleanedTo). */
  cleanedTo: number | undefined;
  /** The clean in progress: retention waits for the next check, DeleteRecords for its end. */
  private cleaning: Promise<unknown> | undefined;
  /** Stamped on every appended batch; the cluster (../cluster) bumps it when leadership moves. */
  leaderEpoch = LEADER_EPOCH;

  constructor(
    private readonly host: PartitionHost,
    readonly topic: string,
    readonly partition: number,
  ) {
    this.txns = new PartitionTransactions(topic, partition);
  }

  /** The first offset of the oldest open transaction, or the high watermark (read_committed's limit). */
  get lastStableOffset(): number {
    return this.txns.lastStableOffset(this.highWatermark);
  }

  /** Rebuild from LevelDB (startup). `batches` are in key (= offset) order. */
  restore(rec: PartitionRecord, batches: BatchInfo[], indexed: boolean): void {
    this.indexed = indexed;
    this.logStartOffset = rec.logStartOffset;
    this.cleanedTo = rec.cleanedTo;
    for (const b of batches) this.index.push(b);
    const n = this.index.length;
    this.highWatermark = Math.max(rec.logStartOffset, n > 0 ? this.index.lastOffset(n - 1) + 1 : 0);
    this.nextOffset = this.highWatermark;
    this.segments.restore(rec.segments, this.index, this.host.core.clock.now());
  }

  /** The next offset to be assigned (Kafka's log end offset), ahead of the high watermark while appends are written. */
  get logEndOffset(): number {
    return this.nextOffset;
  }

  get batchCount(): number {
    return this.index.length;
  }

  async append(batch: ValidatedBatch): Promise<AppendResult> {
    if (this.deleted) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${this.topic} was deleted`);
    const config = this.host.config(this.topic);
    // Idempotence: duplicate and sequence checks, synchronously so a producer's pipelined batches
    // are checked in arrival order (UnifiedLog.analyzeAndValidateProducerState).
    const producer = producerOf(batch.bytes);
    if (producer) {
      const dup = this.producers.duplicateOf(producer);
      if (dup) return this.duplicate(dup);
      this.producers.check(producer, `${this.topic}-${this.partition}`);
    }
    const transactional = producer !== undefined && (batch.bytes.readInt16BE(OFF.attributes) & ATTR.transactional) !== 0;
    // A producer's first batch of a transaction here must be in its transaction (Kafka 4 verification).
    if (transactional && this.txns.firstOffsetOf(producer.producerId) === undefined) this.host.verifyTxn?.(this.topic, this.partition, producer);
    const baseOffset = this.nextOffset;
    this.nextOffset += batch.recordsCount;
    const bytes = assignOffset(batch, baseOffset, this.leaderEpoch);
    const now = this.host.core.clock.now();
    const maxTimestamp = config.logAppendTime ? now : batch.maxTimestamp;
    setMaxTimestamp(bytes, config.logAppendTime, maxTimestamp);
    const rolled = this.segments.onAppend(baseOffset, bytes.length, maxTimestamp, now, config);
    const info = batchInfo(bytes);
    this.inflight.add(baseOffset);
    const ops: Op[] = [
      { type: 'put', key: batchKey(this.topic, this.partition, baseOffset), value: bytes },
      { type: 'put', key: indexKey(this.topic, this.partition, baseOffset), value: indexValue(info) },
    ];
    if (rolled) ops.push(this.recordOp());
    let undo: (() => void) | undefined;
    let meta: BatchMeta | undefined;
    if (producer) {
      meta = { firstSeq: producer.firstSeq, lastSeq: producer.lastSeq, firstOffset: baseOffset, lastOffset: info.lastOffset, timestamp: maxTimestamp };
      const added = this.producers.add(producer, meta, (id) => producerKey(this.topic, this.partition, id));
      undo = added.undo;
      // The producer's state is written in the batch's own unit: both or neither survive a crash.
      ops.push({ type: 'put', key: added.entry.key, value: encodeEntry(added.entry) });
    }
    const opened = transactional ? this.txns.begin(producer.producerId, baseOffset) : undefined;
    if (opened) ops.push(opened.op);
    const written = this.persist(ops);
    if (meta) meta.written = written;
    try {
      await written;
    } catch (err) {
      undo?.();
      opened?.undo();
      this.inflight.delete(baseOffset);
      // Hand the lost offsets out again unless a later append already holds higher ones.
      if (this.inflight.size === 0) this.nextOffset = this.highWatermark;
      throw err;
    }
    this.inflight.delete(baseOffset);
    if (meta) meta.written = undefined;
    if (!this.deleted) {
      this.index.push(info);
      this.highWatermark = info.lastOffset + 1;
      this.host.cache.add(this.cached, baseOffset, bytes);
      this.wake();
    }
    return { baseOffset, logAppendTime: config.logAppendTime ? now : -1, logStartOffset: this.logStartOffset };
  }

  /**
   * A retried batch: Kafka answers with the original batch's offsets, and its timestamp as
   * logAppendTime (whatever the topic's timestamp type), after the original is on disk.
   */
  private async duplicate(dup: BatchMeta): Promise<AppendResult> {
    if (dup.written) await dup.written;
    return { baseOffset: dup.firstOffset, logAppendTime: dup.timestamp, logStartOffset: this.logStartOffset };
  }

  /**
   * Close `producerId`'s transaction here with a COMMIT or ABORT control batch (WriteTxnMarkers'
   * work, done in process). `onlyIfOpen` (recovery replaying a completion) skips a partition whose
   * transaction is already closed, so a marker is never written twice. The marker's epoch becomes
   * the producer's epoch here, fencing an older one (a timed-out transaction's producer).
   */
  async appendMarker(producerId: bigint, epoch: number, commit: boolean, coordinatorEpoch: number, onlyIfOpen: boolean): Promise<void> {
    if (this.deleted) return;
    if (onlyIfOpen && this.txns.firstOffsetOf(producerId) === undefined) return;
    const now = this.host.core.clock.now();
    const bytes = controlBatch(producerId, epoch, commit, coordinatorEpoch, now);
    const baseOffset = this.nextOffset++;
    writeInt64(bytes, baseOffset, OFF.baseOffset);
    bytes.writeInt32BE(LEADER_EPOCH, OFF.leaderEpoch);
    const config = this.host.config(this.topic);
    const rolled = this.segments.onAppend(baseOffset, bytes.length, now, now, config);
    const info = batchInfo(bytes);
    this.inflight.add(baseOffset);
    const closed = this.txns.end(producerId, commit, baseOffset);
    const ops: Op[] = [
      { type: 'put', key: batchKey(this.topic, this.partition, baseOffset), value: bytes },
      { type: 'put', key: indexKey(this.topic, this.partition, baseOffset), value: indexValue(info) },
      ...closed.ops,
    ];
    if (rolled) ops.push(this.recordOp());
    const entry = this.producers.get(producerId);
    if (entry && entry.epoch < epoch) {
      entry.epoch = epoch;
      ops.push({ type: 'put', key: entry.key ?? producerKey(this.topic, this.partition, producerId), value: encodeEntry(entry) });
    }
    try {
      await this.persist(ops);
    } catch (err) {
      this.inflight.delete(baseOffset);
      if (this.inflight.size === 0) this.nextOffset = this.highWatermark;
      throw err;
    }
    this.inflight.delete(baseOffset);
    if (this.deleted) return;
    closed.apply();
    this.index.push(info);
    this.highWatermark = info.lastOffset + 1;
    this.host.cache.add(this.cached, baseOffset, bytes);
    this.wake();
  }

  /** DescribeProducers: each known producer's epoch, last sequence and time, and its open transaction's first offset (-1: none). */
  describeProducers(): { producerId: number; epoch: number; lastSequence: number; lastTimestamp: number; txnStartOffset: number }[] {
    const out = [];
    for (const id of this.producers.ids()) {
      const e = this.producers.get(id)!;
      const last = e.batches[e.batches.length - 1];
      out.push({ producerId: Number(id), epoch: e.epoch, lastSequence: last?.lastSeq ?? -1, lastTimestamp: last?.timestamp ?? -1, txnStartOffset: this.txns.firstOffsetOf(id) ?? -1 });
    }
    return out;
  }

  /** Startup: the producer entries stored under K/s/ for this partition. */
  restoreProducer(producerId: bigint, entry: ProducerEntry): void {
    this.producers.restore(producerId, entry);
  }

  get producerCount(): number {
    return this.producers.size;
  }

  /** Whether a fetch may start at `offset` now: from the log start up to the high watermark. */
  canFetch(offset: number): boolean {
    return offset >= this.logStartOffset && offset <= this.highWatermark;
  }

  /** OFFSET_OUT_OF_RANGE unless `offset` can be fetched now. */
  checkFetchOffset(offset: number): void {
    if (!this.canFetch(offset)) {
      throw new KafkaError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `offset ${offset} is outside [${this.logStartOffset}, ${this.highWatermark}] of ${this.topic}-${this.partition}`,
      );
    }
  }

  /** Bytes a fetch from `offset` would return, counted up to `enough` (for minBytes). */
  bytesFrom(offset: number, enough: number, upTo = Infinity): number {
    let sum = 0;
    for (let i = this.index.find(offset); i < this.index.length && sum < enough && this.index.baseOffset(i) < upTo; i++) sum += this.index.size(i);
    return sum;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes`; with `minOne` the first batch is
   * returned even if larger (KIP-74). Stored bytes are returned as they are: no decompression.
   * `upTo` (read_committed: the last stable offset) excludes batches starting at or after it.
   */
  async read(offset: number, maxBytes: number, minOne: boolean, upTo = Infinity): Promise<Buffer[]> {
    this.checkFetchOffset(offset);
    const picked: number[] = [];
    let sum = 0;
    for (let i = this.index.find(offset); i < this.index.length && this.index.baseOffset(i) < upTo; i++) {
      const size = this.index.size(i);
      if (sum + size > maxBytes && !(minOne && picked.length === 0)) break;
      picked.push(this.index.baseOffset(i));
      sum += size;
    }
    const out: Buffer[] = [];
    let next = 0;
    for (let data; next < picked.length && (data = this.cached.get(picked[next])?.data); next++) out.push(data);
    if (next === picked.length) return out;
    // Older batches come from LevelDB in one range scan. Retention or a clean may have removed some
    // on disk before the side index follows: those are skipped (a consumer gets the next batch,
    // as after compaction on Kafka); anything else unexpected ends the read.
    const it = this.host.core.store.scan(batchPrefix(this.topic, this.partition), {
      gte: batchKey(this.topic, this.partition, picked[next]),
      limit: picked.length - next,
    });
    for await (const [, value] of it) {
      const base = Number(value.readBigInt64BE(0));
      while (next < picked.length && picked[next] < base) next++;
      if (next >= picked.length || base !== picked[next]) break;
      out.push(value);
      next++;
    }
    return out;
  }

  /** Earliest record with timestamp >= `ts` (Kafka's ListOffsets by time), or undefined. */
  async offsetForTimestamp(ts: number): Promise<OffsetAndTimestamp | undefined> {
    let i = 0;
    while (i < this.index.length && this.index.maxTimestamp(i) < ts) i++;
    if (i === this.index.length) return undefined;
    const base = this.index.baseOffset(i);
    const maxTimestamp = this.index.maxTimestamp(i);
    const records = await this.recordsOf(base);
    const hit = records?.find((r) => r.timestamp >= ts && r.offset >= this.logStartOffset);
    return hit ?? { offset: Math.max(base, this.logStartOffset), timestamp: maxTimestamp };
  }

  /** The record with the largest timestamp (ListOffsets -3), or undefined when empty. */
  async maxTimestampOffset(): Promise<OffsetAndTimestamp | undefined> {
    if (this.index.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.index.length; i++) if (this.index.maxTimestamp(i) > this.index.maxTimestamp(best)) best = i;
    const maxTimestamp = this.index.maxTimestamp(best);
    const lastOffset = this.index.lastOffset(best);
    const records = await this.recordsOf(this.index.baseOffset(best));
    const hit = records?.find((r) => r.timestamp === maxTimestamp && r.offset >= this.logStartOffset);
    return hit ?? { offset: lastOffset, timestamp: maxTimestamp };
  }

  private async recordsOf(baseOffset: number): Promise<OffsetAndTimestamp[] | undefined> {
    const bytes = this.cached.get(baseOffset)?.data ?? (await this.host.core.store.get(batchKey(this.topic, this.partition, baseOffset)));
    return bytes ? recordTimestamps(bytes) : undefined;
  }

  /** DeleteRecords: move the log start offset to `offset` (-1 = high watermark). */
  async deleteRecords(offset: number): Promise<number> {
    const target = offset === -1 ? this.highWatermark : offset;
    if (target < 0 || target > this.highWatermark) {
      throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${offset} is beyond the high watermark ${this.highWatermark} of ${this.topic}-${this.partition}`);
    }
    while (this.cleaning) await this.cleaning.catch(() => {});
    if (target <= this.logStartOffset) return this.logStartOffset;
    this.logStartOffset = target;
    await this.trim(this.index.find(target), 'delete-records');
    return this.logStartOffset;
  }

  /** The periodic retention check: delete the closed segments retention.ms / retention.bytes allow. */
  checkRetention(now: number): void {
    if (this.deleted) return;
    this.expireProducers(now);
    const config = this.host.config(this.topic);
    // Kafka deletes by time and size only with cleanup.policy delete; a clean in progress is left
    // alone (the next check catches up).
    if (!config.deletes || this.cleaning) return;
    const upTo = this.segments.retentionPoint(this.index, now, config);
    if (upTo !== undefined) void this.trim(this.index.find(upTo), 'retention');
  }

  /** Forget producers idle for producer.id.expiration.ms (Kafka's removeExpiredProducers). */
  private expireProducers(now: number): void {
    const expired = this.producers.expired(now);
    if (expired.length === 0) return;
    const ops: Op[] = [];
    for (const id of expired) {
      this.producers.delete(id);
      ops.push({ type: 'del', key: producerKey(this.topic, this.partition, id) });
    }
    this.persist(ops).catch((err: unknown) => this.host.core.log.error('kafka.log.producer_expiry_failed', { topic: this.topic, partition: this.partition, err }));
  }

  /** Drop the first `count` batches and persist the new log start offset. */
  private trim(count: number, reason: string): Promise<void> {
    const ops: Op[] = [];
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const base = this.index.baseOffset(i);
      bytes += this.index.size(i);
      this.host.cache.drop(this.cached, base);
      ops.push({ type: 'del', key: batchKey(this.topic, this.partition, base) }, { type: 'del', key: indexKey(this.topic, this.partition, base) });
    }
    this.index.dropFront(count);
    this.logStartOffset = Math.max(this.logStartOffset, this.index.length > 0 ? this.index.baseOffset(0) : this.highWatermark);
    this.segments.dropBefore(this.index.length > 0 ? this.index.baseOffset(0) : this.highWatermark);
    ops.push(this.recordOp(), ...this.txns.dropBefore(this.logStartOffset));
    if (count > 0) {
      this.host.core.log.info('kafka.log.trimmed', { topic: this.topic, partition: this.partition, reason, batches: count, bytes, logStartOffset: this.logStartOffset });
    }
    const written = this.persist(ops);
    // Retention trims are fire-and-forget; a failure is logged here and surfaces to DeleteRecords.
    written.catch((err: unknown) => this.host.core.log.error('kafka.log.trim_failed', { topic: this.topic, partition: this.partition, err }));
    return written;
  }

  private recordOp(segments = this.segments.saved(), cleanedTo = this.cleanedTo): Op {
    const rec: PartitionRecord = { logStartOffset: this.logStartOffset, segments, indexed: this.indexed, cleanedTo };
    return { type: 'put', key: partitionKey(this.topic, this.partition), value: Buffer.from(JSON.stringify(rec)) };
  }

  /** Startup of a log written before K/i/: its index entries and the record saying they exist. */
  migrationOps(): Op[] {
    if (this.indexed) return [];
    this.indexed = true;
    const ops: Op[] = [];
    for (let i = 0; i < this.index.length; i++) {
      const info = { baseOffset: this.index.baseOffset(i), lastOffset: this.index.lastOffset(i), maxTimestamp: this.index.maxTimestamp(i), size: this.index.size(i) };
      ops.push({ type: 'put', key: indexKey(this.topic, this.partition, info.baseOffset), value: indexValue(info) });
    }
    ops.push(this.recordOp());
    return ops;
  }

  /** Run `fn` (a clean) with retention and DeleteRecords held off this partition. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.cleaning) await this.cleaning.catch(() => {});
    const run = fn();
    this.cleaning = run;
    try {
      return await run;
    } finally {
      this.cleaning = undefined;
    }
  }

  /** What the cleaner plans from (cleaner-plan.ts). */
  cleanerStats(): { segments: SegmentStat[]; producerLastOffsets: Set<number>; deleted: boolean } {
    return { segments: this.segments.stats(this.index), producerLastOffsets: this.producers.lastOffsets(), deleted: this.deleted };
  }

  /** Stored bytes of the committed batches holding offsets in [from, to), in offset order. */
  async *storedBatches(from: number, to: number): AsyncGenerator<Buffer> {
    const first = this.index.find(from);
    if (first >= this.index.length || this.index.baseOffset(first) >= to) return;
    const it = this.host.core.store.scan(batchPrefix(this.topic, this.partition), { gte: batchKey(this.topic, this.partition, this.index.baseOffset(first)) });
    for await (const [, value] of it) {
      if (Number(value.readBigInt64BE(0)) >= to) return;
      yield value;
    }
  }

  /**
   * Commit one clean of the log below `end` as one unit of work: rewritten batches (bytes) and
   * removed ones (null) with their side-index entries, the regrouped segments and the checkpoint.
   * Memory (side index, cache, segments) follows once it is on disk; readers meanwhile see the
   * old log, or, for a removed batch, the next one (read() returns only contiguous stored batches).
   */
  async applyClean(end: number, changes: Map<number, Buffer | null>, segmentBytes: number): Promise<boolean> {
    if (this.deleted) return false;
    const count = this.index.find(end);
    const cleaned: BatchInfo[] = [];
    const ops: Op[] = [];
    for (let i = 0; i < count; i++) {
      const base = this.index.baseOffset(i);
      const change = changes.get(base);
      if (change === undefined) {
        cleaned.push({ baseOffset: base, lastOffset: this.index.lastOffset(i), maxTimestamp: this.index.maxTimestamp(i), size: this.index.size(i) });
      } else if (change === null) {
        ops.push({ type: 'del', key: batchKey(this.topic, this.partition, base) }, { type: 'del', key: indexKey(this.topic, this.partition, base) });
      } else {
        const info = batchInfo(change);
        cleaned.push(info);
        ops.push({ type: 'put', key: batchKey(this.topic, this.partition, base), value: change }, { type: 'put', key: indexKey(this.topic, this.partition, base), value: indexValue(info) });
      }
    }
    const { saved, merged } = this.segments.regroup(end, cleaned, segmentBytes);
    ops.push(this.recordOp(saved, end));
    await this.persist(ops);
    if (this.deleted) return false;
    for (const base of changes.keys()) this.host.cache.drop(this.cached, base);
    this.index.replaceFront(this.index.find(end), cleaned);
    this.segments.applyRegroup(merged, this.index);
    this.cleanedTo = end;
    return true;
  }

  /** The one place a partition writes to LevelDB (deleteOps hands its ops to the topic's write): one
   * unit of work; callers change memory once it resolves. */
  private persist(ops: Op[]): Promise<void> {
    const uow = this.host.core.store.begin();
    uow.push(...ops);
    return uow.commit();
  }

  /** Resolve when this partition gets new data (or is deleted). */
  onData(fn: () => void): () => void {
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }

  private wake(): void {
    const fns = [...this.waiters];
    this.waiters.clear();
    for (const fn of fns) fn();
  }

  /** Ops removing every key of this partition, including batches still being written. */
  deleteOps(): Op[] {
    this.deleted = true;
    this.segments.clear();
    const ops: Op[] = [{ type: 'del', key: partitionKey(this.topic, this.partition) }];
    for (let i = 0; i < this.index.length; i++) {
      const base = this.index.baseOffset(i);
      this.host.cache.drop(this.cached, base);
      ops.push({ type: 'del', key: batchKey(this.topic, this.partition, base) }, { type: 'del', key: indexKey(this.topic, this.partition, base) });
    }
    for (const base of this.inflight) {
      ops.push({ type: 'del', key: batchKey(this.topic, this.partition, base) }, { type: 'del', key: indexKey(this.topic, this.partition, base) });
    }
    for (const id of this.producers.ids()) ops.push({ type: 'del', key: producerKey(this.topic, this.partition, id) });
    ops.push(...this.txns.deleteOps());
    this.producers.clear();
    this.index.clear();
    this.wake();
    return ops;
  }

  close(): void {
    this.wake();
  }
}
