/**
 * Child processes of the bench: the emulator under test and the baseline servers. Every child is
 * registered so an interrupted or failed run never leaves one behind.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The compiled scripts/bench folder (dist/scripts/bench or build/bench/scripts/bench). */
export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Compiled output mirrors the source tree, so the emulator sits at the same relative place. */
export const EMULATOR_MAIN = path.resolve(BENCH_DIR, '../../emulator/src/host/main.js');

/** The repository root: the nearest ancestor holding the bench's C source. */
export const REPO_ROOT = (() => {
  for (let d = BENCH_DIR; d !== path.dirname(d); d = path.dirname(d)) {
    if (existsSync(path.join(d, 'scripts/bench/mock-cluster.c'))) return d;
  }
  throw new Error(`repository root not found above ${BENCH_DIR}`);
})();

export const WORK_DIR = path.join(REPO_ROOT, '.bench');
mkdirSync(WORK_DIR, { recursive: true });

const children = new Set<ChildProcess>();
export function track(p: ChildProcess): ChildProcess {
  children.add(p);
  p.once('exit', () => children.delete(p));
  return p;
}
export function killAll(): void {
  for (const p of children) p.kill('SIGKILL');
}
process.once('exit', killAll);

export function startChild(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  return track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts }));
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of those.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** Resolves with the first stdout line `accept` returns a value for; rejects on exit or timeout. */
export function waitForLine<T>(p: ChildProcess, accept: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const stderr: string[] = [];
  p.stderr?.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  const lines = createInterface({ input: p.stdout! });
  return new Promise<T>((resolve, reject) => {
    const done = (f: () => void) => {
      clearTimeout(timer);
      p.off('exit', onExit);
      lines.removeAllListeners('line');
      f();
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`${what} exited (${code}): ${stderr.join('').slice(-500)}`)));
    const timer = setTimeout(() => done(() => reject(new Error(`${what} not ready in ${timeoutMs} ms: ${stderr.join('').slice(-500)}`))), timeoutMs);
    p.once('exit', onExit);
    lines.on('line', (line) => {
      const v = accept(line);
      if (v !== undefined) done(() => resolve(v));
    });
  });
}

export interface EmulatorOptions {
  /** Node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Emulator flags. */
  args?: string[];
  /** Reuse a data dir (restart); by default a fresh temporary one. */
  dataDir?: string;
  /** Another build's main.js (a before/after comparison in one run); by default this build's. */
  main?: string;
}

/** The real emulator process, as a user runs it: real clock, persistence on, ephemeral ports. */
export class EmulatorProc {
  private constructor(
    readonly proc: ChildProcess,
    readonly dataDir: string,
    readonly sqsEndpoint: string,
    readonly kafkaBroker: string,
    /** spawn → ready line, measured by the bench. */
    readonly readyMs: number,
    /** The emulator's own startup time from its ready line. */
    readonly selfMs: number,
    private readonly ownsDir: boolean,
  ) {}

  static async start(opts: EmulatorOptions = {}): Promise<EmulatorProc> {
    const ownsDir = !opts.dataDir;
    const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tandem-bench-'));
    const t0 = performance.now();
    const proc = startChild(process.execPath, [
      ...(opts.nodeArgs ?? []),
      opts.main ?? EMULATOR_MAIN,
      '--sqs-port', '0',
      '--kafka-port', '0',
      '--data-dir', dataDir,
      '--log-level', 'warn',
      ...(opts.args ?? []),
    ]);
    const ready = await waitForLine(proc, (line) => {
      try {
        const m = JSON.parse(line) as { event?: string; sqs: string; kafka: string; ms: number };
        return m.event === 'ready' ? m : undefined;
      } catch {
        return undefined;
      }
    }, 30_000, 'emulator');
    const readyMs = performance.now() - t0;
    // Keep draining output so a chatty emulator never blocks on a full pipe.
    proc.stdout!.resume();
    return new EmulatorProc(proc, dataDir, ready.sqs, ready.kafka, readyMs, ready.ms, ownsDir);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  rssMB(): number {
    return rssMB(this.pid);
  }

  cpuSeconds(): number {
    return cpuSeconds(this.pid);
  }

  /** SIGTERM and wait (the clean exit is what writes a --cpu-prof profile). */
  async stop(opts: { keepData?: boolean } = {}): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
        this.proc.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        this.proc.kill('SIGTERM');
      });
    }
    if (this.ownsDir && !opts.keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Run a compiled bench module (a baseline server) as its own process; resolves with its first stdout line. */
export async function startNodeServer(module: string, args: string[] = []): Promise<{ proc: ChildProcess; line: string }> {
  const proc = startChild(process.execPath, [path.join(BENCH_DIR, module), ...args]);
  const line = await waitForLine(proc, (l) => l || undefined, 10_000, module);
  return { proc, line };
}

export function stopChild(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });
}
