/**
 * Runs the Go client programs built by scripts/setup/35-go.sh (compat-tests/go/bin) for
 * go.test.ts: one scenario per run, one JSON line of what the client observed.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Emulator } from '../harness/emulator.js';
import { repoRoot, run } from '../harness/kafka-clients.js';

const BIN = path.join(repoRoot(), 'compat-tests', 'go', 'bin');
/** franz-go, sarama (current), kafka-go and aws-sdk-go-v2 SQS scenarios (main.go). */
export const GO_COMPAT = path.join(BIN, 'tandem-go-compat');
/** The producer of sarama v1.45.0 (sarama-1.45/main.go). */
export const GO_SARAMA_145 = path.join(BIN, 'tandem-sarama-1.45');

export type Flags = Record<string, string | number | boolean>;

/** Run one scenario (`scenario` undefined for single-purpose binaries) and parse its JSON line. */
export async function goRun<T = any>(bin: string, scenario: string | undefined, flags: Flags): Promise<T> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/setup/35-go.sh`);
  const args = scenario ? [scenario] : [];
  for (const [k, v] of Object.entries(flags)) args.push(`-${k}=${v}`);
  // The programs bound themselves (-timeout, 30 s); this only stops a wedged process.
  const out = await run(bin, args, { timeoutMs: 45_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

/**
 * Lets a manual-clock Tandem's time follow the wall clock while `work` runs, 100 ms at a time.
 * Consumers need it: their fetch long polls (sarama: 500 ms) end only when the broker's clock
 * passes maxWait, and sarama sends its offset commits on the connection that waits behind such a
 * fetch. A real broker (the oracle, `emu` undefined) needs nothing.
 */
export async function whileTicking<T>(emu: Emulator | undefined, work: Promise<T>): Promise<T> {
  if (!emu) return work;
  let done = false;
  const ticker = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 100));
      if (!done) await emu.advance(100);
    }
  })();
  try {
    return await work;
  } finally {
    done = true;
    await ticker;
  }
}

/** value-0 .. value-(n-1), sorted as the programs sort what they consumed. */
export function expectedValues(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `value-${i}`).sort();
}
