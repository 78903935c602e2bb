/**
 * ACLs through the Java AdminClient (compat-tests/java, scenario kafka-acl) against a Tandem with
 * --kafka-authorizer: creation, Kafka's INVALID_REQUEST for a CLUSTER binding not named
 * kafka-cluster, a MATCH filter (the literal name and a prefix of it), deletion by principal.
 * Tandem-only: the oracle broker runs without an authorizer.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Emulator } from '../harness/emulator.js';
import { repoRoot } from '../harness/kafka-clients.js';
import { tandemOnly } from '../harness/kafka-target.js';

const TARGET = path.join(repoRoot(), 'compat-tests', 'java', 'clients', 'target');

function runScenario(bootstrap: string): Promise<Record<string, any>> {
  const cp = `${path.join(TARGET, 'java-clients.jar')}:${readFileSync(path.join(TARGET, 'classpath.txt'), 'utf8').trim()}`;
  const argv = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', cp, 'tandem.compat.Main', 'kafka-acl', `bootstrap=${bootstrap}`, 'topic=java-acl'];
  return new Promise((resolve, reject) =>
    execFile('java', argv, { timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('{"scenario"'));
      if (!line) return reject(new Error(`no result: ${stdout}\n${stderr}`));
      resolve(JSON.parse(line) as Record<string, any>);
    }),
  );
}

tandemOnly('Java AdminClient ACLs with --kafka-authorizer', () => {
  it('creates, refuses, describes with MATCH and deletes as Kafka does', async () => {
    const emu = await Emulator.start({ args: ['--kafka-authorizer', '--kafka-super-users', 'User:ANONYMOUS'] });
    try {
      const r = await runScenario(emu.kafkaBroker);
      expect(r.error).toBeUndefined();
      expect(r.invalid).toBe('InvalidRequestException');
      expect(r.invalidMessage).toBe('The only valid name for the CLUSTER resource is kafka-cluster');
      expect(r.matched).toEqual(['LITERAL:java-acl User:alice READ ALLOW', 'PREFIXED:java- User:bob WRITE DENY']);
      expect(r.deleted).toBe(1);
      expect(r.after).toEqual(['LITERAL:java-acl User:alice READ ALLOW']);
    } finally {
      await emu.stop();
    }
  }, 150_000);
});
