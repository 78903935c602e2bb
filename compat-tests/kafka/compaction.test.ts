/**
 * Log compaction (cleanup.policy=compact) with real clients: kafkajs and kcat (librdkafka, zstd)
 * produce keyed records and tombstones, time passes, and fresh consumers from the beginning read
 * exactly the newest record per key at its original offset; tombstones go after
 * delete.retention.ms; a kafkajs transactional producer's aborted records are cleaned away and
 * its emptied ABORT marker removed, as Kafka's cleaner does. Runs on the oracle too: there time
 * really passes (a few hundred ms) and its cleaner runs every 100 ms (log.cleaner.backoff.ms in
 * scripts/oracle/kafka.sh); on Tandem the test moves the manual clock past the cleaner's 15 s
 * interval. The restart and kill -9 cases are in compaction-restart.test.ts (Tandem-only).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { decodeBatches } from '../../kafka-shim/src/records/index.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { createTopics, eventually, startKafkaTarget, topicReady, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { kcat } from './clients.js';

const FETCH = 1;
const SEGMENT_MS = 100;
const DELETE_RETENTION_MS = 1000;
/** Tandem's default kafka.logCleanerBackoffMs (Kafka's log.cleaner.backoff.ms). */
const CLEANER_BACKOFF_MS = 15_000;

/** A fresh consumer group name (unique() only makes names unique per oracle run). */
let groups = 0;
const freshGroup = () => unique(`compaction-g${++groups}`);

const compactConfigs = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'segment.ms', value: String(SEGMENT_MS) },
  { name: 'min.cleanable.dirty.ratio', value: '0.01' },
  { name: 'delete.retention.ms', value: String(DELETE_RETENTION_MS) },
  // Segments roll by record timestamps; producers stamp their machine's time, which Tandem's manual
  // clock does not follow. Broker-stamped timestamps make segment.ms count the clock the test moves.
  { name: 'message.timestamp.type', value: 'LogAppendTime' },
];

