/**
 * Consumer groups with librdkafka (confluent-kafka-python, kcat) and kafka-python 2.0.2 on the real
 * clock (on Tandem or the Kafka oracle), and Tandem's consumer-lag endpoint and CLI.
 */
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';
import { createTopics, startKafkaTarget, tandemOnly, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { kcat, python, repoRoot, run } from './clients.js';

const feeder = (broker: string) => {
  const kafka = new Kafka({ clientId: 'feeder', brokers: [broker], logLevel: logLevel.NOTHING });
  return { admin: kafka.admin(), producer: kafka.producer() };
};

describe('group consumers of other clients', () => {
  let target: KafkaTarget;
  let broker: string;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    target = await startKafkaTarget({ realClock: true });
    broker = target.bootstrap;
    ({ admin, producer } = feeder(broker));
    await admin.connect();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await target.stop();
  });

  const seed = async (topic: string, partitions: number, n: number) => {
    await createTopics(admin, [{ topic, numPartitions: partitions }]);
    await producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ partition: i % partitions, value: `v${i}` })) });
  };

  const committed = async (groupId: string, topic: string) =>
    (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));

  it.each(['range', 'cooperative-sticky'])('confluent-kafka: two members with the %s assignor split the topic', async (assignor) => {
    const topic = unique(`ck-${assignor}`);
    const group = unique(`g-${assignor}`);
    await seed(topic, 4, 40);
    const r = await python('confluent_group.py', [broker, topic, group, assignor, '40']);
    expect(r.total).toBe(40);
    expect(r.unique).toBe(40);
    expect([...r.assignment.a, ...r.assignment.b].sort()).toEqual([0, 1, 2, 3]);
    expect(r.assignment.a.length).toBe(2);
    expect(await committed(group, topic)).toEqual([10, 10, 10, 10]);
  });

  it('confluent-kafka static member: a restart under the same instance id takes over without leaving', async () => {
    const [topic, group] = [unique('st'), unique('g-static')];
    await seed(topic, 2, 4);
    const first = await python('confluent_static.py', [broker, topic, group, '4']);
    expect(first.assignment).toEqual([0, 1]);
    // Static members do not send LeaveGroup on close: the slot waits for the next incarnation.
    const kept = (await admin.describeGroups([group])).groups[0];
    expect(kept.state).toBe('Stable');
    expect(kept.members).toHaveLength(1);
    expect(kept.members[0].memberId).toMatch(/^static-1-/);

    await producer.send({ topic, messages: [{ partition: 0, value: 'more' }] });
    const second = await python('confluent_static.py', [broker, topic, group, '1']);
    expect(second.assignment).toEqual([0, 1]);
    expect(second.seen).toEqual(['0:2']);
    const after = (await admin.describeGroups([group])).groups[0];
    expect(after.members).toHaveLength(1);
    expect(after.members[0].memberId).not.toBe(kept.members[0].memberId);
  });

  it('kafka-python: group consume, commit, list/describe groups and their offsets', async () => {
    const [topic, group] = [unique('kp'), unique('g-kp')];
    await seed(topic, 3, 9);
    const r = await python('kafka_python_group.py', [broker, topic, group, '9']);
    expect(r).toMatchObject({ seen: 9, unique: 9, state: 'Stable', protocol_type: 'consumer', protocol: 'range' });
    expect(r.listed).toEqual(expect.arrayContaining([[group, 'consumer']]));
    expect(r.offsets).toEqual({ [`${topic}:0`]: 3, [`${topic}:1`]: 3, [`${topic}:2`]: 3 });
    expect(r.members).toEqual([{ client_id: 'kp', host: '/127.0.0.1', assignment: [0, 1, 2] }]);
  });

  it('kcat -G consumes as a group member and commits', async () => {
    const [topic, group] = [unique('kc'), unique('g-kcat')];
    await seed(topic, 2, 6);
    const out = await kcat(broker, ['-G', group, '-X', 'auto.offset.reset=earliest', '-c', '6', '-f', '%p:%o\\n', topic]);
    expect(out.trim().split('\n').sort()).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
    expect(await committed(group, topic)).toEqual([3, 3]);
  });
});

// Tandem's own consumer-lag admin route and CLI.
tandemOnly('consumer lag over HTTP and the lag CLI', () => {
  let emu: Emulator;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    emu = await Emulator.start({ realClock: true });
    ({ admin, producer } = feeder(emu.kafkaBroker));
    await admin.connect();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await emu.stop();
  });

  it('reports consumer lag over HTTP and with the lag CLI', async () => {
    await createTopics(admin, [{ topic: 'lagt', numPartitions: 2 }]);
    await producer.send({ topic: 'lagt', messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `v${i}` })) });
    await admin.setOffsets({ groupId: 'g-lag', topic: 'lagt', partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '5' }] });
    const res = await fetch(`${emu.sqsEndpoint}/_tandem/kafka/lag?group=g-lag`);
    const body = (await res.json()) as { group: string; partitions: Record<string, unknown>[] };
    expect(body.partitions).toEqual([
      expect.objectContaining({ topic: 'lagt', partition: 0, currentOffset: 1, logEndOffset: 5, lag: 4 }),
      expect.objectContaining({ topic: 'lagt', partition: 1, currentOffset: 5, logEndOffset: 5, lag: 0 }),
    ]);
    expect((await fetch(`${emu.sqsEndpoint}/_tandem/kafka/lag?group=nope`)).status).toBe(404);

    const cli = await run(process.execPath, [`${process.env.TANDEM_DIST ?? 'dist'}/kafka-shim/src/groups/lag-cli.js`, '--group', 'g-lag', '--url', emu.sqsEndpoint], { cwd: repoRoot() });
    const lines = cli.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(lines[0]).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    expect(lines.slice(1)).toEqual([
      ['g-lag', 'lagt', '0', '1', '5', '4', '-', '-', '-'],
      ['g-lag', 'lagt', '1', '5', '5', '0', '-', '-', '-'],
    ]);
  });
});
