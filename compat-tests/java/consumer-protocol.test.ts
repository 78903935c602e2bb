/**
 * KIP-848 from the Java client: kafka-clients 4.x with group.protocol=consumer (ConsumerGroupHeartbeat,
 * server-side assignment) — two consumers share a 6-partition topic, a third joins, the first
 * leaves, records produced in every phase (KafkaConsumerProtocolScenario.java). Runs against a
 * spawned Tandem and, in the oracle pass, against real Kafka 4.4.
 *
 * Real clock (the JVM runs its own timers). Tandem is started with a 500 ms heartbeat interval so
 * that assignments move in a second or two; real Kafka uses its 5 s default, which only makes the
 * run longer. Nothing asserts on timing.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../harness/kafka-clients.js';
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';

const TARGET = path.join(repoRoot(), 'compat-tests', 'java', 'clients', 'target');
const JVM_TIMEOUT_MS = 300_000;

function runScenario(args: Record<string, string>): Promise<any> {
  const jar = path.join(TARGET, 'java-clients.jar');
  const deps = path.join(TARGET, 'classpath.txt');
  if (!existsSync(jar) || !existsSync(deps)) throw new Error(`${jar} or its classpath.txt is missing: run scripts/setup/30-java.sh`);
  const argv = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', `${jar}:${readFileSync(deps, 'utf8').trim()}`, 'tandem.compat.Main', 'kafka-consumer-protocol',
    ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/java', argv, { timeout: JVM_TIMEOUT_MS, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`java failed: ${err.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('{"scenario"'));
      if (!line) return reject(new Error(`no result line\n${stdout}\n${stderr}`));
      const r = JSON.parse(line);
      if (r.error) return reject(new Error(`scenario threw:\n${r.error}`));
      resolve(r);
    });
  });
}

describe('kafka-clients 4.x, group.protocol=consumer (KIP-848)', () => {
  let kafka: KafkaTarget;
  let r: any;

  beforeAll(async () => {
    kafka = await startKafkaTarget({ realClock: true, args: ['--kafka-group-consumer-heartbeat-interval-ms', '500'] });
    r = await runScenario({ bootstrap: kafka.bootstrap, cgTopic: unique('java-kip848'), cgGroup: unique('java-kip848-group') });
  }, JVM_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await kafka?.stop();
  });

  it('every record is consumed exactly once while partitions move between three members', () => {
    expect(r.produced).toBe(180);
    const seen = new Map<string, number>();
    for (const c of r.consumed as string[]) {
      const [p, o] = c.split(':');
      seen.set(`${p}:${o}`, (seen.get(`${p}:${o}`) ?? 0) + 1);
    }
    const duplicates = [...seen].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    expect(seen.size).toBe(180);
    // Committed: the end of every partition (30 records each).
    expect(r.committed).toEqual(Object.fromEntries([0, 1, 2, 3, 4, 5].map((p) => [String(p), 30])));
    // Each member consumed in the phases it was in: c joined, a left.
    const by = (name: string) => (r.consumed as string[]).filter((c) => c.endsWith(`:${name}`)).length;
    expect(by('consumer-c')).toBeGreaterThan(0);
    expect(by('consumer-a')).toBeGreaterThan(0);
  });

  it('assignments move: 3+3, then 2+2+2 with the newcomer, then 3+3 without the one that left', () => {
    const sizes = (phase: Record<string, number[]>) => Object.values(phase).map((ps) => ps.length).sort();
    expect(Object.keys(r.phase1)).toEqual(['consumer-a', 'consumer-b']);
    expect(sizes(r.phase1)).toEqual([3, 3]);
    expect(sizes(r.phase2)).toEqual([2, 2, 2]);
    expect(Object.keys(r.phase3)).toEqual(['consumer-b', 'consumer-c']);
    expect(sizes(r.phase3)).toEqual([3, 3]);
  });

  it('the AdminClient describes a CONSUMER-type group with three members (ConsumerGroupDescribe), Stable then, Empty at the end', () => {
    expect({ type: r.described.type, members: r.described.members, state: r.described.state, final: r.finalState }).toEqual({ type: 'Consumer', members: 3, state: 'Stable', final: 'Empty' });
    expect(Object.keys(r.described.assigned).sort()).toEqual(['consumer-a', 'consumer-b', 'consumer-c']);
  });
});
