/**
 * One plain-client Java scenario (tandem.compat.Main) in its own JVM, for the Tandem-only tests that
 * act on Tandem while the JVM runs: `onLine` sees every stdout line as it comes (a scenario prints
 * {"phase": ...} lines when it wants the test to act) and may answer on the JVM's stdin, and the promise resolves to the scenario's
 * result line, or rejects with its Java stack trace.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../harness/kafka-clients.js';

const TARGET = path.join(repoRoot(), 'compat-tests', 'java', 'clients', 'target');
/** Only stops a hung JVM from hanging the suite; assertions never depend on it. */
export const JVM_TIMEOUT_MS = 300_000;

export function javaScenario(name: string, args: Record<string, string>, onLine: (line: string, reply: (line: string) => void) => void = () => {}): Promise<any> {
  const jar = path.join(TARGET, 'java-clients.jar');
  const deps = path.join(TARGET, 'classpath.txt');
  if (!existsSync(jar) || !existsSync(deps)) throw new Error(`${jar} or its classpath.txt is missing: run scripts/setup/30-java.sh`);
  const argv = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', `${jar}:${readFileSync(deps, 'utf8').trim()}`, 'tandem.compat.Main', name,
    ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
  const jvm = spawn('/usr/bin/java', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  jvm.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
  let result: any;
  createInterface({ input: jvm.stdout }).on('line', (line) => {
    if (line.startsWith('{"scenario"')) result = JSON.parse(line);
    else onLine(line, (answer) => jvm.stdin.write(answer + '\n'));
  });
  const timer = setTimeout(() => jvm.kill('SIGKILL'), JVM_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    jvm.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!result) return reject(new Error(`java ${name} exited ${code ?? signal} without a result\n${stderr}`));
      if (result.error) return reject(new Error(`scenario ${name} threw:\n${result.error}\n${stderr}`));
      resolve(result);
    });
  });
}
