/** Runs kcat and the Python group scripts (compat-tests/kafka-groups/python) as child processes. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

export function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    // The timeout only stops a hung client from hanging the suite; assertions never depend on it.
    const child = execFile(cmd, args, { timeout: 90_000, maxBuffer: 64 << 20, cwd: opts.cwd }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    child.stdin!.end();
  });
}

export function kcat(broker: string, args: string[]): Promise<string> {
  return run('/usr/bin/kcat', ['-b', broker, ...args]);
}

/** Run a script of python/ with the Debian python3 (kafka-python 2.0.2, confluent-kafka) and
 * parse the JSON it prints last. */
export async function python<T = any>(script: string, args: string[]): Promise<T> {
  const out = await run('/usr/bin/python3', [path.join(repoRoot(), 'compat-tests', 'kafka-groups', 'python', script), ...args]);
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}
