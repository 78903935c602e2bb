/**
 * Transactions with kafkajs 2.2.4 (its transactional producer and read_committed consumer) and,
 * where a client hides the broker's answer, raw requests: commit and abort with markers, the last
 * stable offset in ListOffsets and Fetch, offsets committed by a transaction becoming visible
 * only on commit (consume-transform-produce), and a second producer with the same
 * transactional.id fencing the first. Runs on Tandem and on the Kafka oracle; the restart suites
 * need Tandem (the manual clock, kill -9).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { decodeBatches } from '../../kafka-shim/src/records/batch.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { Emulator } from '../harness/emulator.js';
import { createTopics, eventually, startKafkaTarget, tandemOnly, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

async function listLatest(c: RawClient, topic: string, isolationLevel: number): Promise<number> {
  const res = await c.call(2, 7, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
  return Number(res.body.topics[0].partitions[0].offset);
}

/** One Fetch v11 of partition 0 from `offset`: the partition's answer and its records' values (control batches apart). */
async function fetchAt(c: RawClient, topic: string, offset: number, isolationLevel: number) {
  const res = await c.call(1, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const p = res.body.responses[0].partitions[0];
  const batches = decodeBatches(Buffer.isBuffer(p.records) ? p.records : Buffer.alloc(0));
  return {
    lastStableOffset: Number(p.lastStableOffset),
    highWatermark: Number(p.highWatermark),
    aborted: ((p.abortedTransactions ?? []) as { producerId: number; firstOffset: number }[]).map((a) => Number(a.firstOffset)),
    abortedByProducer: ((p.abortedTransactions ?? []) as { producerId: number; firstOffset: number }[]).map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })),
    data: batches.filter((b) => !(b.attributes & 0x20)).flatMap((b) => b.records.map((r) => ({ offset: r.offset, producerId: Number(b.producerId), value: r.value?.toString() }))),
    markers: batches.filter((b) => b.attributes & 0x20).map((b) => ({ offset: b.baseOffset, producerId: Number(b.producerId), commit: b.records[0].key!.readInt16BE(2) === 1 })),
  };
}

/** What a read_committed client keeps of a fetch: records of aborted transactions are dropped, from their first offset to the producer's ABORT marker. */
function committedValues(f: Awaited<ReturnType<typeof fetchAt>>): string[] {
  const dropped = (r: { offset: number; producerId: number }) =>
    f.abortedByProducer.some((a) => {
      const marker = f.markers.find((m) => m.producerId === a.producerId && !m.commit && m.offset > a.firstOffset);
      return a.producerId === r.producerId && r.offset >= a.firstOffset && (!marker || r.offset < marker.offset);
    });
  return f.data.filter((r) => !dropped(r)).map((r) => r.value!);
}

/** A kafkajs consumer reading `topic` from the start until `count` values arrived (then a moment more, to catch extras). */
async function consume(kafka: Kafka, topic: string, count: number, readUncommitted: boolean): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: unique(`read-${readUncommitted ? 'all' : 'committed'}`), readUncommitted, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
  while (values.length < count) await delay(20);
  await delay(500);
  await consumer.disconnect();
  return values;
}

