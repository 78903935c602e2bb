/** What every suite shares: the report, the run's size knobs, and the emulator under test. */
import path from 'node:path';
import { EmulatorProc, WORK_DIR, type EmulatorOptions } from '../lib/procs.js';
import type { Report, Target } from '../lib/report.js';

export interface Ctx {
  report: Report;
  quick: boolean;
  /** Spawn the emulator with `node --cpu-prof`, profiles in .bench/prof/<suite>/. */
  cpuProf: boolean;
}

/** Full-run value or --quick value. */
export const size = (ctx: Ctx, full: number, quick: number): number => (ctx.quick ? quick : full);

export function startEmulator(ctx: Ctx, suite: string, opts: EmulatorOptions = {}): Promise<EmulatorProc> {
  const nodeArgs = ctx.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.join(WORK_DIR, 'prof', suite)] : [];
  return EmulatorProc.start({ ...opts, nodeArgs: [...nodeArgs, ...(opts.nodeArgs ?? [])] });
}

/**
 * Run one measurement: a progress line first, and a failure becomes an ERROR row (with the target
 * it would have been judged by) instead of ending the run.
 */
export async function step<T>(ctx: Ctx, section: string, name: string, fn: () => Promise<T>, target?: Target): Promise<T | undefined> {
  ctx.report.progress(`${section}: ${name}`);
  try {
    return await fn();
  } catch (e) {
    ctx.report.error(section, name, e, target);
    return undefined;
  }
}
