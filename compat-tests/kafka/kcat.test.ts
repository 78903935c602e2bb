/** librdkafka through kcat: MsgVer2 with every codec, metadata, offsets, formats. */
import { Kafka, logLevel } from 'kafkajs';
import { createTopics, startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { kcat } from './clients.js';

describe('kcat (librdkafka)', () => {
  let target: KafkaTarget;
  let broker: string;
  beforeAll(async () => {
    // Real clock: consuming to the end (-e) needs the broker's long polls to expire.
    target = await startKafkaTarget({ realClock: true });
    broker = target.bootstrap;
  });
  afterAll(async () => {
    await target.stop();
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('produces and consumes with %s', async (codec) => {
    const topic = unique(`codec-${codec}`);
    const input = Array.from({ length: 50 }, (_, i) => `key${i}:value ${i} ${'x'.repeat(i)}`).join('\n') + '\n';
    await kcat(broker, ['-P', '-t', topic, '-p', '0', '-z', codec, '-K:', '-X', 'linger.ms=5'], input);
    const out = await kcat(broker, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%k=%s@%o\n']);
    expect(out.trim().split('\n')).toEqual(Array.from({ length: 50 }, (_, i) => `key${i}=value ${i} ${'x'.repeat(i)}@${i}`));
  });

  it('lists metadata with one broker leading every partition, of auto-created and created topics', async () => {
    const auto = unique('meta');
    const created = unique('meta3');
    await kcat(broker, ['-P', '-t', auto, '-p', '0'], 'm\n');
    const kafka = new Kafka({ clientId: 'kcat-meta', brokers: [broker], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [{ topic: created, numPartitions: 3 }]);
    await admin.disconnect();
    const md = JSON.parse(await kcat(broker, ['-L', '-J']));
    expect(md.brokers).toEqual([{ id: 1, name: broker }]);
    const partitions = (name: string) => md.topics.find((t: { topic: string }) => t.topic === name).partitions;
    // An auto-created topic gets the broker's default partition count: 1, as in Kafka's num.partitions.
    expect(partitions(auto)).toHaveLength(1);
    expect(partitions(created)).toHaveLength(3);
    for (const p of [...partitions(auto), ...partitions(created)]) {
      expect(p.leader).toBe(1);
      expect(p.replicas).toEqual([{ id: 1 }]);
      expect(p.isrs).toEqual([{ id: 1 }]);
    }
  });

  it('consumes from an absolute offset, a relative one and the end, with keys, headers and timestamps', async () => {
    const topic = unique('offsets');
    const lines = Array.from({ length: 10 }, (_, i) => `v${i}`).join('\n') + '\n';
    await kcat(broker, ['-P', '-t', topic, '-p', '0', '-H', 'trace=abc'], lines);
    const from7 = await kcat(broker, ['-C', '-t', topic, '-p', '0', '-o', '7', '-e', '-f', '%o %s %h\n']);
    expect(from7.trim().split('\n')).toEqual(['7 v7 trace=abc', '8 v8 trace=abc', '9 v9 trace=abc']);
    const last2 = await kcat(broker, ['-C', '-t', topic, '-p', '0', '-o', '-2', '-e', '-f', '%s\n']);
    expect(last2.trim().split('\n')).toEqual(['v8', 'v9']);
    const atEnd = await kcat(broker, ['-C', '-t', topic, '-p', '0', '-o', 'end', '-e', '-f', '%s\n']);
    expect(atEnd).toBe('');
    const ts = await kcat(broker, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '1', '-f', '%T\n']);
    expect(Number(ts.trim())).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });

  it('resets an out-of-range offset as the consumer is configured to', async () => {
    const topic = unique('oor');
    await kcat(broker, ['-P', '-t', topic, '-p', '0'], 'a\nb\n');
    const out = await kcat(broker, ['-C', '-t', topic, '-p', '0', '-o', '100', '-e', '-X', 'auto.offset.reset=earliest', '-f', '%o\n']);
    expect(out.trim().split('\n')).toEqual(['0', '1']);
  });
});