describe('kafkajs transactions', () => {
  let target: KafkaTarget;
  let kafka: Kafka;
  let admin: Admin;
  let c: RawClient;
  const producers: Producer[] = [];
  const txProducer = async (transactionalId: string): Promise<Producer> => {
    const p = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    producers.push(p);
    await p.connect();
    return p;
  };

  beforeAll(async () => {
    // Real time: the consumers' group joins wait on the broker's clock.
    target = await startKafkaTarget({ realClock: true });
    kafka = new Kafka({ clientId: 'txn', brokers: [target.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 1000 } });
    admin = kafka.admin();
    await admin.connect();
    c = await RawClient.connectTo(target.bootstrap);
  });
  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => undefined);
    await admin.disconnect();
    c.close();
    await target.stop();
  });

  it('commit and abort: markers after each, read_committed sees only the committed records, read_uncommitted all of them', async () => {
    const topic = unique('txn-basic');
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    const producer = await txProducer(unique('tx-basic'));
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ partition: 0, value: 'a1' }, { partition: 0, value: 'a2' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ partition: 0, value: 'c1' }] });
    await committed.send({ topic, messages: [{ partition: 0, value: 'c2' }] });
    await committed.commit();

    // a1 a2 ABORT c1 c2 COMMIT. Kafka answers EndTxn once the outcome is logged and writes the
    // markers just after (Tandem before answering): the LSO reaches the end a moment later there.
    await eventually(() => listLatest(c, topic, READ_COMMITTED), (lso) => lso === 6);
    expect(await listLatest(c, topic, READ_UNCOMMITTED)).toBe(6);
    const all = await fetchAt(c, topic, 0, READ_COMMITTED);
    expect(all.markers.map(({ offset, commit }) => ({ offset, commit }))).toEqual([
      { offset: 2, commit: false },
      { offset: 5, commit: true },
    ]);
    expect(all.aborted).toEqual([0]);
    expect((await fetchAt(c, topic, 3, READ_COMMITTED)).aborted).toEqual([]);
    expect((await fetchAt(c, topic, 0, READ_UNCOMMITTED)).aborted).toEqual([]);

    expect(await consume(kafka, topic, 2, false)).toEqual(['c1', 'c2']);
    expect(await consume(kafka, topic, 4, true)).toEqual(['a1', 'a2', 'c1', 'c2']);
  });

  it('an open transaction holds the last stable offset: read_committed fetches stop there until the commit', async () => {
    const topic = unique('txn-lso');
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    const plain = kafka.producer();
    producers.push(plain);
    await plain.connect();
    await plain.send({ topic, messages: [{ partition: 0, value: 'before' }] });
    const producer = await txProducer(unique('tx-lso'));
    const tx = await producer.transaction();
    await tx.send({ topic, messages: [{ partition: 0, value: 'inside' }] });
    await plain.send({ topic, messages: [{ partition: 0, value: 'after' }] });

    expect(await listLatest(c, topic, READ_UNCOMMITTED)).toBe(3);
    expect(await listLatest(c, topic, READ_COMMITTED)).toBe(1);
    const open = await fetchAt(c, topic, 0, READ_COMMITTED);
    expect(open).toMatchObject({ lastStableOffset: 1, highWatermark: 3 });
    expect(open.data.map((r) => r.value)).toEqual(['before']);
    expect((await fetchAt(c, topic, 0, READ_UNCOMMITTED)).data.map((r) => r.value)).toEqual(['before', 'inside', 'after']);

    await tx.commit();
    const done = await eventually(() => fetchAt(c, topic, 0, READ_COMMITTED), (f) => f.lastStableOffset === f.highWatermark);
    expect(done).toMatchObject({ lastStableOffset: 4, highWatermark: 4 });
    expect(done.data.map((r) => r.value)).toEqual(['before', 'inside', 'after']);
  });

  it('consume-transform-produce: sendOffsets commits the group offsets with the transaction, an abort drops them', async () => {
    const input = unique('txn-in');
    const output = unique('txn-out');
    const group = unique('txn-group');
    await createTopics(admin, [
      { topic: input, numPartitions: 1 },
      { topic: output, numPartitions: 1 },
    ]);
    const producer = await txProducer(unique('tx-ctp'));
    const committedOffset = async () => (await admin.fetchOffsets({ groupId: group, topics: [input] }))[0].partitions[0].offset;

    const dropped = await producer.transaction();
    await dropped.send({ topic: output, messages: [{ partition: 0, value: 'X' }] });
    await dropped.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }] });
    await dropped.abort();
    expect(await committedOffset()).toBe('-1');

    const tx = await producer.transaction();
    await tx.send({ topic: output, messages: [{ partition: 0, value: 'A' }] });
    await tx.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '3' }] }] });
    expect(await committedOffset()).toBe('-1');
    await tx.commit();
    expect(await eventually(committedOffset, (o) => o === '3')).toBe('3');
    expect(await consume(kafka, output, 1, false)).toEqual(['A']);
  });

  it('a second producer with the same transactional.id aborts the first one\'s open transaction and fences it', async () => {
    const topic = unique('txn-fence');
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    const id = unique('tx-fence');
    const first = await txProducer(id);
    const zombie = await first.transaction();
    await zombie.send({ topic, messages: [{ partition: 0, value: 'zombie' }] });

    const second = await txProducer(id);
    const tx = await second.transaction();
    await tx.send({ topic, messages: [{ partition: 0, value: 'live' }] });
    await tx.commit();
    await expect(zombie.commit()).rejects.toMatchObject({ type: expect.stringMatching(/^(PRODUCER_FENCED|INVALID_PRODUCER_EPOCH)$/) });

    const read = await eventually(() => fetchAt(c, topic, 0, READ_COMMITTED), (f) => f.lastStableOffset === f.highWatermark);
    // zombie, ABORT (written when the second producer initialized), live, COMMIT
    expect(read.markers.map((m) => m.commit)).toEqual([false, true]);
    expect(read.aborted).toEqual([0]);
    expect(await consume(kafka, topic, 1, false)).toEqual(['live']);
  });
});

