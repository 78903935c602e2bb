/**
 * One operation's writes, committed atomically through the store's group commit, and the memory
 * changes that go with them. The contract, the same for SQS and Kafka:
 * - memory changes that others could observe (a new message, a deleted one, a new offset) are
 *   registered with `onCommit` and run only once the batch is written;
 * - a change that must happen before the write to stay exclusive (a received message leaving the
 *   ready set, a FIFO dedup entry, an offset range reserved) registers its undo with `onRollback`,
 *   which runs, newest first, if the write fails; the commit promise then rejects.
 * Domain code keeps adding ops with `push` as it decides them, so one unit can gather the writes of
 * several layers (a message, its dedup entry, a dead-letter move) before the single commit.
 */
import type { Op, Store } from './store.js';

export class UnitOfWork {
  private readonly ops: Op[] = [];
  private readonly commits: (() => void)[] = [];
  private readonly rollbacks: (() => void)[] = [];
  private state: 'open' | 'committing' | 'done' = 'open';

  constructor(private readonly store: Store) {}

  /** Add ops (Array.push's shape, so builders can take `ops: { push(...ops: Op[]): unknown }`). */
  push(...ops: Op[]): number {
    if (this.state !== 'open') throw new Error(`unit of work already ${this.state}`);
    for (const op of ops) this.ops.push(op);
    return this.ops.length;
  }

  put(key: Buffer, value: Buffer): this {
    this.push({ type: 'put', key, value });
    return this;
  }

  del(key: Buffer): this {
    this.push({ type: 'del', key });
    return this;
  }

  /** Delete every key under `prefix`, atomically with the rest of this unit. */
  delRange(prefix: Buffer): this {
    this.push({ type: 'delRange', prefix });
    return this;
  }

  /** Run `fn` once the unit is written (in registration order). */
  onCommit(fn: () => void): this {
    this.commits.push(fn);
    return this;
  }

  /** Run `fn` if the write fails (newest first). */
  onRollback(fn: () => void): this {
    this.rollbacks.push(fn);
    return this;
  }

  get size(): number {
    return this.ops.length;
  }

  /** Write the unit, then apply its memory changes; on failure undo the early ones and reject. */
  async commit(): Promise<void> {
    if (this.state !== 'open') throw new Error(`unit of work already ${this.state}`);
    this.state = 'committing';
    try {
      await this.store.enqueue(this.ops);
    } catch (err) {
      this.state = 'done';
      for (let i = this.rollbacks.length - 1; i >= 0; i--) this.rollbacks[i]();
      throw err;
    }
    this.state = 'done';
    for (const fn of this.commits) fn();
  }
}
