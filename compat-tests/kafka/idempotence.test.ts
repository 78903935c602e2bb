/**
 * The idempotent producer on the wire: InitProducerId at every version, and the broker's
 * per-(producer, partition) sequence rules as raw Produce requests exercise them — a retried batch
 * gets its original offset and is not written again, a gap is OUT_OF_ORDER_SEQUENCE_NUMBER, an
 * older epoch INVALID_PRODUCER_EPOCH, a transactional id's re-init fences the previous epoch.
 * Clients never show these answers (they retry or fail), hence raw requests. The first suite runs
 * on Tandem and on the Kafka oracle; the kill -9 suite needs Tandem (it kills the process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { Kafka, logLevel } from 'kafkajs';
import { decodeBatches, encodeBatch } from '../../kafka-shim/src/records/batch.js';
import { Emulator } from '../harness/emulator.js';
import { createTopics, startKafkaTarget, tandemOnly, unique, type KafkaTarget } from '../harness/kafka-target.js';

const NONE = 0;
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const INVALID_PRODUCER_EPOCH = 47;
const INVALID_REQUEST = 42;
const INVALID_TRANSACTION_TIMEOUT = 50;
const PRODUCER_FENCED = 90;
/** What a coordinator still loading answers (the oracle's __transaction_state at first use). */
const RETRIABLE = new Set([14, 15, 16, 51]);

interface Batch {
  producerId: number;
  epoch: number;
  seq: number;
  values: string[];
}

const TS = Date.now();
const batch = (b: Batch) =>
  encodeBatch({ producerId: b.producerId, producerEpoch: b.epoch, baseSequence: b.seq, records: b.values.map((value, i) => ({ value, timestamp: TS + b.seq + i })) });

/** InitProducerId, retried while the coordinator is not ready (only the oracle ever is not). */
async function initProducerId(c: RawClient, version: number, body: { transactionalId?: string | null; transactionTimeoutMs?: number; producerId?: number; producerEpoch?: number } = {}) {
  for (let i = 0; ; i++) {
    const res = (await c.call(22, version, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1, ...body })).body;
    if (!RETRIABLE.has(res.errorCode) || i === 50) return res as { errorCode: number; producerId: number; producerEpoch: number };
    await delay(200);
  }
}

async function produce(c: RawClient, topic: string, records: Buffer, version = 9) {
  const res = await c.call(0, version, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  const p = res.body.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode as number, baseOffset: Number(p.baseOffset), logAppendTimeMs: Number(p.logAppendTimeMs) };
}

async function highWatermark(c: RawClient, topic: string): Promise<number> {
  const res = await c.call(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }], timeoutMs: 0 });
  return Number(res.body.topics[0].partitions[0].offset);
}

/** Create a one-partition topic and wait until it takes writes (the oracle's leader comes a moment later). */
async function createTopic(c: RawClient, topic: string): Promise<void> {
  const created = await c.call(19, 5, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(created.body.topics[0].errorCode).toBe(NONE);
  for (let i = 0; i < 50; i++) {
    const res = await c.call(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }], timeoutMs: 0 });
    if (res.body.topics[0].partitions[0].errorCode === NONE) return;
    await delay(100);
  }
}

