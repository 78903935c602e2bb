import { ManualClock } from '../src/core/clock.js';

describe('ManualClock timers', () => {
  it('fires timers in deadline order, each seeing its own deadline as now', () => {
    const clock = new ManualClock(1000);
    const fired: [string, number][] = [];
    clock.at(1300, () => fired.push(['c', clock.now()]));
    clock.at(1100, () => fired.push(['a', clock.now()]));
    clock.at(1200, () => fired.push(['b', clock.now()]));
    clock.advance(250);
    expect(fired).toEqual([['a', 1100], ['b', 1200]]);
    expect(clock.now()).toBe(1250);
    clock.advance(50);
    expect(fired.map((f) => f[0])).toEqual(['a', 'b', 'c']);
  });

  it('cancels and reschedules in any position of the heap', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const timers = Array.from({ length: 50 }, (_, i) => clock.at((i * 37) % 50, () => fired.push(i)));
    for (let i = 0; i < 50; i += 3) clock.cancel(timers[i]);
    clock.cancel(timers[0]); // cancelling twice is harmless
    clock.advance(100);
    const expected = Array.from({ length: 50 }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .sort((a, b) => ((a * 37) % 50) - ((b * 37) % 50));
    expect(fired).toEqual(expected);
    expect(clock.pending).toBe(0);
  });

  it('fires timers armed by a callback when their time is already reached', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.at(10, () => {
      fired.push(clock.now());
      clock.at(15, () => fired.push(clock.now()));
    });
    clock.advance(20);
    expect(fired).toEqual([10, 15]);
  });
});
