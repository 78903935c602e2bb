/**
 * Consumer groups with librdkafka (confluent-kafka-python, kcat) and kafka-python 2.0.2, and the
 * consumer-lag endpoint and CLI, against one emulator on the real clock.
 */
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';
import { kcat, python, repoRoot, run } from './clients.js';

describe('group consumers of other clients', () => {
  let emu: Emulator;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    emu = await Emulator.start({ realClock: true });
    const kafka = new Kafka({ clientId: 'feeder', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await emu.stop();
  });

  const seed = async (topic: string, partitions: number, n: number) => {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    await producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ partition: i % partitions, value: `v${i}` })) });
  };

  const committed = async (groupId: string, topic: string) =>
    (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));

  it.each(['range', 'cooperative-sticky'])('confluent-kafka: two members with the %s assignor split the topic', async (assignor) => {
    const topic = `ck-${assignor}`;
    await seed(topic, 4, 40);
    const r = await python('confluent_group.py', [emu.kafkaBroker, topic, `g-${assignor}`, assignor, '40']);
    expect(r.total).toBe(40);
    expect(r.unique).toBe(40);
    expect([...r.assignment.a, ...r.assignment.b].sort()).toEqual([0, 1, 2, 3]);
    expect(r.assignment.a.length).toBe(2);
    expect(await committed(`g-${assignor}`, topic)).toEqual([10, 10, 10, 10]);
  });

  it('confluent-kafka static member: a restart under the same instance id takes over without leaving', async () => {
    await seed('st', 2, 4);
    const first = await python('confluent_static.py', [emu.kafkaBroker, 'st', 'g-static', '4']);
    expect(first.assignment).toEqual([0, 1]);
    // Static members do not send LeaveGroup on close: the slot waits for the next incarnation.
    const kept = (await admin.describeGroups(['g-static'])).groups[0];
    expect(kept.state).toBe('Stable');
    expect(kept.members).toHaveLength(1);
    expect(kept.members[0].memberId).toMatch(/^static-1-/);

    await producer.send({ topic: 'st', messages: [{ partition: 0, value: 'more' }] });
    const second = await python('confluent_static.py', [emu.kafkaBroker, 'st', 'g-static', '1']);
    expect(second.assignment).toEqual([0, 1]);
    expect(second.seen).toEqual(['0:2']);
    const after = (await admin.describeGroups(['g-static'])).groups[0];
    expect(after.members).toHaveLength(1);
    expect(after.members[0].memberId).not.toBe(kept.members[0].memberId);
  });

  it('kafka-python: group consume, commit, list/describe groups and their offsets', async () => {
    await seed('kp', 3, 9);
    const r = await python('kafka_python_group.py', [emu.kafkaBroker, 'kp', 'g-kp', '9']);
    expect(r).toMatchObject({ seen: 9, unique: 9, state: 'Stable', protocol_type: 'consumer', protocol: 'range' });
    expect(r.listed).toEqual(expect.arrayContaining([['g-kp', 'consumer']]));
    expect(r.offsets).toEqual({ 'kp:0': 3, 'kp:1': 3, 'kp:2': 3 });
    expect(r.members).toEqual([{ client_id: 'kp', host: '/127.0.0.1', assignment: [0, 1, 2] }]);
  });

  it('kcat -G consumes as a group member and commits', async () => {
    await seed('kc', 2, 6);
    const out = await kcat(emu.kafkaBroker, ['-G', 'g-kcat', '-X', 'auto.offset.reset=earliest', '-c', '6', '-f', '%p:%o\\n', 'kc']);
    expect(out.trim().split('\n').sort()).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
    expect(await committed('g-kcat', 'kc')).toEqual([3, 3]);
  });

  it('reports consumer lag over HTTP and with the lag CLI', async () => {
    await seed('lagt', 2, 10);
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