describe('idempotent producer on the wire', () => {
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

  it('InitProducerId v0-5 without a transactional id: a fresh producer id with epoch 0 each time; half an id/epoch pair is INVALID_REQUEST', async () => {
    const ids: number[] = [];
    for (let v = 0; v <= 5; v++) {
      const r = await initProducerId(c, v);
      expect({ v, errorCode: r.errorCode, epoch: r.producerEpoch }).toEqual({ v, errorCode: NONE, epoch: 0 });
      ids.push(r.producerId);
    }
    expect(new Set(ids).size).toBe(6);
    for (const id of ids) expect(id).toBeGreaterThanOrEqual(0);
    // KIP-360 resume with an id and epoch: without a transactional id, simply a new id.
    const resumed = await initProducerId(c, 4, { producerId: ids[5], producerEpoch: 0 });
    expect(resumed.errorCode).toBe(NONE);
    expect(ids).not.toContain(resumed.producerId);
    expect((await initProducerId(c, 4, { producerId: ids[5] })).errorCode).toBe(INVALID_REQUEST);
  });

  it('a retried batch gets its original offset and is not written again; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const topic = unique('idem-dup');
    await createTopic(c, topic);
    const { producerId } = await initProducerId(c, 5);
    const first = batch({ producerId, epoch: 0, seq: 0, values: ['a', 'b', 'c'] });
    const second = batch({ producerId, epoch: 0, seq: 3, values: ['d', 'e'] });
    expect(await produce(c, topic, first)).toEqual({ errorCode: NONE, baseOffset: 0, logAppendTimeMs: -1 });
    expect(await produce(c, topic, second)).toEqual({ errorCode: NONE, baseOffset: 3, logAppendTimeMs: -1 });
    // Kafka answers a duplicate with the original batch's timestamp in logAppendTimeMs.
    expect(await produce(c, topic, first)).toEqual({ errorCode: NONE, baseOffset: 0, logAppendTimeMs: TS + 2 });
    expect(await produce(c, topic, second, 11)).toEqual({ errorCode: NONE, baseOffset: 3, logAppendTimeMs: TS + 4 });
    expect(await highWatermark(c, topic)).toBe(5);
    // Same first sequence, different last: not a duplicate, and not in sequence.
    expect((await produce(c, topic, batch({ producerId, epoch: 0, seq: 3, values: ['x'] }))).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produce(c, topic, batch({ producerId, epoch: 0, seq: 6, values: ['gap'] }))).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produce(c, topic, batch({ producerId, epoch: 0, seq: 5, values: ['f'] }))).baseOffset).toBe(5);
    expect(await highWatermark(c, topic)).toBe(6);
  });

  it('a producer the partition has not seen may start at any sequence; a bumped epoch restarts at 0 and fences the older one', async () => {
    const topic = unique('idem-epoch');
    await createTopic(c, topic);
    const { producerId } = await initProducerId(c, 5);
    expect(await produce(c, topic, batch({ producerId, epoch: 0, seq: 7, values: ['a'] }))).toMatchObject({ errorCode: NONE, baseOffset: 0 });
    // The idempotent client bumps its epoch itself after an error; a new epoch must start at 0.
    expect((await produce(c, topic, batch({ producerId, epoch: 1, seq: 8, values: ['b'] }))).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await produce(c, topic, batch({ producerId, epoch: 1, seq: 0, values: ['b'] }))).toMatchObject({ errorCode: NONE, baseOffset: 1 });
    for (const v of [3, 9]) {
      expect((await produce(c, topic, batch({ producerId, epoch: 0, seq: 8, values: ['old'] }), v)).errorCode).toBe(INVALID_PRODUCER_EPOCH);
    }
    expect(await highWatermark(c, topic)).toBe(2);
  });

  it('pipelined batches of one producer are appended in order', async () => {
    const topic = unique('idem-pipe');
    await createTopic(c, topic);
    const { producerId } = await initProducerId(c, 5);
    const frames = Array.from({ length: 5 }, (_, i) =>
      c.frame(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch({ producerId, epoch: 0, seq: i * 2, values: [`v${i}a`, `v${i}b`] }) }] }] }),
    );
    c.write(Buffer.concat(frames.map((f) => f.bytes)));
    const { decodeResponse } = await import('../../kafka-shim/src/protocol/messages.js');
    const offsets: number[] = [];
    for (let i = 0; i < 5; i++) {
      const p = decodeResponse(0, 9, (await c.next())!).body.responses[0].partitionResponses[0];
      expect(p.errorCode).toBe(NONE);
      offsets.push(Number(p.baseOffset));
    }
    expect(offsets).toEqual([0, 2, 4, 6, 8]);
  });

  it('a transactional id keeps its producer id and bumps the epoch at every InitProducerId, fencing the previous one', async () => {
    const txn = unique('idem-txn');
    // As clients do: find the transaction coordinator first (on Kafka this creates __transaction_state).
    for (let i = 0; i < 50; i++) {
      const found = await c.call(10, 4, { key: '', keyType: 1, coordinatorKeys: [txn] });
      if (found.body.coordinators[0].errorCode === NONE) break;
      await delay(200);
    }
    const a = await initProducerId(c, 4, { transactionalId: txn });
    expect(a.errorCode).toBe(NONE);
    const b = await initProducerId(c, 4, { transactionalId: txn });
    // toMatchObject: the decoder fills v6's ongoingTxn fields with their defaults at v4.
    expect(b).toMatchObject({ throttleTimeMs: 0, errorCode: NONE, producerId: a.producerId, producerEpoch: a.producerEpoch + 1 });
    // The fenced producer resuming with its old epoch (KIP-360): PRODUCER_FENCED, INVALID_PRODUCER_EPOCH before v4.
    expect((await initProducerId(c, 4, { transactionalId: txn, producerId: a.producerId, producerEpoch: a.producerEpoch })).errorCode).toBe(PRODUCER_FENCED);
    expect((await initProducerId(c, 3, { transactionalId: txn, producerId: a.producerId, producerEpoch: a.producerEpoch })).errorCode).toBe(INVALID_PRODUCER_EPOCH);
    // The current producer resuming bumps once; resending that request (a lost response) does not bump again.
    const bumped = await initProducerId(c, 5, { transactionalId: txn, producerId: b.producerId, producerEpoch: b.producerEpoch });
    expect(bumped).toMatchObject({ errorCode: NONE, producerId: a.producerId, producerEpoch: b.producerEpoch + 1 });
    expect(await initProducerId(c, 5, { transactionalId: txn, producerId: b.producerId, producerEpoch: b.producerEpoch })).toMatchObject({ errorCode: NONE, producerEpoch: b.producerEpoch + 1 });
    expect((await initProducerId(c, 4, { transactionalId: '' })).errorCode).toBe(INVALID_REQUEST);
    expect((await initProducerId(c, 4, { transactionalId: txn, transactionTimeoutMs: 0 })).errorCode).toBe(INVALID_TRANSACTION_TIMEOUT);
    expect((await initProducerId(c, 4, { transactionalId: txn, transactionTimeoutMs: 900_001 })).errorCode).toBe(INVALID_TRANSACTION_TIMEOUT);
  });
});

