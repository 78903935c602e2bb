/**
 * What both protocol fuzzers share: a seeded random source (the same seed replays the same inputs),
 * byte-level mutations, and the run report (crashes, hangs, non-protocol errors, internal errors,
 * RSS) with the inputs that found something saved for the regression corpus.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** mulberry32: small, fast and seedable; the quality needed here is "varied", not cryptographic. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** Values that break parsers more often than random ones. */
export const INTERESTING_32 = [0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, -0x80000000, 0x10000, 1000000];
export const INTERESTING_16 = [0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, -0x8000];

/** One byte-level mutation of `buf` starting at `from` (bytes before it are kept). */
export function mutateBytes(rng: Rng, buf: Buffer, from = 0): Buffer {
  if (buf.length <= from) return Buffer.concat([buf, rng.bytes(rng.range(1, 16))]);
  const pos = rng.range(from, buf.length - 1);
  const out = Buffer.from(buf);
  switch (rng.int(9)) {
    case 0: // flip bits
      out[pos] ^= 1 << rng.int(8);
      return out;
    case 1: // random byte
      out[pos] = rng.int(256);
      return out;
    case 2: // an interesting 32-bit value (lengths, counts, sizes)
      if (pos + 4 <= out.length) out.writeInt32BE(rng.pick(INTERESTING_32) | 0, pos);
      return out;
    case 3: // an interesting 16-bit value (string lengths, error codes)
      if (pos + 2 <= out.length) out.writeInt16BE(rng.pick(INTERESTING_16), pos);
      return out;
    case 4: // truncate
      return out.subarray(0, pos);
    case 5: // insert random bytes
      return Buffer.concat([out.subarray(0, pos), rng.bytes(rng.range(1, 32)), out.subarray(pos)]);
    case 6: // delete a run
      return Buffer.concat([out.subarray(0, pos), out.subarray(Math.min(out.length, pos + rng.range(1, 16)))]);
    case 7: // an unterminated or overlong varint
      return Buffer.concat([out.subarray(0, pos), Buffer.alloc(rng.range(1, 11), 0xff), out.subarray(pos + 1)]);
    default: // duplicate a chunk (repeated arrays / fields)
      return Buffer.concat([out.subarray(0, pos), out.subarray(pos, pos + rng.range(1, 64)), out.subarray(pos)]);
  }
}

export interface Finding {
  kind: 'crash' | 'hang' | 'non-protocol' | 'internal' | 'rss';
  input: number;
  detail: string;
  /** What to replay: a Kafka frame (hex) or an HTTP request. */
  sample?: unknown;
}

export class Report {
  inputs = 0;
  answered = 0;
  closed = 0;
  readonly findings: Finding[] = [];
  readonly counts: Record<string, number> = {};
  rssStart = 0;
  rssPeak = 0;
  rssEnd = 0;
  readonly rssSamples: number[] = [];
  private readonly started = Date.now();

  constructor(
    readonly protocol: string,
    readonly seed: number,
    private readonly outDir: string,
  ) {
    mkdirSync(outDir, { recursive: true });
  }

  count(label: string): void {
    this.counts[label] = (this.counts[label] ?? 0) + 1;
  }

  find(f: Finding): void {
    this.findings.push(f);
    // The first few of each kind in full; the rest counted (a systematic bug repeats thousands of times).
    if (this.findings.filter((x) => x.kind === f.kind).length <= 20) {
      writeFileSync(path.join(this.outDir, `${this.protocol}-${f.kind}-${f.input}.json`), JSON.stringify(f, null, 1));
      console.error(`[${this.protocol}] ${f.kind} at input ${f.input}: ${f.detail.slice(0, 300)}`);
    }
  }

  sampleRss(pid: number): void {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      const mib = Number(m?.[1] ?? 0) / 1024;
      if (!this.rssStart) this.rssStart = mib;
      this.rssPeak = Math.max(this.rssPeak, mib);
      this.rssEnd = mib;
      this.rssSamples.push(Math.round(mib));
    } catch {
      /* process gone: a crash, reported by the runner */
    }
  }

  summary(): Record<string, unknown> {
    const by = (k: Finding['kind']) => this.findings.filter((f) => f.kind === k).length;
    return {
      protocol: this.protocol,
      seed: this.seed,
      inputs: this.inputs,
      answered: this.answered,
      closedByServer: this.closed,
      seconds: Math.round((Date.now() - this.started) / 1000),
      crashes: by('crash'),
      hangs: by('hang'),
      nonProtocolErrors: by('non-protocol'),
      internalErrors: by('internal'),
      rssMiB: { start: Math.round(this.rssStart), peak: Math.round(this.rssPeak), end: Math.round(this.rssEnd) },
      outcomes: this.counts,
    };
  }
}

/** Hex of a buffer, for saved findings and corpus files. */
export const hex = (b: Buffer): string => b.toString('hex');
