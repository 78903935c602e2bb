/**
 * Retention on segments with Kafka's rules, driven by the manual clock: records with old CreateTime
 * timestamps and a batch whose maxTimestamp is -1 (as sarama writes it) stay readable while their
 * segment is active, and go only once a newer batch rolled the segment (segment.ms) and the periodic
 * check (log.retention.check.interval.ms, 300 s) finds it older than retention.ms.
 * Tandem-only: it moves the broker's clock by the check interval, which a real broker cannot do;
 * and real Kafka also deletes an active segment that is wholly past retention.ms, which Tandem
 * deliberately does not (so data a client just wrote always reads back).
 */
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { encodeBatch } from '../../kafka-shim/src/records/index.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { Emulator } from '../harness/emulator.js';
import { tandemOnly } from '../harness/kafka-target.js';
import { kcat } from './clients.js';

const CHECK_INTERVAL_MS = 300_000;
const HOUR = 3_600_000;

tandemOnly('segment retention on the manual clock', () => {
  let emu: Emulator;
  let raw: RawClient;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    emu = await Emulator.start();
    raw = await RawClient.connect(emu.kafkaPort);
    const kafka = new Kafka({ clientId: 'retention', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    admin = kafka.admin();
    producer = kafka.producer();
    await admin.connect();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    raw?.close();
    await emu?.stop();
  });

  const offsets = async (topic: string) => (await admin.fetchTopicOffsets(topic))[0];
  const read = async (topic: string, from: number, count: number) =>
    (await kcat(emu.kafkaBroker, ['-C', '-t', topic, '-p', '0', '-o', String(from), '-c', String(count), '-f', '%o %T %s\n'])).trim().split('\n');

  it('keeps old and -1 maxTimestamp batches in the active segment, deletes them once rolled and past retention.ms', async () => {
    const topic = 'ret';
    await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.ms', value: String(24 * HOUR) }, { name: 'segment.ms', value: String(HOUR) }] }] });
    const old = Date.UTC(2017, 0, 1);
    await producer.send({ topic, messages: [{ value: 'kafkajs-2017', timestamp: String(old) }] });
    // sarama's shape: records carry timestamps, the batch header says maxTimestamp -1.
    const sarama = encodeBatch({ records: [{ value: 'sarama', timestamp: old + 5 }], maxTimestamp: -1 });
    const produced = (await raw.call(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: sarama }] }] })).body;
    expect(produced.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 1 });

    // Two retention checks later both are still there: their segment is the active one.
    await emu.advance(2 * CHECK_INTERVAL_MS);
    expect(await read(topic, 0, 2)).toEqual([`0 ${old} kafkajs-2017`, `1 ${old + 5} sarama`]);
    expect(await offsets(topic)).toMatchObject({ low: '0', high: '2' });

    // A batch more than segment.ms newer than the segment's first one rolls a new segment.
    const now = Date.now();
    await producer.send({ topic, messages: [{ value: 'fresh', timestamp: String(now) }] });
    expect(await offsets(topic)).toMatchObject({ low: '0', high: '3' });
    await emu.advance(CHECK_INTERVAL_MS);
    expect(await offsets(topic)).toMatchObject({ low: '2', high: '3' });
    expect(await read(topic, 2, 1)).toEqual([`2 ${now} fresh`]);
  });

  it('retention.bytes deletes whole closed segments, never the active one', async () => {
    const topic = 'ret-bytes';
    await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.bytes', value: '1' }, { name: 'internal.segment.bytes', value: '200' }] }] });
    for (let i = 0; i < 4; i++) await producer.send({ topic, messages: [{ value: `${i}`.repeat(150) }] });
    expect(await offsets(topic)).toMatchObject({ low: '0', high: '4' });
    await emu.advance(CHECK_INTERVAL_MS);
    expect(await offsets(topic)).toMatchObject({ low: '3', high: '4' });
    expect(await read(topic, 3, 1)).toEqual([expect.stringMatching(/^3 \d+ 3{150}$/)]);
  });
});
