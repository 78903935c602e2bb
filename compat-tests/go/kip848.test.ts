/**
 * KIP-848 from franz-go (kgo.ServerSideBalancer, v1.22): two members share a 6-partition topic, a
 * third joins, the first leaves (franz848.go). Runs against a spawned Tandem and, in the oracle
 * pass, real Kafka. Real clock; Tandem with a 500 ms heartbeat interval (real Kafka's 5 s default
 * only makes the run longer).
 */
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { GO_COMPAT, goRun } from './go-client.js';

describe('franz-go, ServerSideBalancer (KIP-848)', () => {
  let kafka: KafkaTarget;
  let r: any;

  beforeAll(async () => {
    kafka = await startKafkaTarget({ realClock: true, args: ['--kafka-group-consumer-heartbeat-interval-ms', '500'] });
    r = await goRun(GO_COMPAT, 'franz-kip848', { bootstrap: kafka.bootstrap, topic: unique('go-kip848'), group: unique('go-kip848'), timeout: '40s' });
  }, 60_000);

  afterAll(async () => {
    await kafka?.stop();
  });

  it('every record is consumed exactly once while partitions move; everything is committed', () => {
    expect(r.error).toBeUndefined();
    expect(r.produced).toBe(180);
    const seen = new Map<string, number>();
    for (const c of r.consumed as string[]) {
      const [p, o] = c.split(':');
      seen.set(`${p}:${o}`, (seen.get(`${p}:${o}`) ?? 0) + 1);
    }
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
    expect(seen.size).toBe(180);
    expect(r.committed).toEqual(Object.fromEntries([0, 1, 2, 3, 4, 5].map((p) => [String(p), 30])));
  });

  it('assignments move: 3+3, 2+2+2 with the newcomer, 3+3 once the first has left', () => {
    const sizes = (phase: Record<string, number[]>) => Object.values(phase).map((ps) => ps.length).sort();
    expect(sizes(r.phase1)).toEqual([3, 3]);
    expect(sizes(r.phase2)).toEqual([2, 2, 2]);
    expect(Object.keys(r.phase3).sort()).toEqual(['b', 'c']);
    expect(sizes(r.phase3)).toEqual([3, 3]);
  });
});
