/**
 * kafkajs 2.2.4 consumer groups against the real emulator or the Kafka oracle (real clock: nothing
 * here depends on a deadline, only on events): three members sharing six partitions, rebalancing
 * on leave, committed offsets surviving a consumer restart and (on Tandem) an emulator restart,
 * admin offset tools, and two groups on one topic.
 */
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { createTopics, deleteTopics, startKafkaTarget, unique } from '../harness/kafka-target.js';
import type { Emulator } from '../harness/emulator.js';
import { assigned, recorder, track, Watch, type Tracked } from './events.js';

const SIX = [0, 1, 2, 3, 4, 5];

describe('kafkajs consumer groups', () => {
  let broker: string;
  /** The spawned Tandem; undefined on the Kafka oracle. */
  let emu: Emulator | undefined;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  const connect = async () => {
    kafka = new Kafka({ clientId: 'groups', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
  };

  beforeAll(async () => {
    const target = await startKafkaTarget({ realClock: true });
    emu = target.emulator;
    broker = target.bootstrap;
    await connect();
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await emu?.stop();
  });

  const member = async (groupId: string, name: string, watch: Watch, topic: string, fromBeginning = true): Promise<Tracked> => {
    const consumer = kafka.consumer({ groupId, heartbeatInterval: 100, sessionTimeout: 10_000, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    const t = track(consumer, name, watch);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning });
    await consumer.run({ eachMessage: recorder(t, watch) });
    return t;
  };

  const produce = (topic: string, n: number, tag = 'm') =>
    producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ partition: i % 6, value: `${tag}${i}` })) });

  it('three members share six partitions, each message is consumed once, and a leave rebalances', async () => {
    const [six, g3] = [unique('six'), unique('g3')];
    await createTopics(admin, [{ topic: six, numPartitions: 6 }]);
    const watch = new Watch();
    const ms = await Promise.all(['a', 'b', 'c'].map((n) => member(g3, n, watch, six)));
    await watch.until(() => ms.every((m) => (m.assignment[six] ?? []).length === 2) && assigned(ms, six).join() === SIX.join());

    await produce(six, 60);
    const total = () => ms.reduce((n, m) => n + m.seen.length, 0);
    await watch.until(() => total() === 60);
    expect(new Set(ms.flatMap((m) => m.seen)).size).toBe(60);

    const described = await admin.describeGroups([g3]);
    expect(described.groups[0]).toMatchObject({ groupId: g3, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(described.groups[0].members).toHaveLength(3);

    // One member leaves: the other two take over its partitions.
    await ms[2].consumer.disconnect();
    const rest = ms.slice(0, 2);
    await watch.until(() => assigned(rest, six).join() === SIX.join());
    await produce(six, 12, 'after');
    await watch.until(() => rest.reduce((n, m) => n + m.seen.length, 0) + ms[2].seen.length === 72);
    expect((await admin.describeGroups([g3])).groups[0].members).toHaveLength(2);
  });

  it('resumes from committed offsets after a consumer restart and after an emulator restart', async () => {
    const [resume, gr] = [unique('resume'), unique('gr')];
    await createTopics(admin, [{ topic: resume, numPartitions: 6 }]);
    await produce(resume, 30);
    let watch = new Watch();
    const first = await member(gr, 'first', watch, resume);
    await watch.until(() => first.seen.length === 30);
    await first.consumer.disconnect();
    consumers.length = 0;

    const offsets = await admin.fetchOffsets({ groupId: gr, topics: [resume] });
    expect(offsets[0].partitions.map((p) => p.offset).sort()).toEqual(SIX.map(() => '5'));

    await produce(resume, 6, 'second');
    watch = new Watch();
    const second = await member(gr, 'second', watch, resume);
    await watch.until(() => second.seen.length === 6);
    await second.consumer.disconnect();
    consumers.length = 0;

    await producer.disconnect();
    await admin.disconnect();
    // Only Tandem is restarted here (the oracle broker is shared); the rest holds on both.
    if (emu) {
      emu = await emu.restart();
      broker = emu.kafkaBroker;
    }
    await connect();
    const after = await admin.fetchOffsets({ groupId: gr, topics: [resume] });
    expect(after[0].partitions.map((p) => p.offset).sort()).toEqual(SIX.map(() => '6'));
    expect((await admin.describeGroups([gr])).groups[0].state).toBe('Empty');

    await produce(resume, 6, 'third');
    watch = new Watch();
    const third = await member(gr, 'third', watch, resume);
    await watch.until(() => third.seen.length === 6);
    expect(third.seen.map((s) => s.split(':')[1])).toEqual(SIX.map(() => '6'));
  });

  it('admin: fetchOffsets, setOffsets, resetOffsets, listGroups, deleteGroups', async () => {
    const [topic, ga] = [unique('adm-off'), unique('ga')];
    await createTopics(admin, [{ topic, numPartitions: 2 }]);
    await producer.send({ topic, messages: [0, 1, 0, 1, 0].map((partition, i) => ({ partition, value: `v${i}` })) });

    await admin.setOffsets({ groupId: ga, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '1' }] });
    let got = await admin.fetchOffsets({ groupId: ga, topics: [topic] });
    expect(got[0].partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).toEqual(['2', '1']);

    if (emu) {
      // Tandem's own lag route (kafka-groups/clients.test.ts covers it in full).
      const lag = (await (await fetch(`${emu.sqsEndpoint}/_tandem/kafka/lag?group=${ga}`)).json()) as { partitions: { partition: number; lag: number }[] };
      expect(lag.partitions.map((p) => [p.partition, p.lag])).toEqual([[0, 1], [1, 1]]);
    }

    // kafkajs commits Kafka's EARLIEST sentinel (-2); a consumer resolves it when it starts.
    await admin.resetOffsets({ groupId: ga, topic, earliest: true });
    got = await admin.fetchOffsets({ groupId: ga, topics: [topic] });
    expect(got[0].partitions.map((p) => p.offset)).toEqual(['-2', '-2']);

    expect((await admin.listGroups()).groups).toEqual(expect.arrayContaining([{ groupId: ga, protocolType: 'consumer' }]));

    // A live group refuses offset resets from outside and deletion.
    const watch = new Watch();
    const m = await member(ga, 'live', watch, topic);
    await watch.until(() => m.joins > 0);
    await expect(admin.setOffsets({ groupId: ga, topic, partitions: [{ partition: 0, offset: '0' }] })).rejects.toThrow();
    await expect(admin.deleteGroups([ga])).rejects.toMatchObject({ groups: [expect.objectContaining({ errorCode: 68 })] });
    await m.consumer.disconnect();
    consumers.length = 0;
    await admin.deleteGroups([ga]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(ga);
  });

  it('a deleted and recreated topic starts without the old committed offsets', async () => {
    const [again, gd] = [unique('again'), unique('gd')];
    await createTopics(admin, [{ topic: again, numPartitions: 1 }]);
    await producer.send({ topic: again, messages: [{ value: 'a' }, { value: 'b' }] });
    await admin.setOffsets({ groupId: gd, topic: again, partitions: [{ partition: 0, offset: '2' }] });
    expect((await admin.fetchOffsets({ groupId: gd, topics: [again] }))[0].partitions[0].offset).toBe('2');
    await deleteTopics(admin, [again]);
    await createTopics(admin, [{ topic: again, numPartitions: 1 }]);
    expect((await admin.fetchOffsets({ groupId: gd, topics: [again] }))[0].partitions[0].offset).toBe('-1');
  });

  it('two independent groups on one topic each see every message', async () => {
    const [shared, gx, gy] = [unique('shared'), unique('gx'), unique('gy')];
    await createTopics(admin, [{ topic: shared, numPartitions: 6 }]);
    const watch = new Watch();
    const x = await member(gx, 'x', watch, shared);
    const y = await member(gy, 'y', watch, shared);
    await produce(shared, 24);
    await watch.until(() => x.seen.length === 24 && y.seen.length === 24);
    expect(new Set(x.seen)).toEqual(new Set(y.seen));
  });
});
