/**
 * Spawns the real emulator process (compiled dist/emulator/src/host/main.js) on ephemeral ports and a
 * temporary data dir, as a user would run it. Tests talk to it over real sockets only.
 *
 * Time: by default the emulator runs on a manual clock (`--manual-clock`), so tests move time with
 * `advance(ms)` instead of sleeping. `restart()` starts the new process at the clock value last seen
 * (`--manual-clock-start`), so time does not jump back to the wall clock under stored messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * TANDEM_TEST_IN_MEMORY=1 runs every emulator that does not reuse a data dir on the memory engine
 * (the in-memory pass of scripts/test.sh); restart tests keep their disk.
 */
export const IN_MEMORY = process.env.TANDEM_TEST_IN_MEMORY === '1';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../emulator/src/host/main.js');

export interface EmulatorOptions {
  /** Extra flags, e.g. ['--relaxed-timers']. */
  args?: string[];
  /** Real time instead of the manual clock. */
  realClock?: boolean;
  /** Reuse a data dir (restart tests). */
  dataDir?: string;
  /** Epoch ms the manual clock starts at (restart() passes the time the previous process had reached). */
  clockStart?: number;
  /** How long to wait for the ready line (default 10 s; long-running scripts on a loaded machine wait longer). */
  readyTimeoutMs?: number;
}

export class Emulator {
  /** The manual clock's time as last reported by the emulator (or as it was started with). */
  private clockSeen: number | undefined;

  private constructor(
    readonly proc: ChildProcess,
    readonly dataDir: string,
    readonly sqsPort: number,
    readonly kafkaPort: number,
    private readonly opts: EmulatorOptions,
    private readonly ownsDir: boolean,
    readonly stderr: string[],
  ) {
    this.clockSeen = opts.clockStart;
  }

  /** e.g. http://127.0.0.1:PORT */
  get sqsEndpoint(): string {
    return `http://127.0.0.1:${this.sqsPort}`;
  }

  get kafkaBroker(): string {
    return `127.0.0.1:${this.kafkaPort}`;
  }

  static async start(opts: EmulatorOptions = {}): Promise<Emulator> {
    const ownsDir = !opts.dataDir;
    const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tandem-test-'));
    const args = [
      MAIN,
      '--sqs-port', '0',
      '--kafka-port', '0',
      '--data-dir', dataDir,
      // On the manual clock a first group join must not wait for time to be moved.
      ...(opts.realClock ? [] : ['--manual-clock', '--kafka-group-initial-rebalance-delay-ms', '0']),
      ...(opts.realClock || opts.clockStart === undefined ? [] : ['--manual-clock-start', String(opts.clockStart)]),
      ...(IN_MEMORY && !opts.dataDir ? ['--in-memory'] : []),
      ...(opts.args ?? []),
    ];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
    const lines = createInterface({ input: proc.stdout! });
    const ready = await new Promise<{ sqs: string; kafka: string }>((resolve, reject) => {
      const readyMs = opts.readyTimeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        proc.kill('SIGKILL'); // not left running behind a failed start
        reject(new Error(`emulator not ready in ${readyMs / 1000} s: ${stderr.join('')}`));
      }, readyMs);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`emulator exited with ${code}: ${stderr.join('')}`));
      });
      lines.on('line', (line) => {
        try {
          const msg = JSON.parse(line);
          if (msg.event === 'ready') {
            clearTimeout(timer);
            resolve(msg);
          }
        } catch {
          /* not a JSON line */
        }
      });
    });
    proc.removeAllListeners('exit');
    const sqsPort = Number(new URL(ready.sqs).port);
    const kafkaPort = Number(ready.kafka.split(':').pop());
    return new Emulator(proc, dataDir, sqsPort, kafkaPort, opts, ownsDir, stderr);
  }

  /** Move the emulator's manual clock forward. */
  async advance(ms: number): Promise<number> {
    const res = await fetch(`${this.sqsEndpoint}/_tandem/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: ms }),
    });
    if (!res.ok) throw new Error(`clock advance failed: ${res.status} ${await res.text()}`);
    return this.sawClock(res);
  }

  async now(): Promise<number> {
    return this.sawClock(await fetch(`${this.sqsEndpoint}/_tandem/clock`));
  }

  private async sawClock(res: Response): Promise<number> {
    const { now } = (await res.json()) as { now: number };
    this.clockSeen = now;
    return now;
  }

  /** SIGKILL: no flush, no clean close. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM and wait for a clean exit. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
    if (this.ownsDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Start a new process on the same data dir: after kill9(), or SIGTERM first if this one still runs. */
  async restart(extra: EmulatorOptions = {}): Promise<Emulator> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) await this.signal('SIGTERM');
    const next = await Emulator.start({ ...this.opts, clockStart: this.clockSeen, ...extra, dataDir: this.dataDir });
    (next as unknown as { ownsDir: boolean }).ownsDir = this.ownsDir;
    return next;
  }

  private signal(sig: NodeJS.Signals): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill(sig);
    });
  }
}