// The coordinator's answers where clients hide them (they retry or fail): raw requests.
describe('transaction coordinator on the wire', () => {
  let target: KafkaTarget;
  let c: RawClient;
  beforeAll(async () => {
    target = await startKafkaTarget();
    c = await RawClient.connectTo(target.bootstrap);
  });
  afterAll(async () => {
    c.close();
    await target.stop();
  });

  /** A call retried while the coordinator is loading or busy (only the oracle's first use). */
  const retrying = async (api: number, version: number, body: object, code: (b: any) => number) => {
    for (let i = 0; ; i++) {
      const res = (await c.call(api, version, body)).body;
      if (![14, 15, 16, 51].includes(code(res)) || i === 100) return res;
      await delay(100);
    }
  };

  it('AddPartitionsToTxn v3 and v5 (batched, verifyOnly), EndTxn and its errors by version', async () => {
    const topic = unique('txn-wire');
    const created = await c.call(19, 5, { topics: [{ name: topic, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(created.body.topics[0].errorCode).toBe(0);
    await eventually(() => listLatest(c, topic, READ_UNCOMMITTED), (o) => o === 0);
    const id = unique('tx-wire');
    const init = await retrying(22, 4, { transactionalId: id, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 }, (b) => b.errorCode);
    expect(init.errorCode).toBe(0);
    const { producerId, producerEpoch } = init;
    const endTxn = (version: number, body: object) => retrying(26, version, { transactionalId: id, producerId, producerEpoch, committed: true, ...body }, (b) => b.errorCode);
    const addV3 = (partitions: number[], extra: object = {}) =>
      retrying(24, 3, { v3AndBelowTransactionalId: id, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{ name: topic, partitions }], ...extra }, (b) => b.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode);
    // Kafka answers partitions in no particular order.
    const codes = (r: any) => r.resultsByTopicV3AndBelow.flatMap((t: any) => t.resultsByPartition.map((p: any) => [p.partitionIndex, p.partitionErrorCode])).sort((a: number[], b: number[]) => a[0] - b[0]);

    expect((await endTxn(3, {})).errorCode).toBe(48); // INVALID_TXN_STATE: nothing to end
    expect(codes(await addV3([0, 9]))).toEqual([[0, 55], [9, 3]]); // OPERATION_NOT_ATTEMPTED, UNKNOWN_TOPIC_OR_PARTITION
    expect(codes(await addV3([0], { v3AndBelowProducerEpoch: producerEpoch + 1 }))).toEqual([[0, 90]]); // PRODUCER_FENCED
    expect(codes(await addV3([0], { v3AndBelowProducerId: producerId + 1000 }))).toEqual([[0, 49]]); // INVALID_PRODUCER_ID_MAPPING
    expect(codes(await addV3([0]))).toEqual([[0, 0]]);

    // v5: several transactions per request; verifyOnly adds nothing and tells which partitions are in.
    const v5 = await c.call(24, 5, {
      transactions: [
        { transactionalId: id, producerId, producerEpoch, verifyOnly: true, topics: [{ name: topic, partitions: [0, 1] }] },
        { transactionalId: unique('tx-none'), producerId: 1_000_000, producerEpoch: 0, verifyOnly: true, topics: [{ name: topic, partitions: [0] }] },
      ],
    });
    const byTxn = Object.fromEntries(v5.body.resultsByTransaction.map((t: any) => [t.transactionalId, t.topicResults[0].resultsByPartition.map((p: any) => [p.partitionIndex, p.partitionErrorCode]).sort((a: number[], b: number[]) => a[0] - b[0])]));
    expect(v5.body.errorCode).toBe(0);
    expect(byTxn[id]).toEqual([[0, 0], [1, 120]]); // TRANSACTION_ABORTABLE: not in the transaction
    expect(Object.values(byTxn).find((v) => v !== byTxn[id])).toEqual([[0, 49]]);

    expect((await endTxn(1, { producerEpoch: producerEpoch + 1 })).errorCode).toBe(47); // INVALID_PRODUCER_EPOCH before v2
    expect((await endTxn(3, { producerEpoch: producerEpoch + 1 })).errorCode).toBe(90); // PRODUCER_FENCED
    expect((await endTxn(3, {})).errorCode).toBe(0);
    const retried = await endTxn(3, {});
    expect(retried.errorCode).toBe(0); // a retry of the completed commit
    expect((await endTxn(3, { committed: false })).errorCode).toBe(48);
  });
});

// Kafka's own tooling reads these; shapes are checked on Tandem and the oracle alike.
describe('transaction inspection APIs', () => {
  let target: KafkaTarget;
  let kafka: Kafka;
  let c: RawClient;
  beforeAll(async () => {
    target = await startKafkaTarget();
    kafka = new Kafka({ clientId: 'txn-inspect', brokers: [target.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 1000 } });
    c = await RawClient.connectTo(target.bootstrap);
  });
  afterAll(async () => {
    c.close();
    await target.stop();
  });

  it('DescribeTransactions, ListTransactions and DescribeProducers show an ongoing transaction, then its completion', async () => {
    const topic = unique('txn-inspect');
    const admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    await admin.disconnect();
    const id = unique('tx-inspect');
    const producer = kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const tx = await producer.transaction();
    await tx.send({ topic, messages: [{ partition: 0, value: 'v' }] });

    const described = (await c.call(65, 0, { transactionalIds: [id, unique('nobody')] })).body.transactionStates;
    expect(described[0]).toMatchObject({ errorCode: 0, transactionalId: id, transactionState: 'Ongoing', topics: [{ topic, partitions: [0] }] });
    expect(Number(described[0].transactionStartTimeMs)).toBeGreaterThan(0);
    expect(described[1]).toMatchObject({ errorCode: 105 });
    const producerId = Number(described[0].producerId);

    const listed = (await c.call(66, 1, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [producerId], durationFilter: -1 })).body;
    expect(listed).toMatchObject({ errorCode: 0, unknownStateFilters: ['Bogus'], transactionStates: [{ transactionalId: id, producerId, transactionState: 'Ongoing' }] });

    const producersOf = async () => (await c.call(61, 0, { topics: [{ name: topic, partitionIndexes: [0, 7] }] })).body.topics[0].partitions;
    const open = await producersOf();
    expect(open[0].activeProducers).toEqual([expect.objectContaining({ producerId, lastSequence: 0, currentTxnStartOffset: 0 })]);
    expect(open[1]).toMatchObject({ partitionIndex: 7, errorCode: 3 });

    await tx.commit();
    await producer.disconnect();
    const after = await eventually(async () => (await c.call(65, 0, { transactionalIds: [id] })).body.transactionStates[0], (t) => t.transactionState !== 'PrepareCommit');
    expect(after).toMatchObject({ transactionState: 'CompleteCommit', topics: [] });
    await eventually(producersOf, (ps) => ps[0].activeProducers[0]?.currentTxnStartOffset === -1);
    expect((await producersOf())[0].activeProducers).toEqual([expect.objectContaining({ producerId, currentTxnStartOffset: -1 })]);
  });
});

// Kills the Tandem process with SIGKILL in the middle of transactions and restarts it on the same
// data dir, then moves its manual clock past the transaction timeout: Tandem-only (kill -9 and the clock).
tandemOnly('transactions across kill -9', () => {
  it('an open transaction is aborted on timeout after the restart, an acknowledged commit stays; read_committed never sees a partial transaction', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-txn-'));
    let emu = await Emulator.start({ dataDir });
    const kafka = new Kafka({ clientId: 'crash', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
    const admin = kafka.admin();
    let c = await RawClient.connectTo(emu.kafkaBroker);
    try {
      await admin.connect();
      await createTopics(admin, [{ topic: 'crash', numPartitions: 1 }]);
      const open = kafka.producer({ transactionalId: 'crash-open', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 30_000 });
      const done = kafka.producer({ transactionalId: 'crash-done', idempotent: true, maxInFlightRequests: 1 });
      await open.connect();
      await done.connect();
      const partial = await open.transaction();
      await partial.send({ topic: 'crash', messages: [{ partition: 0, value: 'p1' }, { partition: 0, value: 'p2' }] });
      const whole = await done.transaction();
      await whole.send({ topic: 'crash', messages: [{ partition: 0, value: 'w1' }] });
      await whole.commit();
      await admin.disconnect();
      // SIGKILL with the producers still connected: they never hear again.
      await emu.kill9();
      c.close();
      emu = await emu.restart();
      c = await RawClient.connectTo(emu.kafkaBroker);

      // p1 p2 (open) w1 COMMIT: the LSO holds at the open transaction's first offset.
      const before = await fetchAt(c, 'crash', 0, READ_COMMITTED);
      expect(before).toMatchObject({ lastStableOffset: 0, highWatermark: 4 });
      expect(before.data).toEqual([]);
      expect((await c.call(65, 0, { transactionalIds: ['crash-open', 'crash-done'] })).body.transactionStates.map((t: { transactionState: string }) => t.transactionState)).toEqual(['Ongoing', 'CompleteCommit']);

      await emu.advance(30_000);
      await emu.advance(10_000);
      // The abort runs on the check that fired; its marker lands a moment later.
      const after = await eventually(() => fetchAt(c, 'crash', 0, READ_COMMITTED), (f) => f.lastStableOffset === f.highWatermark);
      expect(after).toMatchObject({ lastStableOffset: 5, highWatermark: 5 });
      expect(after.markers.map((m) => m.commit)).toEqual([true, false]);
      expect(after.aborted).toEqual([0]);
      expect(committedValues(after)).toEqual(['w1']);
      expect((await c.call(65, 0, { transactionalIds: ['crash-open'] })).body.transactionStates[0].transactionState).toBe('CompleteAbort');
    } finally {
      c.close();
      await emu.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