describe('kafkajs idempotent producer', () => {
  let target: KafkaTarget;
  beforeAll(async () => {
    target = await startKafkaTarget();
  });
  afterAll(async () => {
    await target.stop();
  });

  it('idempotent: true gets a producer id and its sequenced batches are stored once each', async () => {
    const topic = unique('idem-kafkajs');
    const kafka = new Kafka({ clientId: 'idem', brokers: [target.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [{ topic, numPartitions: 2 }]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = [];
    for (let i = 0; i < 4; i++) sent.push(...(await producer.send({ topic, acks: -1, messages: [0, 1].map((p) => ({ partition: p, value: `v${i}-${p}` })) })));
    // One answer per partition and send (in the order the broker lists partitions).
    const answers = sent.map((r) => `${r.partition}:${r.errorCode}:${r.baseOffset}`).sort();
    expect(answers).toEqual(['0:0:0', '0:0:1', '0:0:2', '0:0:3', '1:0:0', '1:0:1', '1:0:2', '1:0:3']);
    expect((await admin.fetchTopicOffsets(topic)).map((o) => o.high).sort()).toEqual(['4', '4']);
    // The batches carry the producer id and consecutive sequences (read back raw).
    const raw = await RawClient.connectTo(target.bootstrap);
    const fetched = await raw.call(1, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic, topicId: '00000000-0000-0000-0000-000000000000', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' });
    raw.close();
    const batches = decodeBatches(fetched.body.responses[0].partitions[0].records);
    expect(batches.map((b) => [b.producerEpoch, b.baseSequence])).toEqual([[0, 0], [0, 1], [0, 2], [0, 3]]);
    expect(new Set(batches.map((b) => b.producerId)).size).toBe(1);
    expect(Number(batches[0].producerId)).toBeGreaterThanOrEqual(0);
    await producer.disconnect();
    await admin.disconnect();
  });
});

// Kills the Tandem process with SIGKILL and restarts it on the same data dir (its own dir, so
// the in-memory pass of scripts/test.sh runs it on disk too).
tandemOnly('idempotent producer state across kill -9', () => {
  it('keeps sequence state, producer id allocation and transactional epochs', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-idem-'));
    let emu = await Emulator.start({ dataDir });
    let raw = await RawClient.connectTo(emu.kafkaBroker);
    try {
      await createTopic(raw, 'idem-durable');
      const { producerId } = await initProducerId(raw, 5);
      const txn = await initProducerId(raw, 5, { transactionalId: 'durable-txn' });
      const sent: Buffer[] = [];
      for (let i = 0; i < 7; i++) {
        sent.push(batch({ producerId, epoch: 0, seq: i, values: [`m${i}`] }));
        expect((await produce(raw, 'idem-durable', sent[i])).baseOffset).toBe(i);
      }
      await emu.kill9();
      raw.close();
      emu = await emu.restart();
      raw = await RawClient.connectTo(emu.kafkaBroker);

      // The last 5 batches are still recognised, the ones before them are too old to be retried.
      expect(await produce(raw, 'idem-durable', sent[2])).toMatchObject({ errorCode: NONE, baseOffset: 2 });
      expect(await produce(raw, 'idem-durable', sent[6])).toMatchObject({ errorCode: NONE, baseOffset: 6 });
      expect((await produce(raw, 'idem-durable', sent[1])).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
      expect((await produce(raw, 'idem-durable', batch({ producerId, epoch: 0, seq: 9, values: ['gap'] }))).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
      expect(await produce(raw, 'idem-durable', batch({ producerId, epoch: 0, seq: 7, values: ['next'] }))).toMatchObject({ errorCode: NONE, baseOffset: 7 });
      expect(await highWatermark(raw, 'idem-durable')).toBe(8);

      const fresh = await initProducerId(raw, 5);
      expect(fresh.producerId).toBeGreaterThan(Math.max(producerId, txn.producerId));
      expect(await initProducerId(raw, 5, { transactionalId: 'durable-txn' })).toMatchObject({ errorCode: NONE, producerId: txn.producerId, producerEpoch: txn.producerEpoch + 1 });
    } finally {
      raw.close();
      await emu.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
