/**
 * Memory of a spawned Tandem, as the kernel sees it: hostile-client tests assert bounds on the
 * process's resident set (VmRSS), not on anything the process reports about itself.
 */
import { readFileSync } from 'node:fs';

/** Resident set size of `pid` in MiB. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

/** The highest RSS seen while `work` runs and for `settleMs` after, sampled every 50 ms. */
export async function peakRssDuring(pid: number, work: () => Promise<void>, settleMs: number): Promise<number> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      /* process gone: the caller's assertions will say so */
    }
  }, 50);
  try {
    await work();
    await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssMiB(pid));
}
