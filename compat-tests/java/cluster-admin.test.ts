/**
 * Issue 10's proof for the Java AdminClient (kafka-clients 4.x) against a three-broker Tandem
 * (--kafka-brokers 3, node ids 0, 1, 2): describeCluster, describeTopics with leaders spread round
 * robin, and electLeaders(PREFERRED) moving back a leader that Tandem's admin route
 * (POST /_tandem/partitions/leader) moved away (KafkaClusterAdminScenario.java). Tandem-only: a
 * single real broker cannot move a leader, and the admin route is Tandem's.
 */
import { Emulator } from '../harness/emulator.js';
import { tandemOnly, unique } from '../harness/kafka-target.js';
import { javaScenario, JVM_TIMEOUT_MS } from './scenario.js';

type Parts = Record<string, { leader: number; replicas: number[]; isr: number[] }>;

tandemOnly('Java AdminClient against a three-broker Tandem', () => {
  let emu: Emulator;
  let brokers: { nodeId: number; port: number }[];
  let r: any;

  beforeAll(async () => {
    emu = await Emulator.start({ realClock: true, args: ['--kafka-brokers', '3', '--kafka-broker-ids', '0,1,2'] });
    brokers = ((await (await fetch(`${emu.sqsEndpoint}/_tandem/brokers`)).json()) as any).brokers;
    r = await javaScenario('kafka-cluster-admin', {
      bootstrap: brokers.map((b) => `127.0.0.1:${b.port}`).join(','),
      clusterTopic: unique('java-cluster-admin'),
      adminEndpoint: emu.sqsEndpoint,
    });
  }, JVM_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await emu?.stop();
  });

  it('describeCluster: three nodes at their own ports, the controller one of them', () => {
    expect(r.nodes).toEqual(brokers.map((b) => ({ id: b.nodeId, port: b.port })));
    expect(r.nodes.map((n: any) => n.id)).toEqual([0, 1, 2]);
    expect([0, 1, 2]).toContain(r.controller);
    expect(typeof r.clusterId).toBe('string');
  });

  it('describeTopics: leaders spread over the three brokers, replicas and ISR the broker set', () => {
    const before = r.before as Parts;
    expect(Object.keys(before)).toEqual(['0', '1', '2']);
    expect(new Set(Object.values(before).map((p) => p.leader))).toEqual(new Set([0, 1, 2]));
    for (const p of Object.values(before)) {
      expect([...p.replicas].sort()).toEqual([0, 1, 2]);
      expect([...p.isr].sort()).toEqual([0, 1, 2]);
      // Led by its preferred (first) replica, as Kafka's assignor places it.
      expect(p.leader).toBe(p.replicas[0]);
    }
  });

  it('after a leader move, electLeaders(PREFERRED) moves partition 0 back; the others need no election', () => {
    const before = r.before as Parts;
    const moved = r.moved as Parts;
    const after = r.after as Parts;
    expect(r.moveStatus).toBe(200);
    expect(moved['0'].leader).not.toBe(before['0'].leader);
    expect(moved['1'].leader).toBe(before['1'].leader);
    expect(r.election).toEqual({ '0': 'ok', '1': 'ElectionNotNeededException', '2': 'ElectionNotNeededException' });
    expect(Object.fromEntries(Object.entries(after).map(([p, v]) => [p, v.leader]))).toEqual(Object.fromEntries(Object.entries(before).map(([p, v]) => [p, v.leader])));
    // Electing every partition (null) leaves out those already led by their preferred replica.
    expect(r.electAllOurs).toBe(0);
  });
});
