/**
 * The data-plane and topic APIs over real sockets, at versions no target client exercises
 * (flexible encodings, topic ids) and for error paths clients hide.
 */
import { Emulator } from '../../../compat-tests/harness/emulator.js';
import { RawClient } from '../protocol/wire.js';
import { makeBatch as makeAnyBatch, type BatchOptions, type TestRecord } from './fixtures.js';

/** Batches stamped near the emulator's clock, so the default 7-day retention keeps them. */
const makeBatch = (records: TestRecord[], opts: BatchOptions = {}) => makeAnyBatch(records, { baseTimestamp: Date.now(), ...opts });

const PRODUCE = 0;
const FETCH = 1;
const LIST_OFFSETS = 2;
const METADATA = 3;
const CREATE_TOPICS = 19;
const DELETE_TOPICS = 20;
const DELETE_RECORDS = 21;
const DESCRIBE_CONFIGS = 32;
const CREATE_PARTITIONS = 37;
const INCREMENTAL_ALTER_CONFIGS = 44;
const DESCRIBE_CLUSTER = 60;

describe('Kafka data-plane APIs on the wire', () => {
  let emu: Emulator;
  let c: RawClient;
  beforeAll(async () => {
    emu = await Emulator.start();
    c = await RawClient.connect(emu.kafkaPort);
  });
  afterAll(async () => {
    c.close();
    await emu.stop();
  });

  const produce = async (topic: string, partition: number, records: Buffer, version = 9, acks = -1) =>
    (await c.call(PRODUCE, version, { acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] })).body
      .responses[0].partitionResponses[0];
  const fetchReq = (topic: string, fetchOffset: number, extra: object = {}) => ({
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
    ...extra,
  });

  it('Metadata: auto-creation, v0/v1 topic-list semantics, topic ids (v12) and bad names', async () => {
    const created = (await c.call(METADATA, 12, { topics: [{ name: 'meta-auto' }], allowAutoTopicCreation: true })).body;
    expect(created.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: emu.kafkaPort, rack: null }]);
    const t = created.topics[0];
    expect(t).toMatchObject({ errorCode: 0, name: 'meta-auto', isInternal: false });
    expect(t.partitions).toEqual([{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }]);
    const byId = (await c.call(METADATA, 12, { topics: [{ topicId: t.topicId, name: null }] })).body.topics[0];
    expect(byId.name).toBe('meta-auto');
    const unknownId = (await c.call(METADATA, 12, { topics: [{ topicId: '11111111-2222-4333-8444-555555555555', name: null }] })).body.topics[0];
    expect(unknownId.errorCode).toBe(100);
    const noCreate = (await c.call(METADATA, 12, { topics: [{ name: 'meta-none' }], allowAutoTopicCreation: false })).body.topics[0];
    expect(noCreate.errorCode).toBe(3);
    expect((await c.call(METADATA, 4, { topics: [{ name: 'bad name' }], allowAutoTopicCreation: true })).body.topics[0].errorCode).toBe(17);
    expect((await c.call(METADATA, 0, { topics: [] })).body.topics.map((x: { name: string }) => x.name)).toContain('meta-auto');
    expect((await c.call(METADATA, 1, { topics: [] })).body.topics).toEqual([]);
    expect((await c.call(METADATA, 1, { topics: null })).body.topics.map((x: { name: string }) => x.name)).toContain('meta-auto');
  });

  it('Produce: flexible v9, acks=0 without a response, and Kafka error codes for bad input', async () => {
    await c.call(METADATA, 1, { topics: [{ name: 'prod' }] });
    expect(await produce('prod', 0, makeBatch([{ value: 'a' }]))).toMatchObject({ errorCode: 0, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0 });
    // acks=0: no response frame; the next response on the connection belongs to the next request.
    const silent = c.frame(PRODUCE, 3, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'prod', partitionData: [{ index: 0, records: makeBatch([{ value: 'b' }]) }] }] });
    c.write(silent.bytes);
    expect(await produce('prod', 0, makeBatch([{ value: 'c' }]), 3)).toMatchObject({ errorCode: 0, baseOffset: 2 });
    expect((await produce('prod', 0, makeBatch([{ value: 'x' }]), 7, 2)).errorCode).toBe(21);
    expect((await produce('prod', 0, makeBatch([{ value: 'x' }], { attributes: 4 }), 3)).errorCode).toBe(76);
    expect((await produce('prod', 0, makeBatch([{ value: 'x' }], { magic: 1 }))).errorCode).toBe(35);
    expect((await produce('nope', 0, makeBatch([{ value: 'x' }]))).errorCode).toBe(3);
    expect((await produce('prod', 0, makeBatch([{ value: 'd' }]))).baseOffset).toBe(3);
  });

  it('Fetch v12: zero-length records when empty, whole batches, OFFSET_OUT_OF_RANGE, KIP-74', async () => {
    await c.call(METADATA, 1, { topics: [{ name: 'fetch' }] });
    const empty = (await c.call(FETCH, 12, fetchReq('fetch', 0))).body;
    expect(empty).toMatchObject({ errorCode: 0, sessionId: 0 });
    const p = empty.responses[0].partitions[0];
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 0, lastStableOffset: 0, logStartOffset: 0, abortedTransactions: null, preferredReadReplica: -1 });
    expect(Buffer.isBuffer(p.records) && p.records.length === 0).toBe(true);
    const big = makeBatch([{ value: 'x'.repeat(1000) }, { value: 'y' }]);
    await produce('fetch', 0, big);
    await produce('fetch', 0, makeBatch([{ value: 'z' }]));
    // Offset 1 sits inside the first batch: the whole batch comes back, only the first fits 100 bytes.
    const one = (await c.call(FETCH, 12, fetchReq('fetch', 1, { maxBytes: 100 }))).body.responses[0].partitions[0];
    expect(one.records.length).toBe(big.length);
    expect(one.records.readBigInt64BE(0)).toBe(0n);
    expect(one.highWatermark).toBe(3);
    const oor = (await c.call(FETCH, 4, fetchReq('fetch', 4))).body.responses[0].partitions[0];
    expect(oor.errorCode).toBe(1);
    expect((await c.call(FETCH, 12, { ...fetchReq('fetch', 0), sessionId: 42 })).body.errorCode).toBe(70);
  });

  it('Fetch long polls: woken by a produce, or answered empty when the clock reaches maxWaitMs', async () => {
    await c.call(METADATA, 1, { topics: [{ name: 'poll' }] });
    const waiter = await RawClient.connect(emu.kafkaPort);
    try {
      const pending = waiter.call(FETCH, 11, fetchReq('poll', 0, { maxWaitMs: 3_600_000 }));
      await produce('poll', 0, makeBatch([{ value: 'wake' }]));
      const woken = (await pending).body.responses[0].partitions[0];
      expect(woken.highWatermark).toBe(1);
      expect(woken.records.length).toBeGreaterThan(0);

      let answered = false;
      const timed = waiter.call(FETCH, 11, fetchReq('poll', 1, { maxWaitMs: 5000 })).then((r) => {
        answered = true;
        return r;
      });
      await emu.advance(4999);
      await c.call(METADATA, 1, { topics: [] });
      expect(answered).toBe(false);
      await emu.advance(1);
      expect((await timed).body.responses[0].partitions[0].records.length).toBe(0);
    } finally {
      waiter.close();
    }
  });

  it('Fetch waits for minBytes across appends, then answers what it has at maxWaitMs', async () => {
    await c.call(METADATA, 1, { topics: [{ name: 'minb' }] });
    const waiter = await RawClient.connect(emu.kafkaPort);
    try {
      let answered = false;
      const pending = waiter.call(FETCH, 11, fetchReq('minb', 0, { maxWaitMs: 10_000, minBytes: 5000 })).then((r) => {
        answered = true;
        return r;
      });
      await produce('minb', 0, makeBatch([{ value: 'small' }]));
      await produce('minb', 0, makeBatch([{ value: 'also small' }]));
      await c.call(METADATA, 1, { topics: [] });
      expect(answered).toBe(false);
      await emu.advance(10_000);
      const p = (await pending).body.responses[0].partitions[0];
      expect([p.highWatermark, p.records.readBigInt64BE(0)]).toEqual([2, 0n]);
    } finally {
      waiter.close();
    }
  });

  it('advertises exactly the version ranges served (ApiVersions)', async () => {
    const keys = (await c.call(18, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' })).body.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[];
    const ranges = Object.fromEntries(keys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(ranges).toMatchObject({
      // Served from v3; advertised from v0 as Kafka 4 does (v0-2 still close the connection).
      [PRODUCE]: [0, 11],
      [FETCH]: [4, 17],
      [LIST_OFFSETS]: [1, 10],
      [METADATA]: [0, 13],
      [CREATE_TOPICS]: [2, 7],
      [DELETE_TOPICS]: [1, 6],
      [DELETE_RECORDS]: [0, 2],
      [DESCRIBE_CONFIGS]: [1, 4],
      33: [0, 2],
      [CREATE_PARTITIONS]: [0, 3],
      [INCREMENTAL_ALTER_CONFIGS]: [0, 1],
      [DESCRIBE_CLUSTER]: [0, 2],
    });
  });

  it('ListOffsets v7: earliest, latest, by time and max timestamp', async () => {
    await c.call(METADATA, 1, { topics: [{ name: 'lo' }] });
    const t = Date.now();
    await produce('lo', 0, makeBatch([{ value: 'a', timestamp: t + 5000 }, { value: 'b', timestamp: t + 9000 }, { value: 'c', timestamp: t + 7000 }], { baseTimestamp: t + 5000 }));
    const ask = async (timestamp: number) =>
      (await c.call(LIST_OFFSETS, 7, { replicaId: -1, topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, timestamp }] }] })).body.topics[0].partitions[0];
    expect(await ask(-2)).toMatchObject({ errorCode: 0, offset: 0, timestamp: -1 });
    expect(await ask(-1)).toMatchObject({ offset: 3 });
    expect(await ask(-3)).toMatchObject({ offset: 1, timestamp: t + 9000 });
    expect(await ask(t + 6000)).toMatchObject({ offset: 1, timestamp: t + 9000 });
    expect(await ask(t + 10_000)).toMatchObject({ offset: -1, timestamp: -1 });
  });

  it('CreateTopics v7, CreatePartitions v3, DeleteRecords v2, DeleteTopics v6 by id', async () => {
    const create = async (topic: object, validateOnly = false) =>
      (await c.call(CREATE_TOPICS, 7, { topics: [{ numPartitions: -1, replicationFactor: -1, assignments: [], configs: [], ...topic }], timeoutMs: 1000, validateOnly })).body.topics[0];
    expect(await create({ name: 'ct', replicationFactor: 3 })).toMatchObject({ errorCode: 38 });
    expect(await create({ name: 'ct', numPartitions: 0 })).toMatchObject({ errorCode: 37 });
    expect(await create({ name: 'ct', configs: [{ name: 'retention.ms', value: '-5' }] })).toMatchObject({ errorCode: 40 });
    expect(await create({ name: 'ct', assignments: [{ partitionIndex: 0, brokerIds: [2] }] })).toMatchObject({ errorCode: 39 });
    expect(await create({ name: 'ct', numPartitions: 2 }, true)).toMatchObject({ errorCode: 0, numPartitions: 2 });
    expect((await c.call(METADATA, 4, { topics: [{ name: 'ct' }], allowAutoTopicCreation: false })).body.topics[0].errorCode).toBe(3);
    const made = await create({ name: 'ct', assignments: [0, 1].map((i) => ({ partitionIndex: i, brokerIds: [1] })), configs: [{ name: 'cleanup.policy', value: 'compact' }] });
    expect(made).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 1 });
    expect(made.configs).toContainEqual({ name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false });
    expect(await create({ name: 'ct' })).toMatchObject({ errorCode: 36 });

    const grow = async (count: number) =>
      (await c.call(CREATE_PARTITIONS, 3, { topics: [{ name: 'ct', count, assignments: null }], timeoutMs: 1000, validateOnly: false })).body.results[0];
    expect(await grow(2)).toMatchObject({ errorCode: 37 });
    expect(await grow(3)).toMatchObject({ errorCode: 0 });

    for (let i = 0; i < 3; i++) await produce('ct', 2, makeBatch([{ key: 'k', value: `r${i}` }]));
    const del = async (offset: number) =>
      (await c.call(DELETE_RECORDS, 2, { topics: [{ name: 'ct', partitions: [{ partitionIndex: 2, offset }] }], timeoutMs: 1000 })).body.topics[0].partitions[0];
    expect(await del(2)).toEqual({ partitionIndex: 2, lowWatermark: 2, errorCode: 0 });
    expect(await del(9)).toMatchObject({ errorCode: 1 });

    const deleted = (await c.call(DELETE_TOPICS, 6, { topics: [{ name: null, topicId: made.topicId }], timeoutMs: 1000 })).body.responses[0];
    expect(deleted).toMatchObject({ name: 'ct', topicId: made.topicId, errorCode: 0 });
    const again = (await c.call(DELETE_TOPICS, 6, { topics: [{ name: null, topicId: made.topicId }], timeoutMs: 1000 })).body.responses[0];
    expect(again.errorCode).toBe(100);
    expect((await c.call(DELETE_TOPICS, 3, { topicNames: ['ct'], timeoutMs: 1000 })).body.responses[0].errorCode).toBe(3);
  });

  it('DescribeConfigs v4 with synonyms, IncrementalAlterConfigs v1, DescribeCluster v1', async () => {
    await c.call(METADATA, 1, { topics: [{ name: 'cfg' }] });
    const describe = async (resourceType: number, resourceName: string) =>
      (
        await c.call(DESCRIBE_CONFIGS, 4, {
          resources: [{ resourceType, resourceName, configurationKeys: null }],
          includeSynonyms: true,
          includeDocumentation: true,
        })
      ).body.results[0];
    const alter = async (configs: object[]) =>
      (await c.call(INCREMENTAL_ALTER_CONFIGS, 1, { resources: [{ resourceType: 2, resourceName: 'cfg', configs }], validateOnly: false })).body.responses[0];

    expect(await alter([{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }, { name: 'retention.ms', configOperation: 0, value: '1000' }])).toMatchObject({
      errorCode: 0,
    });
    expect(await alter([{ name: 'retention.ms', configOperation: 2, value: '5' }])).toMatchObject({ errorCode: 40 });
    expect(await alter([{ name: 'retention.ms', configOperation: 9, value: '5' }])).toMatchObject({ errorCode: 42 });
    const topic = await describe(2, 'cfg');
    expect(topic.errorCode).toBe(0);
    const byName = Object.fromEntries(topic.configs.map((e: { name: string }) => [e.name, e]));
    expect(byName['cleanup.policy']).toMatchObject({ value: 'delete,compact', configSource: 1, configType: 7 });
    expect(byName['retention.ms'].synonyms).toEqual([
      { name: 'retention.ms', value: '1000', source: 1 },
      { name: 'log.retention.ms', value: '604800000', source: 5 },
    ]);
    expect(byName['retention.bytes']).toMatchObject({ value: '-1', configSource: 5, readOnly: false, configType: 5 });
    expect(typeof byName['retention.bytes'].documentation).toBe('string');
    expect(await alter([{ name: 'cleanup.policy', configOperation: 3, value: 'delete' }, { name: 'retention.ms', configOperation: 1, value: null }])).toMatchObject({
      errorCode: 0,
    });
    const after = Object.fromEntries((await describe(2, 'cfg')).configs.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect([after['cleanup.policy'], after['retention.ms']]).toEqual(['compact', '604800000']);
    expect((await describe(2, 'missing')).errorCode).toBe(3);
    const broker = await describe(4, '1');
    expect(broker.configs.find((e: { name: string }) => e.name === 'broker.id')).toMatchObject({ value: '1', readOnly: true });
    expect((await describe(4, '7')).errorCode).toBe(42);

    const cluster = (await c.call(DESCRIBE_CLUSTER, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 })).body;
    expect(cluster).toMatchObject({ errorCode: 0, controllerId: 1, brokers: [{ brokerId: 1, host: '127.0.0.1', port: emu.kafkaPort, rack: null }] });
    expect(typeof cluster.clusterId).toBe('string');
  });
});
