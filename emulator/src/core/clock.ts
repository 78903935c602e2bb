/**
 * Time for every deadline in the process: visibility timeouts, delays, retention, dedup windows,
 * long polls, purge cooldowns, Kafka session timeouts.
 *
 * One indexed min-heap of timers per clock, so arming, cancelling and rescheduling are O(log n)
 * and a deadline fires at its exact millisecond: no 1-second ticks, no polling loops.
 * `SystemClock` arms a single real setTimeout for the earliest deadline; `ManualClock` only moves
 * when a test calls `advance`, which fires due timers synchronously and in deadline order.
 */

import { IndexedHeap } from './heap.js';

export interface Timer {
  readonly at: number;
  /** Position in the heap; -1 once fired or cancelled. */
  index: number;
  readonly seq: number;
  readonly fn: () => void;
}

export abstract class Clock {
  /** Ordered by deadline, then by arming order, so timers due at the same millisecond fire as armed. */
  private readonly heap = new IndexedHeap<Timer>(
    (a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq),
    (t) => t.index,
    (t, i) => (t.index = i),
  );
  private seq = 0;

  abstract now(): number;

  /** Run `fn` once `now() >= at`. Returns a handle for `cancel`. */
  at(at: number, fn: () => void): Timer {
    const t: Timer = { at, index: -1, seq: this.seq++, fn };
    this.heap.push(t);
    if (this.heap.peek() === t) this.rearm();
    return t;
  }

  after(ms: number, fn: () => void): Timer {
    return this.at(this.now() + ms, fn);
  }

  cancel(t: Timer | undefined | null): void {
    if (!t || t.index < 0) return;
    const wasHead = t.index === 0;
    this.heap.remove(t);
    if (wasHead) this.rearm();
  }

  /** Number of armed timers (for tests and metrics). */
  get pending(): number {
    return this.heap.size;
  }

  /** Earliest armed deadline, or undefined. */
  protected nextDeadline(): number | undefined {
    return this.heap.peek()?.at;
  }

  /** Fire every timer due at `now()`, in (deadline, arming order). Timers armed by callbacks for
   * a time already reached fire in the same pass. */
  protected fireDue(): void {
    const now = this.now();
    for (let t = this.heap.peek(); t && t.at <= now; t = this.heap.peek()) {
      this.heap.remove(t);
      t.fn();
    }
  }

  protected abstract rearm(): void;

  /** Stop any real timer so the process can exit. */
  abstract stop(): void;
}

/** Wall-clock time; one unref'd setTimeout for the earliest deadline. */
export class SystemClock extends Clock {
  private handle: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  now(): number {
    return Date.now();
  }

  protected rearm(): void {
    const next = this.nextDeadline();
    if (next === this.armedFor) return;
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    this.armedFor = Infinity;
    if (next === undefined) return;
    this.armedFor = next;
    // setTimeout caps at 2^31-1 ms; a longer wait just re-arms when it wakes.
    const delay = Math.min(Math.max(0, next - this.now()), 0x7fffffff);
    this.handle = setTimeout(() => {
      this.handle = undefined;
      this.armedFor = Infinity;
      this.fireDue();
      this.rearm();
    }, delay);
    this.handle.unref();
  }

  stop(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    this.armedFor = Infinity;
  }
}

/** Test time: stands still until `advance` or `set` moves it. */
export class ManualClock extends Clock {
  constructor(private t = Date.UTC(2026, 0, 1)) {
    super();
  }

  now(): number {
    return this.t;
  }

  /** Move time forward by `ms`, firing due timers in deadline order, each seeing its own deadline
   * as `now()` so chains of timers behave as they would in real time. */
  advance(ms: number): void {
    this.set(this.t + ms);
  }

  set(target: number): void {
    for (;;) {
      const next = this.nextDeadline();
      if (next === undefined || next > target) break;
      this.t = Math.max(this.t, next);
      this.fireDue();
    }
    this.t = Math.max(this.t, target);
  }

  private immediate: NodeJS.Immediate | undefined;

  protected rearm(): void {
    // A timer armed for a time already reached fires on the next turn of the event loop, as it
    // would with the system clock; later ones wait for `advance`.
    const next = this.nextDeadline();
    if (next === undefined || next > this.t || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.fireDue();
    });
  }

  stop(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }
}