describe('log compaction with real clients', () => {
  let target: KafkaTarget;
  let kafka: Kafka;
  let raw: RawClient;
  beforeAll(async () => {
    target = await startKafkaTarget();
    kafka = new Kafka({ clientId: 'compaction', brokers: [target.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
    raw = await RawClient.connect(Number(target.bootstrap.split(':').at(-1)));
  });
  afterAll(async () => {
    raw.close();
    await target.stop();
  });

  /** Let `ms` pass: the manual clock on Tandem, real time on the oracle. */
  const pass = async (ms: number) => {
    if (target.emulator) await target.emulator.advance(ms);
    else await delay(ms);
  };
  /** Roll the active segment (segment.ms has passed when the next record comes) with one record. */
  const roll = async (send: () => Promise<unknown>) => {
    await pass(SEGMENT_MS * 2);
    await send();
  };
  const cleanerRuns = () => pass(target.emulator ? CLEANER_BACKOFF_MS : 0);

  /** The first `n` records from the beginning through kcat (never waits: the log holds at least n). */
  const kcatRead = async (topic: string, n: number) =>
    (await kcat(target.bootstrap, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', String(n), '-Z', '-f', '%k=%s@%o\n'])).trim().split('\n');

  /** Every record up to offset `last`, through a fresh kafkajs consumer group from the beginning. */
  async function consumeAll(topic: string, last: number, readUncommitted = false): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: freshGroup(), maxWaitTimeInMs: 100, readUncommitted });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(`${message.key}=${message.value === null ? 'NULL' : message.value.toString()}@${message.offset}`);
          if (Number(message.offset) >= last) resolve();
        },
      });
    });
    const stopping = consumer.disconnect();
    // On the manual clock, its next fetch waits until the clock passes its max wait.
    if (target.emulator) await target.emulator.advance(200);
    await stopping;
    return seen;
  }

  /** Base offset and codec of each stored batch that holds records (Fetch v11, raw). */
  async function storedCodecs(topic: string): Promise<[number, number][]> {
    const body = {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 8 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 8 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    };
    const p = (await raw.call(FETCH, 11, body)).body.responses[0].partitions[0];
    return decodeBatches(p.records ?? Buffer.alloc(0)).filter((b) => b.records.length > 0).map((b) => [b.baseOffset, b.compression]);
  }

  it('kafkajs: keyed records and a tombstone compact to the newest value per key at its offset; the tombstone goes after delete.retention.ms', async () => {
    const topic = unique('compact-kjs');
    const admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [{ topic, numPartitions: 1, configEntries: compactConfigs }]);
    await topicReady(admin, topic, 1);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const send = (messages: { key: string; value: string | null }[]) => producer.send({ topic, acks: -1, messages });
    await send([{ key: 'k1', value: 'a' }, { key: 'k2', value: 'a' }, { key: 'k3', value: 'a' }]);
    await send([{ key: 'k1', value: 'b' }, { key: 'k2', value: null }]);
    await roll(() => send([{ key: 'k4', value: 'a' }]));
    await cleanerRuns();
    const compacted = ['k3=a@2', 'k1=b@3', 'k2=NULL@4', 'k4=a@5'];
    await eventually(() => kcatRead(topic, 4), (got) => got.join() === compacted.join());
    expect(await consumeAll(topic, 5)).toEqual(compacted);

    // Past delete.retention.ms, the next clean (new dirty segments) removes the tombstone.
    await pass(DELETE_RETENTION_MS + 200);
    await send([{ key: 'k5', value: 'a' }]);
    await roll(() => send([{ key: 'k6', value: 'a' }]));
    await cleanerRuns();
    const cleaned = ['k3=a@2', 'k1=b@3', 'k4=a@5', 'k5=a@6', 'k6=a@7'];
    await eventually(() => kcatRead(topic, 5), (got) => got.join() === cleaned.join());
    expect(await consumeAll(topic, 7)).toEqual(cleaned);
    await producer.disconnect();
  }, 60_000);

  /** Every stored batch (raw Fetch v11, read_uncommitted), fetching on: Kafka answers from one segment at a time. */
  async function storedBatches(topic: string) {
    const out: ReturnType<typeof decodeBatches> = [];
    for (let offset = 0; ; ) {
      const body = {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 8 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 8 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      };
      const p = (await raw.call(FETCH, 11, body)).body.responses[0].partitions[0];
      const batches = decodeBatches(p.records ?? Buffer.alloc(0));
      if (batches.length === 0) return out;
      out.push(...batches);
      const last = batches.at(-1)!;
      offset = last.baseOffset + last.lastOffsetDelta + 1;
      if (offset >= Number(p.highWatermark)) return out;
    }
  }
  /** Offset and kind of each stored transaction marker. */
  const storedMarkers = async (topic: string) =>
    (await storedBatches(topic)).filter((b) => b.isControl && b.records.length > 0).map((b) => `${b.records[0].key!.readInt16BE(2) === 1 ? 'COMMIT' : 'ABORT'}@${b.baseOffset}`);
  /** Every stored data record, aborted or not. */
  const storedRecords = async (topic: string) =>
    (await storedBatches(topic)).filter((b) => !b.isControl).flatMap((b) => b.records.map((r) => `${r.key}=${r.value}@${r.offset}`));

  it('kafkajs transactions: aborted records are cleaned away, committed ones compact like others, an emptied ABORT marker goes after delete.retention.ms', async () => {
    const topic = unique('compact-txn');
    const admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [{ topic, numPartitions: 1, configEntries: compactConfigs }]);
    await topicReady(admin, topic, 1);
    await admin.disconnect();
    const tx = kafka.producer({ transactionalId: unique('compact-tx'), idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    const inTxn = async (messages: { key: string; value: string }[], commit: boolean) => {
      const t = await tx.transaction();
      await t.send({ topic, acks: -1, messages: messages.map((m) => ({ ...m, partition: 0 })) });
      await (commit ? t.commit() : t.abort());
    };
    const plain = kafka.producer();
    await plain.connect();
    const send = (key: string) => plain.send({ topic, acks: -1, messages: [{ key, value: 'a', partition: 0 }] });
    await inTxn([{ key: 'k1', value: 'a' }, { key: 'k2', value: 'a' }], true); // 0-1, COMMIT@2
    await inTxn([{ key: 'k1', value: 'bad' }, { key: 'k3', value: 'bad' }], false); // 3-4, ABORT@5
    await inTxn([{ key: 'k2', value: 'b' }], true); // 6, COMMIT@7
    await eventually(() => storedMarkers(topic), (got) => got.join() === 'COMMIT@2,ABORT@5,COMMIT@7');
    await roll(() => send('k4')); // 8
    await cleanerRuns();
    // The aborted k1=bad is not the newest k1 (k1=a stays) and is gone for read_uncommitted too.
    const compacted = ['k1=a@0', 'k2=b@6', 'k4=a@8'];
    await eventually(() => storedRecords(topic), (got) => got.join() === compacted.join());
    expect(await consumeAll(topic, 8, true)).toEqual(compacted);
    expect(await consumeAll(topic, 8)).toEqual(compacted);

    // With the aborted data gone, a later clean gives the ABORT marker a delete horizon and the
    // first clean past it removes the marker; COMMIT markers of transactions with data stay.
    await pass(SEGMENT_MS * 2);
    await send('k5');
    await roll(() => send('k6'));
    await cleanerRuns();
    await pass(DELETE_RETENTION_MS + 200);
    await send('k7');
    await roll(() => send('k8'));
    await cleanerRuns();
    await eventually(() => storedMarkers(topic), (got) => got.join() === 'COMMIT@2,COMMIT@7');
    expect(await consumeAll(topic, 12, true)).toEqual([...compacted, 'k5=a@9', 'k6=a@10', 'k7=a@11', 'k8=a@12']);
    await tx.disconnect();
    await plain.disconnect();
  }, 60_000);

  it('kcat (librdkafka) zstd: the cleaned batch stays zstd, offsets kept', async () => {
    const topic = unique('compact-zstd');
    const admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [{ topic, numPartitions: 1, configEntries: compactConfigs }]);
    await topicReady(admin, topic, 1);
    await admin.disconnect();
    const produce = (lines: string) => kcat(target.bootstrap, ['-P', '-t', topic, '-p', '0', '-z', 'zstd', '-K:', '-Z', '-X', 'linger.ms=50'], lines);
    // Values long enough that librdkafka compresses (it sends a batch uncompressed when zstd would not shrink it).
    const v = (s: string) => s + '.'.repeat(300);
    await produce(`k1:${v('a')}\nk2:${v('a')}\nk1:${v('b')}\nk3:${v('a')}\nk2:\n`);
    expect(await storedCodecs(topic)).toEqual([[0, 4]]);
    await roll(() => produce('k9:roll\n'));
    await cleanerRuns();
    const compacted = [`k1=${v('b')}@2`, `k3=${v('a')}@3`, 'k2=NULL@4', 'k9=roll@5'];
    await eventually(() => kcatRead(topic, 4), (got) => got.join() === compacted.join());
    // The rewritten batch keeps its base offset and its codec.
    expect((await storedCodecs(topic))[0]).toEqual([0, 4]);
  }, 60_000);
});
