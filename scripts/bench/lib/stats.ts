/** Latency summaries. Samples are kept whole (bounded by the loops' counts) so percentiles are exact. */

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return { count: n, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), max: sorted[n - 1], mean: sum / n };
}

function pct(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function median(xs: number[]): number {
  return summarize(xs).p50;
}

/** Samples recorded in a preallocated buffer, so recording costs nothing on the hot path. */
export class Samples {
  private buf: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.buf = new Float64Array(capacity);
  }
  add(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  values(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}
