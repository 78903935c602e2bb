/**
 * Completing transactions, and what the clock does to them (Kafka's TransactionMarkerChannelManager
 * and the coordinator's scheduled tasks, facts from apache/kafka 4.x):
 * - a prepared transaction (PrepareCommit/PrepareAbort, already on disk) gets a COMMIT or ABORT
 *   marker on every partition it touched and, on commit, its staged offsets become the groups'
 *   offsets; then it is CompleteCommit/CompleteAbort. A crash in between is finished at startup
 *   (`recover`), skipping partitions whose marker was already written, so no marker is doubled and
 *   a read_committed consumer never sees a partial transaction;
 * - every transaction.abort.timed.out.transaction.cleanup.interval.ms (10 s) an Ongoing
 *   transaction older than its transaction.timeout.ms is fenced (epoch + 1, so its producer's
 *   later requests are refused) and aborted; a prepared transaction whose markers failed is retried;
 * - every transaction.remove.expired.transaction.cleanup.interval.ms (1 h) a transactional id idle
 *   (Empty or completed) for transactional.id.expiration.ms (7 days) is removed.
 */
import type { Timer } from '../../../emulator/src/core/clock.js';
import type { Core } from '../../../emulator/src/core/core.js';
import { ErrorCode, KafkaError } from '../errors.js';
import type { GroupCoordinator } from '../groups/index.js';
import type { LogManager } from '../log/index.js';
import type { ProducerIdManager } from './producer-ids.js';
import { transition, txnStateOf, type TransactionalIdRecord } from './state.js';

export const ABORT_CHECK_INTERVAL_MS = 10_000;
export const EXPIRATION_CHECK_INTERVAL_MS = 3_600_000;
export const TRANSACTIONAL_ID_EXPIRATION_MS = 604_800_000;

export interface CompletionOptions {
  abortCheckIntervalMs: number;
  expirationCheckIntervalMs: number;
  transactionalIdExpirationMs: number;
}

export class Completion {
  private abortTimer: Timer | undefined;
  private expiryTimer: Timer | undefined;
  private aborting = false;
  private expiring = false;
  readonly options: CompletionOptions;

  constructor(
    private readonly core: Core,
    private readonly ids: ProducerIdManager,
    private readonly log: LogManager,
    private readonly groups: GroupCoordinator,
    options: Partial<CompletionOptions> = {},
  ) {
    this.options = {
      abortCheckIntervalMs: ABORT_CHECK_INTERVAL_MS,
      expirationCheckIntervalMs: EXPIRATION_CHECK_INTERVAL_MS,
      transactionalIdExpirationMs: TRANSACTIONAL_ID_EXPIRATION_MS,
      ...options,
    };
  }

