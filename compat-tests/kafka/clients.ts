/** kcat and the Python clients (compat-tests/kafka/python) for the Kafka compat tests. */
import path from 'node:path';
import { KCAT, pythonJson, repoRoot, run } from '../harness/kafka-clients.js';

const TIMEOUT_MS = 60_000;
const PY_DIR = path.join(repoRoot(), 'compat-tests', 'kafka', 'python');

export function kcat(broker: string, args: string[], input?: string): Promise<string> {
  return run(KCAT, ['-b', broker, '-X', 'topic.metadata.refresh.interval.ms=100000', ...args], { input, timeoutMs: TIMEOUT_MS });
}

/** Run compat-tests/kafka/python/<script> and parse the JSON it prints last. */
export function python<T = any>(script: string, args: string[]): Promise<T> {
  return pythonJson<T>(path.join(PY_DIR, script), args, TIMEOUT_MS);
}
