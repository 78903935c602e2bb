/**
 * Runs the scenario scripts of compat-tests/python with the virtual environment's python (.venv,
 * built by scripts/setup/20-python.sh with the current PyPI clients), so these tests exercise what a
 * user installing boto3/confluent-kafka/kafka-python/aiokafka today gets, next to the Debian-packaged
 * versions other tests run with /usr/bin/python3.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../harness/kafka-clients.js';

export const VENV_PYTHON = path.join(repoRoot(), '.venv', 'bin', 'python');
const SCRIPTS = path.join(repoRoot(), 'compat-tests', 'python');
/** Only stops a hung client from hanging the suite; assertions never depend on it. */
const TIMEOUT_MS = 90_000;

/** The clients' own environment, without a developer's AWS profile or credentials leaking in. */
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
  PYTHONDONTWRITEBYTECODE: '1',
};

/** Run compat-tests/python/<script> and parse the one JSON line it prints last. */
export function scenario<T = any>(script: string, args: string[]): Promise<T> {
  if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run scripts/setup.sh (or scripts/setup/20-python.sh)`);
  return new Promise((resolve, reject) => {
    const child = execFile(
      VENV_PYTHON,
      [path.join(SCRIPTS, script), ...args],
      { env: ENV, timeout: TIMEOUT_MS, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${script} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T);
        } catch (e) {
          reject(new Error(`${script} printed no JSON: ${stdout}\n${stderr}`));
        }
      },
    );
    child.stdin!.end();
  });
}