  private async write(transactionalId: string, next: TransactionalIdRecord | undefined): Promise<void> {
    const uow = this.core.store.begin();
    this.ids.put(uow, transactionalId, next);
    try {
      await uow.commit();
    } catch (err) {
      this.core.log.error('kafka.txn.write_failed', { transactionalId, err });
      throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `could not store the transaction of ${transactionalId}`);
    }
  }

  /** Markers, offsets, then Complete*. The caller holds the id (ProducerIdManager.exclusive). */
  async complete(transactionalId: string, onlyIfOpen: boolean): Promise<void> {
    const rec = this.ids.record(transactionalId);
    if (!rec) return;
    const state = txnStateOf(rec);
    if (state !== 'PrepareCommit' && state !== 'PrepareAbort') return;
    const commit = state === 'PrepareCommit';
    const producerId = BigInt(rec.producerId);
    try {
      await Promise.all(
        (rec.partitions ?? []).map(([topic, partition]) => this.log.topic(topic)?.partitions[partition]?.appendMarker(producerId, rec.epoch, commit, 0, onlyIfOpen)),
      );
      if (commit && (rec.offsets ?? []).length > 0) await this.groups.applyTxnOffsets(rec.offsets ?? []);
    } catch (err) {
      this.core.log.error('kafka.txn.markers_failed', { transactionalId, err });
      throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `could not write the markers of ${transactionalId}`);
    }
    const now = this.core.clock.now();
    await this.write(transactionalId, transition(rec, commit ? 'CompleteCommit' : 'CompleteAbort', { partitions: [], groups: [], offsets: [] }, now));
    this.core.log.info('kafka.txn.completed', { transactionalId, producerId: rec.producerId, epoch: rec.epoch, result: commit ? 'commit' : 'abort', partitions: (rec.partitions ?? []).length });
  }

  /** Fence the producer of an Ongoing transaction (epoch + 1) and abort it. The caller holds the id. */
  async fenceAndAbort(transactionalId: string): Promise<void> {
    const rec = this.ids.record(transactionalId);
    if (!rec || txnStateOf(rec) !== 'Ongoing') return;
    const now = this.core.clock.now();
    // An exhausted epoch cannot be bumped: the abort then carries the current one (Kafka's hasFailedEpochFence).
    const epoch = rec.epoch >= 0x7fff - 1 ? rec.epoch : rec.epoch + 1;
    await this.write(transactionalId, transition(rec, 'PrepareAbort', { epoch, lastEpoch: -1 }, now));
    await this.complete(transactionalId, false);
  }

  /** Startup: finish every transaction a crash left prepared. */
  async recover(): Promise<void> {
    const prepared = [...this.ids.entries()].filter(([, r]) => txnStateOf(r) === 'PrepareCommit' || txnStateOf(r) === 'PrepareAbort').map(([id]) => id);
    for (const id of prepared) {
      try {
        await this.ids.exclusive(id, () => this.complete(id, true));
      } catch (err) {
        this.core.log.error('kafka.txn.recovery_failed', { transactionalId: id, err });
      }
    }
    if (prepared.length > 0) this.core.log.info('kafka.txn.recovered', { transactions: prepared.length });
  }

  arm(): void {
    this.armAbort();
    this.armExpiry();
  }

  /** Fixed rate, as Kafka's scheduler: the next check is armed when one fires; a pass still running makes the next one skip. */
  private armAbort(): void {
    this.abortTimer = this.core.clock.after(this.options.abortCheckIntervalMs, () => {
      this.armAbort();
      if (this.aborting) return;
      this.aborting = true;
      void this.abortTimedOut().finally(() => {
        this.aborting = false;
      });
    });
  }

  private armExpiry(): void {
    this.expiryTimer = this.core.clock.after(this.options.expirationCheckIntervalMs, () => {
      this.armExpiry();
      if (this.expiring) return;
      this.expiring = true;
      void this.expire().finally(() => {
        this.expiring = false;
      });
    });
  }

  disarm(): void {
    this.core.clock.cancel(this.abortTimer);
    this.core.clock.cancel(this.expiryTimer);
    this.abortTimer = undefined;
    this.expiryTimer = undefined;
  }

  /** One pass of the timeout check (what the timer runs). */
  async abortTimedOut(): Promise<void> {
    const now = this.core.clock.now();
    const work: Promise<void>[] = [];
    for (const [id, rec] of this.ids.entries()) {
      const state = txnStateOf(rec);
      const timedOut = state === 'Ongoing' && now >= (rec.startedAt ?? now) + rec.timeoutMs;
      if (!timedOut && state !== 'PrepareCommit' && state !== 'PrepareAbort') continue;
      const task = this.ids.exclusive(id, async () => {
        const cur = this.ids.record(id);
        if (!cur) return;
        if (txnStateOf(cur) === 'Ongoing' && this.core.clock.now() >= (cur.startedAt ?? 0) + cur.timeoutMs) {
          this.core.log.info('kafka.txn.timed_out', { transactionalId: id, producerId: cur.producerId, timeoutMs: cur.timeoutMs });
          await this.fenceAndAbort(id);
        } else await this.complete(id, true);
      });
      work.push(task.catch((err: unknown) => this.core.log.error('kafka.txn.timeout_abort_failed', { transactionalId: id, err })));
    }
    await Promise.all(work);
  }

  /** One pass of transactional id expiration. */
  async expire(): Promise<void> {
    const now = this.core.clock.now();
    for (const [id, rec] of [...this.ids.entries()]) {
      const state = txnStateOf(rec);
      if (state !== 'Empty' && state !== 'CompleteCommit' && state !== 'CompleteAbort') continue;
      if (now - rec.updatedAt < this.options.transactionalIdExpirationMs) continue;
      await this.ids
        .exclusive(id, async () => {
          const cur = this.ids.record(id);
          if (cur && cur.updatedAt === rec.updatedAt) {
            await this.write(id, undefined);
            this.core.log.info('kafka.txn.expired', { transactionalId: id, producerId: rec.producerId });
          }
        })
        .catch((err: unknown) => this.core.log.error('kafka.txn.expiry_failed', { transactionalId: id, err }));
    }
  }
}
