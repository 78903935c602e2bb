/** What every handler shares: the core, the queue registry, long polls, and the glue queues need. */
import { randomBytes } from 'node:crypto';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../core/logger.js';
import { prefixEnd, type Op } from '../../core/storage/store.js';
import { LongPolls } from './long-poll.js';
import type { Queue, QueueEnv } from './queue.js';
import { Registry } from './registry.js';

export class SqsState implements QueueEnv {
  readonly registry = new Registry();
  readonly polls: LongPolls;
  readonly log: Logger;
  private lastSequence = 0n;
  /** Range deletions still running; close() waits for them so the store can close cleanly. */
  private readonly clearing = new Set<Promise<void>>();

  constructor(readonly core: Core) {
    this.polls = new LongPolls(core.clock);
    this.log = core.log.child({ component: 'sqs' });
  }

  byArn(arn: string): Queue | undefined {
    return this.registry.byArn(arn);
  }

  /** FIFO sequence numbers: ~20 decimal digits, increasing across the process and its restarts. */
  nextSequenceNumber(): string {
    const fromClock = BigInt(this.core.clock.now()) << 23n;
    this.lastSequence = fromClock > this.lastSequence ? fromClock : this.lastSequence + 1n;
    return this.lastSequence.toString().padStart(20, '0');
  }

  /** Raise the sequence floor to a number seen at load. */
  noteSequenceNumber(s: string | undefined): void {
    if (s !== undefined && BigInt(s) > this.lastSequence) this.lastSequence = BigInt(s);
  }

  onReady(q: Queue): void {
    this.polls.wake(q);
  }

  write(ops: Op[]): Promise<void> {
    return ops.length === 0 ? Promise.resolve() : this.core.store.write(ops);
  }

  background(ops: Op[], what: string, queue: string): void {
    if (ops.length === 0) return;
    this.core.store.write(ops).catch((err) => this.log.error('sqs.write_failed', { what, queue, err }));
  }

  /** Delete a whole key range once nothing refers to it (purged or deleted queue storage). */
  clearRange(prefix: Buffer, what: string, queue?: string): void {
    const p = this.core.store.db.clear({ gte: prefix, lt: prefixEnd(prefix) }).catch((err) => this.log.error('sqs.clear_failed', { what, queue, err }));
    this.clearing.add(p);
    void p.finally(() => this.clearing.delete(p));
  }

  async settle(): Promise<void> {
    await Promise.all([...this.clearing]);
  }

  newId(): string {
    return randomBytes(8).toString('hex');
  }
}
