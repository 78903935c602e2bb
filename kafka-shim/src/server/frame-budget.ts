/**
 * One budget for the bytes of half-received request frames, shared by every connection of every
 * Kafka listener (Kafka's queued.max.request.bytes memory pool). Each connection already bounds
 * its own frame (maxFrameBytes) and closes one that stalls (requestTimeoutMs), but without a shared
 * bound many connections each sending most of a large frame hold memory that only grows with the
 * number of connections (issue 14: eight half-sent 100 MiB frames held 830 MB).
 *
 * Behaviour: a connection reserves the whole size of a frame as soon as it has read the frame's
 * length prefix and the rest has not yet arrived. If the reservation does not fit, the connection
 * stops reading (its client sees TCP backpressure, as with a muted Kafka channel) and waits, in
 * arrival order, until frames complete or connections close. The first reservation always fits
 * when nothing is reserved, so a single frame up to maxFrameBytes is never refused. Frames that
 * arrive whole in one read need no reservation: memory beyond the budget is at most one socket
 * read per connection.
 */

export interface BudgetWaiter {
  /** Called when the budget may now have room; the waiter retries its reservation. */
  wake(): void;
}

export class FrameBudget {
  private used = 0;
  private readonly waiters = new Set<BudgetWaiter>();

  /** @param limit bytes; 0 or less: no limit. */
  constructor(readonly limit: number) {}

  get reserved(): number {
    return this.used;
  }

  /** Reserve `bytes` for a frame still arriving; false when it does not fit (then call wait). */
  tryReserve(bytes: number): boolean {
    if (this.limit > 0 && this.used > 0 && this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    if (bytes <= 0) return;
    this.used = Math.max(0, this.used - bytes);
    // Wake in arrival order; each retries and re-queues itself if it still does not fit.
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w.wake();
  }

  wait(w: BudgetWaiter): void {
    this.waiters.add(w);
  }

  cancel(w: BudgetWaiter): void {
    this.waiters.delete(w);
  }
}
