/**
 * A FIFO queue's 5-minute deduplication window. Every entry lives exactly 5 minutes, so insertion
 * order is expiry order: a Map (which iterates in insertion order) and one timer for its oldest entry.
 */
import type { Timer } from '../../core/clock.js';
import type { UnitOfWork } from '../../core/storage/unit-of-work.js';
import { delDedup, putDedup, type DedupRecord } from '../storage/records.js';
import type { QueueEnv } from './queue.js';

export const DEDUP_WINDOW_MS = 5 * 60 * 1000;

export class DedupWindow {
  private readonly entries = new Map<string, DedupRecord>();
  private timer: Timer | undefined;

  constructor(
    private readonly env: QueueEnv,
    private readonly queueId: string,
    private readonly queueName: string,
  ) {}

  get(key: string): DedupRecord | undefined {
    const e = this.entries.get(key);
    return e && e.expiresAt > this.env.core.clock.now() ? e : undefined;
  }

  /** Enter an entry now (a duplicate must see it before the write lands); a failed write removes it. */
  add(key: string, messageId: string, sequenceNumber: string, now: number, uow: UnitOfWork): void {
    const record: DedupRecord = { messageId, sequenceNumber, expiresAt: now + DEDUP_WINDOW_MS };
    this.restore(key, record);
    uow.push(putDedup(this.queueId, key, record));
    uow.onRollback(() => {
      if (this.entries.get(key) === record) this.entries.delete(key);
    });
  }

  /** Re-enter an entry (at load, in expiry order). */
  restore(key: string, record: DedupRecord): void {
    this.entries.delete(key);
    this.entries.set(key, record);
    if (!this.timer) this.arm(record.expiresAt);
  }

  /** Forget every entry (PurgeQueue; the caller deletes their keys). */
  clear(): void {
    this.shutdown();
  }

  shutdown(): void {
    this.env.core.clock.cancel(this.timer);
    this.timer = undefined;
    this.entries.clear();
  }

  private arm(at: number): void {
    this.timer = this.env.core.clock.at(at, () => this.expire());
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.env.core.clock.now();
    const ops = this.env.begin();
    for (const [key, e] of this.entries) {
      if (e.expiresAt > now) {
        this.arm(e.expiresAt);
        break;
      }
      this.entries.delete(key);
      ops.push(delDedup(this.queueId, key));
    }
    this.env.background(ops, 'dedup expiry', this.queueName);
  }
}
