/** kcat, the Python group scripts (compat-tests/kafka-groups/python) and other child processes. */
import path from 'node:path';
import { KCAT, pythonJson, repoRoot, run as runChild } from '../harness/kafka-clients.js';

export { repoRoot };

const TIMEOUT_MS = 90_000;

export function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  return runChild(cmd, args, { ...opts, timeoutMs: TIMEOUT_MS });
}

export function kcat(broker: string, args: string[]): Promise<string> {
  return run(KCAT, ['-b', broker, ...args]);
}

/** Run a script of python/ and parse the JSON it prints last. */
export function python<T = any>(script: string, args: string[]): Promise<T> {
  return pythonJson<T>(path.join(repoRoot(), 'compat-tests', 'kafka-groups', 'python', script), args, TIMEOUT_MS);
}
