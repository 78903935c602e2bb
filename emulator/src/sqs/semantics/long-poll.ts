/**
 * Receives waiting for messages (WaitTimeSeconds > 0). A waiter is answered as soon as its queue
 * gains a visible message, or with nothing at its exact deadline (a clock timer, no polling).
 */
import type { Clock, Timer } from '../../core/clock.js';
import type { Queue } from './queue.js';

interface Waiter {
  /** Try to receive now; true once the waiter is answered. */
  attempt: () => boolean;
  expire: () => void;
  timer: Timer;
}

export class LongPolls {
  private readonly waiting = new Map<Queue, Set<Waiter>>();
  private readonly scheduled = new Set<Queue>();

  constructor(private readonly clock: Clock) {}

  wait(q: Queue, deadline: number, attempt: () => boolean, expire: () => void): void {
    let set = this.waiting.get(q);
    if (!set) this.waiting.set(q, (set = new Set()));
    const waiters = set;
    const w: Waiter = {
      attempt,
      expire,
      timer: this.clock.at(deadline, () => {
        this.drop(q, waiters, w);
        expire();
      }),
    };
    waiters.add(w);
  }

  /** Visible messages appeared in `q`: answer its waiters, oldest first, once the current turn is done. */
  wake(q: Queue): void {
    if (!this.waiting.has(q) || this.scheduled.has(q)) return;
    this.scheduled.add(q);
    queueMicrotask(() => {
      this.scheduled.delete(q);
      const set = this.waiting.get(q);
      if (!set) return;
      for (const w of set) {
        if (q.counts.ready === 0) break;
        if (!w.attempt()) break;
        this.drop(q, set, w);
        this.clock.cancel(w.timer);
      }
    });
  }

  /** Answer every waiter of `q` with nothing (queue deleted, service closing). */
  release(q: Queue): void {
    const set = this.waiting.get(q);
    if (!set) return;
    this.waiting.delete(q);
    for (const w of set) {
      this.clock.cancel(w.timer);
      w.expire();
    }
  }

  releaseAll(): void {
    for (const q of [...this.waiting.keys()]) this.release(q);
  }

  private drop(q: Queue, set: Set<Waiter>, w: Waiter): void {
    set.delete(w);
    if (set.size === 0 && this.waiting.get(q) === set) this.waiting.delete(q);
  }
}
