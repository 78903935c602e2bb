/**
 * The log cleaner: what makes cleanup.policy=compact (and compact,delete) compact. Kafka's cleaner
 * thread looks for the "filthiest" compacted log every log.cleaner.backoff.ms; this one does the
 * same on the injectable clock, cleaning every compacted partition that is due, dirtiest first.
 *
 * One clean of a partition (Kafka's Cleaner.doClean): plan the range (cleaner-plan.ts), build the
 * offset map over the dirty part, then filter every stored batch from the log start to the end of
 * the map with the rules in cleaner-rules.ts — decompressing, rewriting and recompressing batches
 * in their own codec, offsets kept — and commit all rewritten and removed batches, the regrouped
 * segments and the new checkpoint as one unit of work (Partition.applyClean): a kill -9 leaves
 * either the old log or the cleaned one. Only closed segments are read, so appends go on meanwhile;
 * retention and DeleteRecords wait (Partition.exclusive).
 * Transactions: the cleaner asks `txnPolicy` for each partition (default: keep every transactional
 * and control batch as it is); see TxnCleaning in cleaner-rules.ts.
 */
import type { Clock, Timer } from '../../../emulator/src/core/clock.js';
import type { Logger } from '../../../emulator/src/core/logger.js';
import { decodeBatch, type RecordBatch } from '../records/batch.js';
import { loadZstdCompressor } from '../records/compression.js';
import { planClean } from './cleaner-plan.js';
import { filterBatch, KEEP_TRANSACTIONS, mapBatch, OffsetMap, type TxnCleaning } from './cleaner-rules.js';
import type { EffectiveConfig } from './configs.js';
import type { Partition } from './partition.js';

export interface CleanResult {
  topic: string;
  partition: number;
  /** The new checkpoint: offsets below it are clean. */
  cleanedTo: number;
  batchesRead: number;
  bytesRead: number;
  recordsRead: number;
  batchesRemoved: number;
  batchesRewritten: number;
  recordsRemoved: number;
  bytesAfter: number;
}

export interface CleanerHost {
  readonly clock: Clock;
  readonly log: Logger;
  /** Every partition with its topic's effective config. */
  partitions(): Iterable<[Partition, EffectiveConfig]>;
  /** The transactions seam: the policy for a partition's transactional batches. */
  txnPolicy?(p: Partition): TxnCleaning | undefined;
}

export class LogCleaner {
  private timer: Timer | undefined;
  private running: Promise<CleanResult[]> | undefined;
  private stopped = false;

  constructor(
    private readonly host: CleanerHost,
    private readonly backoffMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.host.clock.cancel(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.host.clock.after(this.backoffMs, () => {
      this.timer = undefined;
      void this.runOnce().finally(() => this.arm());
    });
  }

  /** One cleaner cycle: clean every due compacted partition, dirtiest first. */
  runOnce(): Promise<CleanResult[]> {
    if (this.running) return this.running;
    const run = this.cycle().finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async cycle(): Promise<CleanResult[]> {
    const now = this.host.clock.now();
    const due: [number, Partition, EffectiveConfig][] = [];
    for (const [p, config] of this.host.partitions()) {
      if (!config.compacted) continue;
      const plan = this.plan(p, config, now);
      if (plan.due) due.push([plan.ratio, p, config]);
    }
    due.sort((a, b) => b[0] - a[0]);
    const results: CleanResult[] = [];
    if (due.length > 0) await loadZstdCompressor();
    for (const [, p, config] of due) {
      if (this.stopped) break;
      try {
        const r = await this.clean(p, config);
        if (r) results.push(r);
      } catch (err) {
        // Kafka marks such a partition uncleanable; here the next cycle tries again.
        this.host.log.error('kafka.log.clean_failed', { topic: p.topic, partition: p.partition, err });
      }
    }
    return results;
  }

  private plan(p: Partition, config: EffectiveConfig, now: number) {
    const { segments } = p.cleanerStats();
    const lso = this.host.txnPolicy?.(p)?.lastStableOffset?.() ?? p.highWatermark;
    return planClean({
      segments,
      logStartOffset: p.logStartOffset,
      logEndOffset: p.highWatermark,
      lastStableOffset: lso,
      cleanedTo: p.cleanedTo,
      now,
      minCompactionLagMs: config.minCompactionLagMs,
      maxCompactionLagMs: config.maxCompactionLagMs,
      minCleanableRatio: config.minCleanableRatio,
    });
  }

  /** Clean one partition now if it is due (the cycle's unit; tests and the bench call it directly). */
  clean(p: Partition, config: EffectiveConfig): Promise<CleanResult | undefined> {
    return p.exclusive(async () => {
      const now = this.host.clock.now();
      const plan = this.plan(p, config, now);
      if (!plan.due) return undefined;
      const txn = this.host.txnPolicy?.(p) ?? KEEP_TRANSACTIONS;
      const map = new OffsetMap();
      txn.reset();
      for await (const bytes of p.storedBatches(plan.firstDirty, plan.firstUncleanable)) {
        const batch = decode(bytes);
        if (batch) mapBatch(map, batch, plan.firstDirty, txn);
      }
      // Offsets past the last batch of the dirty range count as mapped (an offset gap).
      map.updateLatestOffset(plan.firstUncleanable - 1);
      const end = map.latestOffset + 1;
      const { producerLastOffsets } = p.cleanerStats();
      const ctx = { map, now, deleteRetentionMs: config.deleteRetentionMs, endOffset: end, producerLastOffsets, txn };
      const r: CleanResult = { topic: p.topic, partition: p.partition, cleanedTo: end, batchesRead: 0, bytesRead: 0, recordsRead: 0, batchesRemoved: 0, batchesRewritten: 0, recordsRemoved: 0, bytesAfter: 0 };
      const changes = new Map<number, Buffer | null>();
      txn.reset();
      for await (const bytes of p.storedBatches(p.logStartOffset, end)) {
        r.batchesRead++;
        r.bytesRead += bytes.length;
        const batch = decode(bytes);
        // A batch the codec cannot read is kept as it is (Kafka would stop cleaning the log).
        if (!batch) {
          r.bytesAfter += bytes.length;
          continue;
        }
        r.recordsRead += batch.records.length;
        const f = filterBatch(batch, ctx);
        if (f.kind === 'keep') {
          r.bytesAfter += bytes.length;
        } else if (f.kind === 'remove') {
          changes.set(batch.baseOffset, null);
          r.batchesRemoved++;
          r.recordsRemoved += batch.records.length;
        } else {
          changes.set(batch.baseOffset, f.bytes);
          r.batchesRewritten++;
          r.recordsRemoved += batch.records.length - f.records;
          r.bytesAfter += f.bytes.length;
        }
      }
      if (!(await p.applyClean(end, changes, config.segmentBytes))) return undefined;
      this.host.log.info('kafka.log.cleaned', { ...r });
      return r;
    });
  }
}

function decode(bytes: Buffer): RecordBatch | undefined {
  try {
    return decodeBatch(bytes);
  } catch {
    return undefined;
  }
}
