/** kafkajs 2.2.4: producing (codecs, keys, headers, acks) and the admin API, checked with kcat. */
import kafkajs, { CompressionTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';
import { createTopics, deleteTopics, eventually, startKafkaTarget, topicReady, tandemOnly, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { kcat } from './clients.js';

const { ConfigResourceTypes } = kafkajs;

describe('kafkajs 2.2.4', () => {
  let target: KafkaTarget;
  let broker: string;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    target = await startKafkaTarget();
    broker = target.bootstrap;
    kafka = new Kafka({ clientId: 'compat', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await target.stop();
  });

  it('creates topics with configs, refuses duplicates and bad names, lists and deletes them', async () => {
    const adm = unique('adm');
    expect(await createTopics(admin, [{ topic: adm, numPartitions: 4, configEntries: [{ name: 'retention.ms', value: '3600000' }] }])).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: adm, numPartitions: 4 }] })).toBe(false);
    await expect(admin.createTopics({ topics: [{ topic: 'bad/name' }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_TOPIC_EXCEPTION' })],
    });
    await expect(admin.createTopics({ topics: [{ topic: unique('badcfg'), configEntries: [{ name: 'retention.ms', value: 'forever' }] }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })],
    });
    expect(await admin.listTopics()).toContain(adm);
    const md = await admin.fetchTopicMetadata({ topics: [adm] });
    expect(md.topics[0].partitions.map((p) => p.leader)).toEqual([1, 1, 1, 1]);
    await admin.createPartitions({ topicPartitions: [{ topic: adm, count: 6 }] });
    await topicReady(admin, adm, 6);
    expect((await admin.fetchTopicMetadata({ topics: [adm] })).topics[0].partitions).toHaveLength(6);
    await deleteTopics(admin, [adm]);
    expect(await admin.listTopics()).not.toContain(adm);
  });

  it('produces gzip batches with keys and headers at acks -1, readable by librdkafka', async () => {
    const jsgz = unique('jsgz');
    await createTopics(admin, [{ topic: jsgz, numPartitions: 2 }]);
    const res = await producer.send({
      topic: jsgz,
      compression: CompressionTypes.GZIP,
      acks: -1,
      messages: Array.from({ length: 20 }, (_, i) => ({ partition: 1, key: `k${i}`, value: `v${i}`, headers: { n: String(i) } })),
    });
    expect(res).toEqual([expect.objectContaining({ topicName: jsgz, partition: 1, errorCode: 0, baseOffset: '0' })]);
    const again = await producer.send({ topic: jsgz, messages: [{ partition: 1, value: 'plain' }] });
    expect(again[0].baseOffset).toBe('20');
    const out = await kcat(broker, ['-C', '-t', jsgz, '-p', '1', '-o', 'beginning', '-c', '21', '-f', '%o|%k|%s|%h\n']);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('0|k0|v0|n=0');
    expect(lines[19]).toBe('19|k19|v19|n=19');
    expect(lines[20]).toBe('20||plain|');
  });

  it('acks=0 produces without waiting for an answer', async () => {
    const fire = unique('fire');
    await createTopics(admin, [{ topic: fire }]);
    await producer.send({ topic: fire, acks: 0, messages: [{ value: 'a' }, { value: 'b' }] });
    // The next acknowledged send on the same connection is ordered after it.
    const r = await producer.send({ topic: fire, acks: 1, messages: [{ value: 'c' }] });
    expect(r[0].baseOffset).toBe('2');
  });

  it('fetches offsets, offsets by timestamp, and deletes records', async () => {
    const offs = unique('offs');
    const t0 = Date.now();
    await createTopics(admin, [{ topic: offs, numPartitions: 1 }]);
    for (let i = 0; i < 5; i++) {
      await producer.send({ topic: offs, messages: [{ value: `m${i}`, timestamp: String(t0 + i * 1000) }] });
    }
    expect(await admin.fetchTopicOffsets(offs)).toEqual([{ partition: 0, offset: '5', high: '5', low: '0' }]);
    expect(await admin.fetchTopicOffsetsByTimestamp(offs, t0 + 2500)).toEqual([{ partition: 0, offset: '3' }]);
    expect(await admin.fetchTopicOffsetsByTimestamp(offs, t0 + 10_000)).toEqual([{ partition: 0, offset: '5' }]);
    await admin.deleteTopicRecords({ topic: offs, partitions: [{ partition: 0, offset: '2' }] });
    expect(await admin.fetchTopicOffsets(offs)).toEqual([{ partition: 0, offset: '5', high: '5', low: '2' }]);
    const out = await kcat(broker, ['-C', '-t', offs, '-p', '0', '-o', 'beginning', '-c', '3', '-f', '%s\n']);
    expect(out.trim().split('\n')).toEqual(['m2', 'm3', 'm4']);
  });

  it('describes and alters topic configs', async () => {
    const cfg = unique('cfg');
    await createTopics(admin, [{ topic: cfg, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }]);
    const describe = async () =>
      Object.fromEntries(
        (await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: cfg }] })).resources[0].configEntries.map(
          (e) => [e.configName, { value: e.configValue, isDefault: e.isDefault, source: e.configSource }],
        ),
      );
    const before = await describe();
    expect(before['cleanup.policy']).toEqual({ value: 'delete', isDefault: false, source: 1 });
    expect(before['retention.ms']).toEqual({ value: '604800000', isDefault: true, source: 5 });
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['retention.bytes', 'max.message.bytes', 'message.timestamp.type']));

    await expect(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: cfg, configEntries: [{ name: 'message.timestamp.type', value: 'Sometimes' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });

    await producer.send({ topic: cfg, messages: [{ value: 'old' }] });
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: cfg, configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
    const after = await eventually(describe, (c) => c['retention.ms'].value === '60000');
    expect(after['retention.ms']).toEqual({ value: '60000', isDefault: false, source: 1 });
    // AlterConfigs replaces the whole set: cleanup.policy went back to its default.
    expect(after['cleanup.policy'].isDefault).toBe(true);
  });

  it('rejects a batch over max.message.bytes with MESSAGE_TOO_LARGE', async () => {
    const small = unique('small');
    await createTopics(admin, [{ topic: small, configEntries: [{ name: 'max.message.bytes', value: '1000' }] }]);
    await expect(producer.send({ topic: small, messages: [{ value: 'x'.repeat(2000) }] })).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    expect((await producer.send({ topic: small, messages: [{ value: 'fits' }] }))[0].baseOffset).toBe('0');
  });
});

