/** The shared budget for half-received frames: what fits, the one-frame exception, waking waiters. */
import { FrameBudget } from '../../src/server/frame-budget.js';

describe('FrameBudget', () => {
  it('admits frames up to the limit, always one frame alone, and none beyond', () => {
    const b = new FrameBudget(100);
    expect(b.tryReserve(150)).toBe(true); // nothing reserved: one frame always fits
    expect(b.tryReserve(1)).toBe(false);
    b.release(150);
    expect(b.tryReserve(60)).toBe(true);
    expect(b.tryReserve(40)).toBe(true);
    expect(b.tryReserve(1)).toBe(false);
    expect(b.reserved).toBe(100);
  });

  it('wakes every waiter on release, each retrying in arrival order', () => {
    const b = new FrameBudget(100);
    b.tryReserve(100);
    const woke: string[] = [];
    const w = (name: string, size: number) => ({
      wake: () => {
        if (b.tryReserve(size)) woke.push(name);
        else b.wait(w(name, size));
      },
    });
    b.wait(w('a', 70));
    b.wait(w('b', 70));
    const cancelled = w('c', 1);
    b.wait(cancelled);
    b.cancel(cancelled);
    b.release(100);
    expect(woke).toEqual(['a']);
    b.release(70);
    expect(woke).toEqual(['a', 'b']);
  });

  it('has no limit at 0', () => {
    const b = new FrameBudget(0);
    expect(b.tryReserve(1e9)).toBe(true);
    expect(b.tryReserve(1e9)).toBe(true);
  });
});
