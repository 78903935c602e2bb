/** Runs the non-Node clients (kcat, Python) against a spawned emulator and collects their output. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const KCAT = '/usr/bin/kcat';
/** The Debian python3 that has kafka-python 2.0.2 and confluent-kafka installed. */
const PYTHON = '/usr/bin/python3';

/** The repository root (tests run from a build folder of any depth). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

const PY_DIR = path.join(repoRoot(), 'compat-tests', 'kafka', 'python');

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // The timeout only stops a hung client from hanging the suite; assertions never depend on it.
    const child = execFile(cmd, args, { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    child.stdin!.end(input ?? '');
  });
}

export function kcat(broker: string, args: string[], input?: string): Promise<string> {
  return run(KCAT, ['-b', broker, '-X', 'topic.metadata.refresh.interval.ms=100000', ...args], input);
}

/** Run compat-tests/kafka/python/<script> and parse the JSON it prints last. */
export async function python<T = any>(script: string, args: string[]): Promise<T> {
  const out = await run(PYTHON, [path.join(PY_DIR, script), ...args]);
  const last = out.trim().split('\n').at(-1)!;
  return JSON.parse(last) as T;
}