// Needs Tandem's manual clock: on Kafka, retention runs every log.retention.check.interval.ms (5 min).
tandemOnly('kafkajs 2.2.4: retention on the emulator clock', () => {
  it('retention.ms trims a partition once its records are older', async () => {
    const emu = await Emulator.start();
    const kafka = new Kafka({ clientId: 'retention', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    const producer = kafka.producer();
    try {
      await admin.connect();
      await producer.connect();
      await createTopics(admin, [{ topic: 'cfg', configEntries: [{ name: 'retention.ms', value: '60000' }, { name: 'segment.ms', value: '1000' }] }]);
      const sent = await emu.now();
      await producer.send({ topic: 'cfg', messages: [{ value: 'old', timestamp: String(sent) }] });
      // Retention deletes closed segments only: a record more than segment.ms newer rolls 'old' out of the active one.
      await producer.send({ topic: 'cfg', messages: [{ value: 'new', timestamp: String(sent + 2000) }] });
      expect(await admin.fetchTopicOffsets('cfg')).toEqual([{ partition: 0, offset: '2', high: '2', low: '0' }]);
      await emu.advance(3_600_000);
      expect(await admin.fetchTopicOffsets('cfg')).toEqual([{ partition: 0, offset: '2', high: '2', low: '1' }]);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
      await emu.stop();
    }
  });
});
