/**
 * Record batches as real clients write them, read back raw over Fetch and decoded by Tandem's codec
 * (kafka-shim/src/records): kcat (none, zstd), kafkajs (gzip, and raw snappy through
 * kafkajs-snappy), kafka-python (gzip, snappy in xerial framing, lz4 frames). These are the codec's test vectors —
 * none comes from our own encoder. Also what the broker answers for corrupt and odd batches (built
 * with the encoder; the expectations were read off a real Kafka 4.4 broker), and that old
 * CreateTime timestamps (kafkajs's tests use 2017) are kept and read back. Runs against real Kafka
 * too (startKafkaTarget), so every expectation here is Kafka's behaviour.
 */
import { createRequire } from 'node:module';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import { crc32c } from '../../kafka-shim/src/log/crc32c.js';
import { decodeBatches, encodeBatch, type KafkaRecord } from '../../kafka-shim/src/records/index.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { kcat, python } from './clients.js';

const require = createRequire(import.meta.url);
CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy');

const PRODUCE = 0;
const FETCH = 1;
const ERR = { UNKNOWN_SERVER_ERROR: -1, INVALID_TIMESTAMP: 32, INVALID_RECORD: 87 };

describe('record batches from real clients', () => {
  let target: KafkaTarget;
  let raw: RawClient;
  let producer: Producer;

  beforeAll(async () => {
    target = await startKafkaTarget();
    raw = await RawClient.connect(Number(target.bootstrap.split(':').at(-1)));
    const kafka = new Kafka({ clientId: 'records', brokers: [target.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    raw?.close();
    await target?.stop();
  });

  /** Every batch of partition 0 from offset 0, raw. */
  async function fetchBatches(topic: string) {
    const body = {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 8 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 8 << 20 }] }],
      forgottenTopicsData: [],
      rackId: '',
    };
    const res = (await raw.call(FETCH, 11, body)).body;
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    return { bytes: p.records as Buffer, batches: decodeBatches(p.records as Buffer) };
  }

  /** CreateTopics, then wait until Metadata shows the partition's leader (Kafka elects it asynchronously). */
  const create = async (name: string, configs: { name: string; value: string }[] = []) => {
    const created = (await raw.call(19, 4, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 5000, validateOnly: false })).body.topics[0];
    for (let i = 0; i < 100; i++) {
      const t = (await raw.call(3, 12, { topics: [{ name }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).body.topics[0];
      if (t.errorCode === 0 && t.partitions[0]?.leaderId >= 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return created;
  };

  const text = (b: Buffer | null) => (b === null ? null : b.toString());
  const simple = (r: KafkaRecord) => ({ offset: r.offset, key: text(r.key), value: text(r.value), headers: r.headers.map((h) => [h.key, text(h.value)]) });

  // librdkafka 2.0.2 (Debian's kcat) enables gzip/snappy/lz4 only when the broker serves
  // Produce/Fetch v2 or older, which Kafka 4 (and Tandem) no longer do: it logs "Broker does not
  // support compression type gzip: not compressing batch" and sends them uncompressed. Those
  // codecs come from kafka-python and kafkajs below; zstd (needs Produce v7) from kcat.
  it.each([
    ['none', 0],
    ['zstd', 4],
  ])('decodes what kcat writes with -z %s', async (codec, id) => {
    const topic = unique(`rec-kcat-${codec}`);
    const input = Array.from({ length: 30 }, (_, i) => `key${i}:value ${i} ${'x'.repeat(i * 10)}`).join('\n') + '\n';
    const before = Date.now();
    expect(await create(topic)).toMatchObject({ errorCode: 0 });
    await kcat(target.bootstrap, ['-P', '-t', topic, '-p', '0', '-z', codec, '-X', `compression.codec=${codec}`, '-K:', '-H', 'trace=abc', '-X', 'linger.ms=500'], input);
    const { batches } = await fetchBatches(topic);
    for (const b of batches) {
      expect(b.compression).toBe(id);
      expect(b.magic).toBe(2);
      expect(b.isControl).toBe(false);
      expect(b.timestampType).toBe(0);
      expect(b.baseOffset).toBe(b.records[0].offset);
      expect(b.lastOffsetDelta).toBe(b.records.length - 1);
      expect(b.maxTimestamp).toBe(Math.max(...b.records.map((r) => r.timestamp)));
    }
    const records = batches.flatMap((b) => b.records);
    expect(records.map(simple)).toEqual(
      Array.from({ length: 30 }, (_, i) => ({ offset: i, key: `key${i}`, value: `value ${i} ${'x'.repeat(i * 10)}`, headers: [['trace', 'abc']] })),
    );
    for (const r of records) expect(r.timestamp).toBeGreaterThanOrEqual(before - 1000);
  });

  it.each([
    ['gzip', CompressionTypes.GZIP, 1],
    ['snappy (raw, kafkajs-snappy)', CompressionTypes.Snappy, 2],
  ])('decodes what kafkajs writes with %s, headers and explicit timestamps', async (_name, compression, id) => {
    const topic = unique(`rec-kjs-${id}`);
    const messages = Array.from({ length: 10 }, (_, i) => ({
      key: i % 3 === 0 ? null : `k${i}`,
      value: `v${i}`,
      timestamp: String(Date.UTC(2024, 0, 1) + i * 1000),
      headers: { a: `x${i}`, empty: '' },
    }));
    await producer.send({ topic, compression, messages: messages.map((m) => (m.key === null ? { ...m, key: undefined } : m)) });
    const { batches } = await fetchBatches(topic);
    expect(batches.map((b) => b.compression)).toEqual([id]);
    expect(batches[0].records.map((r) => ({ ...simple(r), timestamp: r.timestamp }))).toEqual(
      messages.map((m, i) => ({ offset: i, key: m.key, value: m.value, headers: [['a', `x${i}`], ['empty', '']], timestamp: Number(m.timestamp) })),
    );
    expect(batches[0].maxTimestamp).toBe(Date.UTC(2024, 0, 1) + 9000);
  });

  it.each([
    ['gzip', 1, Buffer.from([0x1f, 0x8b])],
    // snappy-java's (xerial) framing magic: kafka-python frames snappy as the Java client does.
    ['snappy', 2, Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])],
    // The LZ4 frame magic 0x184D2204, little-endian.
    ['lz4', 3, Buffer.from([0x04, 0x22, 0x4d, 0x18])],
  ])('decodes what kafka-python writes with %s', async (codec, id, magic) => {
    const topic = unique(`rec-py-${codec}`);
    const out = await python<{ offsets: number[] }>('records_client.py', ['produce', target.bootstrap, topic, codec, '12']);
    expect(out.offsets).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const { bytes, batches } = await fetchBatches(topic);
    expect(batches.map((b) => b.compression)).toEqual(batches.map(() => id));
    expect(bytes.subarray(61, 61 + magic.length)).toEqual(magic);
    expect(batches.flatMap((b) => b.records).map(simple)).toEqual(
      Array.from({ length: 12 }, (_, i) => ({ offset: i, key: `k${i}`, value: `py ${i}`, headers: [['h', `v${i}`]] })),
    );
  });

  it('keeps records with 2017 CreateTime timestamps and reads them back', async () => {
    const topic = unique('rec-2017');
    const ts = Date.UTC(2017, 4, 1);
    await producer.send({ topic, messages: [0, 1, 2].map((i) => ({ value: `old${i}`, timestamp: String(ts + i) })) });
    const out = await kcat(target.bootstrap, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '3', '-f', '%o %T %s\n']);
    expect(out.trim().split('\n')).toEqual([`0 ${ts} old0`, `1 ${ts + 1} old1`, `2 ${ts + 2} old2`]);
    const { batches } = await fetchBatches(topic);
    expect(batches[0].maxTimestamp).toBe(ts + 2);
  });

  it('a kafkajs consumer group reads 2017 records back', async () => {
    // Real clock: the group's join and the consumer's fetch long polls run on the broker's timers,
    // so on Tandem this test gets its own real-clock process.
    const live = target.oracle ? target : await startKafkaTarget({ realClock: true });
    try {
      const kafka = new Kafka({ clientId: 'records-live', brokers: [live.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
      const topic = unique('rec-2017-group');
      const ts = Date.UTC(2017, 4, 1);
      const p = kafka.producer();
      await p.connect();
      await p.send({ topic, messages: [0, 1, 2].map((i) => ({ key: `k${i}`, value: `old${i}`, timestamp: String(ts + i) })) });
      await p.disconnect();
      const consumer = kafka.consumer({ groupId: unique('rec-2017-g') });
      const seen: { offset: string; value: string; timestamp: string }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push({ offset: message.offset, value: message.value!.toString(), timestamp: message.timestamp });
            if (seen.length === 3) resolve();
          },
        });
      });
      await consumer.disconnect();
      expect(seen).toEqual([0, 1, 2].map((i) => ({ offset: String(i), value: `old${i}`, timestamp: String(ts + i) })));
    } finally {
      if (live !== target) await live.stop();
    }
  }, 60_000);

  describe('odd batches, answered field by field as Kafka does', () => {
    const T = Date.now() - 1000;
    const produce = async (topic: string, records: Buffer) =>
      (await raw.call(PRODUCE, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] })).body
        .responses[0].partitionResponses[0];
    const refused = (errorCode: number, extra = {}) => ({ errorCode, baseOffset: -1, logStartOffset: 0, recordErrors: [], errorMessage: null, ...extra });

    it('CreateTime topic: maxTimestamp recomputed, LogAppendTime flag cleared, skewed inner offsets kept or refused', async () => {
      const topic = unique('rec-odd');
      expect(await create(topic)).toMatchObject({ errorCode: 0 });
      // Batch-level refusals carry no errorMessage (Kafka only explains per-record errors).
      expect(await produce(topic, encodeBatch({ records: [{ value: 'a', timestamp: T }], baseOffset: 7 }))).toMatchObject(refused(ERR.INVALID_RECORD));
      expect(await produce(topic, encodeBatch({ records: [{ value: 'a', timestamp: T }], producerId: 5, producerEpoch: 0, baseSequence: -1 }))).toMatchObject(refused(ERR.INVALID_RECORD));
      const skewed = (compression: number) => encodeBatch({ records: ['c', 'd'].map((v, i) => ({ value: v, timestamp: T, offsetDelta: i * 5 })), compression });
      expect(await produce(topic, skewed(1))).toMatchObject(refused(ERR.UNKNOWN_SERVER_ERROR));

      expect(await produce(topic, encodeBatch({ records: [{ value: 'a', timestamp: T }, { value: 'b', timestamp: T + 5 }], maxTimestamp: -1 }))).toMatchObject({ errorCode: 0, baseOffset: 0 });
      expect(await produce(topic, skewed(0))).toMatchObject({ errorCode: 0, baseOffset: 2 });
      expect(await produce(topic, encodeBatch({ records: [{ value: 'g', timestamp: T }], timestampType: 1 }))).toMatchObject({ errorCode: 0, baseOffset: 4 });
      const { batches } = await fetchBatches(topic);
      expect(batches.map((b) => ({ base: b.baseOffset, type: b.timestampType, max: b.maxTimestamp, offsets: b.records.map((r) => r.offset) }))).toEqual([
        { base: 0, type: 0, max: T + 5, offsets: [0, 1] },
        // Uncompressed: stored as sent, inner offsets and all.
        { base: 2, type: 0, max: T, offsets: [2, 7] },
        { base: 4, type: 0, max: T, offsets: [4] },
      ]);
    });

    it('compacted and LogAppendTime topics refuse records one by one, with recordErrors and a message', async () => {
      const compacted = unique('rec-compact');
      expect(await create(compacted, [{ name: 'cleanup.policy', value: 'compact' }])).toMatchObject({ errorCode: 0 });
      const why = `Compacted topic cannot accept message without key in topic partition ${compacted}-0`;
      expect(await produce(compacted, encodeBatch({ records: [{ key: 'k', value: 'a', timestamp: T }, { value: 'b', timestamp: T }] }))).toMatchObject(
        refused(ERR.INVALID_RECORD, {
          recordErrors: [{ batchIndex: 1, batchIndexErrorMessage: why }],
          errorMessage: `One or more records have been rejected due to 1 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=1, message='${why}')]`,
        }),
      );
      const lat = unique('rec-lat');
      expect(await create(lat, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }])).toMatchObject({ errorCode: 0 });
      expect(await produce(lat, encodeBatch({ records: [{ value: 'g', timestamp: T }], timestampType: 1 }))).toMatchObject(
        refused(ERR.INVALID_TIMESTAMP, {
          recordErrors: [
            {
              batchIndex: 0,
              batchIndexErrorMessage: `Invalid timestamp type in message DefaultRecord(offset=0, timestamp=${T}, key=0 bytes, value=1 bytes). Producer should not set timestamp type to LogAppendTime.`,
            },
          ],
          errorMessage: 'One or more records have been rejected due to invalid timestamp',
        }),
      );
    });
  });

  describe('corrupt batches', () => {
    const produce = async (topic: string, records: Buffer) =>
      (await raw.call(PRODUCE, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] })).body
        .responses[0].partitionResponses[0];
    /** Re-seal a hand-edited batch: length and CRC right, so only the edit is wrong. */
    const seal = (b: Buffer) => {
      b.writeInt32BE(b.length - 12, 8);
      b.writeUInt32BE(crc32c(b, 21, b.length), 17);
      return b;
    };
    const good = (values: string[]) => encodeBatch({ records: values.map((v) => ({ value: v, timestamp: Date.now() })) });

    it('refuses them without storing, and the log stays readable by kcat and kafka-python', async () => {
      const topic = unique('rec-corrupt');
      await producer.send({ topic, messages: [{ value: 'first' }] });

      // Three records declared (lastOffsetDelta 2), two present: premature EOF.
      const short = good(['a', 'b', 'c']);
      const firstRecordEnd = 61 + 1 + short[61] / 2;
      const secondRecordEnd = firstRecordEnd + 1 + short[firstRecordEnd] / 2;
      const missing = seal(Buffer.from(short.subarray(0, secondRecordEnd)));
      // Two records, lastOffsetDelta 0: count and offset range disagree.
      const mismatch = good(['a', 'b']);
      mismatch.writeInt32BE(0, 23);
      seal(mismatch);
      // A timestamp delta varint that never ends inside the record.
      const badVarint = good(['abcdefghijkl']);
      badVarint.fill(0xff, 63, 63 + 11);
      seal(badVarint);
      // The gzip codec bit over bytes that are not gzip.
      const garbage = good(['zz']);
      garbage.writeInt16BE(1, 21);
      garbage.fill(0x5a, 61);
      seal(garbage);

      expect(await produce(topic, missing)).toMatchObject({ errorCode: ERR.INVALID_RECORD, baseOffset: -1 });
      expect(await produce(topic, mismatch)).toMatchObject({ errorCode: ERR.INVALID_RECORD, baseOffset: -1 });
      expect(await produce(topic, badVarint)).toMatchObject({ errorCode: ERR.INVALID_RECORD, baseOffset: -1 });
      expect(await produce(topic, garbage)).toMatchObject({ errorCode: ERR.UNKNOWN_SERVER_ERROR, baseOffset: -1 });

      expect(await produce(topic, good(['second', 'third']))).toMatchObject({ errorCode: 0, baseOffset: 1 });
      const viaKcat = await kcat(target.bootstrap, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '3', '-f', '%o %s\n']);
      expect(viaKcat.trim().split('\n')).toEqual(['0 first', '1 second', '2 third']);
      const viaPython = await python<{ records: { offset: number; value: string }[] }>('records_client.py', ['consume', target.bootstrap, topic, '3']);
      expect(viaPython.records.map((r) => [r.offset, r.value])).toEqual([
        [0, 'first'],
        [1, 'second'],
        [2, 'third'],
      ]);
    });
  });
});
