/**
 * Runs the non-Node Kafka clients (kcat, the Debian python3 with kafka-python 2.0.2 and
 * confluent-kafka) as child processes, for compat-tests/kafka and compat-tests/kafka-groups.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const KCAT = '/usr/bin/kcat';
export const PYTHON = '/usr/bin/python3';

/** The repository root (tests run from a build folder of any depth). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export interface RunOptions {
  cwd?: string;
  /** Written to the child's stdin (which is closed either way). */
  input?: string;
  /** Only stops a hung client from hanging the suite; assertions never depend on it. */
  timeoutMs: number;
}

export function run(cmd: string, args: string[], opts: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: opts.timeoutMs, maxBuffer: 64 << 20, cwd: opts.cwd }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    // A child that exits without reading its input (`ip`, say) closes the pipe first: its exit
    // status is the result, not the EPIPE of writing to it.
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input ?? '');
  });
}

/** Run a Python script and parse the JSON it prints last. */
export async function pythonJson<T = any>(script: string, args: string[], timeoutMs: number): Promise<T> {
  const out = await run(PYTHON, [script, ...args], { timeoutMs });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}
