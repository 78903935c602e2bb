/**
 * The API versions Kafka 4 clients use, on the wire: Fetch v13-17 naming topics by id (and
 * UNKNOWN_TOPIC_ID for ids the broker does not know), DescribeTopicPartitions with its cursor,
 * ListOffsets v8-10, OffsetCommit/OffsetFetch v9, FindCoordinator v6 and Produce v10-11; and the
 * versions Kafka 4 removed (KIP-896), which close the connection.
 * Runs against a spawned Tandem, or the real broker in the oracle pass (TANDEM_KAFKA_ORACLE).
 */
import { startKafkaTarget, unique, type KafkaTarget } from '../../../compat-tests/harness/kafka-target.js';
import { makeBatch, values } from '../log/fixtures.js';
import { RawClient } from '../protocol/wire.js';

const PRODUCE = 0;
const FETCH = 1;
const LIST_OFFSETS = 2;
const METADATA = 3;
const OFFSET_COMMIT = 8;
const OFFSET_FETCH = 9;
const FIND_COORDINATOR = 10;
const CREATE_TOPICS = 19;
const DELETE_TOPICS = 20;
const DESCRIBE_CONFIGS = 32;
const DESCRIBE_TOPIC_PARTITIONS = 75;

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const INVALID_REQUEST = 42;
const GROUP_ID_NOT_FOUND = 69;
const UNKNOWN_TOPIC_ID = 100;

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

/** Create a topic with CreateTopics v7 and return its id, once Metadata shows it with a leader
 * for every partition (a Kafka broker learns of a new topic a moment after creating it). */
async function createTopic(name: string, partitions: number): Promise<string> {
  const res = (await c.call(CREATE_TOPICS, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000 })).body;
  expect(res.topics[0]).toMatchObject({ name, errorCode: 0 });
  await untilVisible(name, partitions);
  return res.topics[0].topicId;
}

async function untilVisible(name: string, partitions: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const t = (await c.call(METADATA, 12, { topics: [{ name, topicId: ZERO_UUID }], allowAutoTopicCreation: false })).body.topics[0];
    if (t.errorCode === 0 && t.partitions.length === partitions && t.partitions.every((p: { leaderId: number }) => p.leaderId >= 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`topic ${name} never became visible`);
}

const produce = async (topic: string, partition: number, value: string, version: number) =>
  (
    await c.call(PRODUCE, version, {
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records: makeBatch([{ value }], { baseTimestamp: Date.now() }) }] }],
    })
  ).body.responses[0].partitionResponses[0];

const fetchById = (version: number, topicId: string, partition = 0, fetchOffset = 0) =>
  c.call(FETCH, version, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    sessionEpoch: -1,
    topics: [{ topicId, partitions: [{ partition, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1 }] }],
  });

describe('Fetch v13+ names topics by id', () => {
  it('returns the records of the topic whose id it is given, at v13 to v17, and keys the answer by id', async () => {
    const topic = unique('fetch-by-id');
    const id = await createTopic(topic, 1);
    expect(id).not.toBe(ZERO_UUID);
    // Metadata v12 reports the same id.
    expect((await c.call(METADATA, 12, { topics: [{ name: topic, topicId: ZERO_UUID }], allowAutoTopicCreation: false })).body.topics[0].topicId).toBe(id);
    for (const v of [10, 11]) expect(await produce(topic, 0, `v${v}`, v)).toMatchObject({ errorCode: 0 });
    for (const v of [13, 14, 15, 16, 17]) {
      const body = (await fetchById(v, id)).body;
      expect(body.errorCode).toBe(0);
      expect(body.responses).toHaveLength(1);
      expect(body.responses[0].topicId).toBe(id);
      const p = body.responses[0].partitions[0];
      expect(p).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 2 });
      // Two single-record batches, back to back.
      const first = p.records.subarray(0, 12 + p.records.readInt32BE(8));
      expect(values([first, p.records.subarray(first.length)])).toEqual(['v10', 'v11']);
    }
  });

  it('answers UNKNOWN_TOPIC_ID for an id it does not know, and for the old id of a re-created topic', async () => {
    const body = (await fetchById(13, '0b1c2d3e-4f50-4162-8374-8596a7b8c9d0')).body;
    expect(body.errorCode).toBe(0);
    expect(body.responses[0].topicId).toBe('0b1c2d3e-4f50-4162-8374-8596a7b8c9d0');
    expect(body.responses[0].partitions[0]).toMatchObject({ partitionIndex: 0, errorCode: UNKNOWN_TOPIC_ID });

    const topic = unique('fetch-recreated');
    const oldId = await createTopic(topic, 1);
    expect((await c.call(DELETE_TOPICS, 6, { topics: [{ name: null, topicId: oldId }], timeoutMs: 10_000 })).body.responses[0].errorCode).toBe(0);
    // Kafka deletes asynchronously: retry the re-creation until the name is free.
    let newId = '';
    for (let i = 0; i < 50 && !newId; i++) {
      const res = (await c.call(CREATE_TOPICS, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000 })).body;
      if (res.topics[0].errorCode === 0) newId = res.topics[0].topicId;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(newId).not.toBe(oldId);
    await untilVisible(topic, 1);
    expect((await fetchById(17, oldId)).body.responses[0].partitions[0].errorCode).toBe(UNKNOWN_TOPIC_ID);
    expect((await fetchById(17, newId)).body.responses[0].partitions[0].errorCode).toBe(0);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a partition the topic does not have', async () => {
    const topic = unique('fetch-no-partition');
    const id = await createTopic(topic, 1);
    expect((await fetchById(13, id, 5)).body.responses[0].partitions[0]).toMatchObject({ partitionIndex: 5, errorCode: UNKNOWN_TOPIC_OR_PARTITION });
  });
});

describe('DescribeTopicPartitions v0', () => {
  const describeTopics = async (names: string[], responsePartitionLimit: number, cursor: { topicName: string; partitionIndex: number } | null = null) =>
    (await c.call(DESCRIBE_TOPIC_PARTITIONS, 0, { topics: names.map((name) => ({ name })), responsePartitionLimit, cursor })).body;
  const page = (body: { topics: { name: string; partitions: { partitionIndex: number }[] }[] }) =>
    body.topics.map((t) => `${t.name}:${t.partitions.map((p) => p.partitionIndex).join(',')}`);

  it('describes topics by name with their ids and one leader per partition; unknown names are UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const a = unique('dtp-one');
    const id = await createTopic(a, 2);
    const missing = unique('dtp-missing');
    const body = await describeTopics([missing, a], 100);
    expect(body.nextCursor).toBeNull();
    // Name order, whatever the request's order.
    expect(body.topics.map((t: { name: string }) => t.name)).toEqual([a, missing].sort());
    const found = body.topics.find((t: { name: string }) => t.name === a);
    expect(found).toMatchObject({ errorCode: 0, topicId: id, isInternal: false });
    expect(found.partitions.map((p: { partitionIndex: number; errorCode: number }) => [p.partitionIndex, p.errorCode])).toEqual([[0, 0], [1, 0]]);
    for (const p of found.partitions) {
      expect(p.replicaNodes).toEqual([p.leaderId]);
      expect(p.isrNodes).toEqual([p.leaderId]);
      expect(p.offlineReplicas).toEqual([]);
    }
    expect(body.topics.find((t: { name: string }) => t.name === missing)).toMatchObject({ errorCode: UNKNOWN_TOPIC_OR_PARTITION, topicId: ZERO_UUID, partitions: [] });
  });

  it('pages with responsePartitionLimit and the cursor, inside a topic and between topics', async () => {
    const a = unique('dtp-page-a');
    const b = unique('dtp-page-b');
    await createTopic(a, 3);
    await createTopic(b, 2);
    let body = await describeTopics([a, b], 2);
    expect(page(body)).toEqual([`${a}:0,1`]);
    expect(body.nextCursor).toEqual({ topicName: a, partitionIndex: 2 });
    body = await describeTopics([a, b], 2, body.nextCursor);
    expect(page(body)).toEqual([`${a}:2`, `${b}:0`]);
    expect(body.nextCursor).toEqual({ topicName: b, partitionIndex: 1 });
    body = await describeTopics([a, b], 2, body.nextCursor);
    expect(page(body)).toEqual([`${b}:1`]);
    expect(body.nextCursor).toBeNull();
    // The limit reached exactly at the end of a topic: the cursor points at the next topic.
    body = await describeTopics([b, a], 3, { topicName: a, partitionIndex: 0 });
    expect(page(body)).toEqual([`${a}:0,1,2`]);
    expect(body.nextCursor).toEqual({ topicName: b, partitionIndex: 0 });
  });

  it('describes every topic, in name order, when the list is empty', async () => {
    const a = unique('dtp-all-a');
    const b = unique('dtp-all-b');
    const idB = await createTopic(b, 1);
    const idA = await createTopic(a, 1);
    const body = await describeTopics([], 2000);
    const names: string[] = body.topics.map((t: { name: string }) => t.name);
    expect(names).toEqual([...names].sort());
    expect(body.topics.find((t: { name: string }) => t.name === a)).toMatchObject({ errorCode: 0, topicId: idA });
    expect(body.topics.find((t: { name: string }) => t.name === b)).toMatchObject({ errorCode: 0, topicId: idB });
  });

  it('refuses a cursor on a topic the request does not list, with INVALID_REQUEST on every topic', async () => {
    const a = unique('dtp-cursor');
    await createTopic(a, 1);
    const body = await describeTopics([a], 10, { topicName: unique('dtp-elsewhere'), partitionIndex: 0 });
    expect(body.topics).toEqual([expect.objectContaining({ name: a, errorCode: INVALID_REQUEST, partitions: [] })]);
  });
});

describe('newer versions of the other APIs', () => {
  it('ListOffsets v8-10: -4 is the (all local) log start, -5 (latest tiered) is -1 without tiered storage', async () => {
    const topic = unique('lo-new');
    await createTopic(topic, 1);
    await produce(topic, 0, 'a', 9);
    await produce(topic, 0, 'b', 9);
    const ask = async (v: number, timestamp: number) =>
      (await c.call(LIST_OFFSETS, v, { replicaId: -1, isolationLevel: 0, timeoutMs: 5000, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] })).body.topics[0].partitions[0];
    for (const v of [8, 9, 10]) {
      expect(await ask(v, -2)).toMatchObject({ errorCode: 0, offset: 0 });
      expect(await ask(v, -1)).toMatchObject({ errorCode: 0, offset: 2 });
      expect(await ask(v, -4)).toMatchObject({ errorCode: 0, offset: 0, timestamp: -1 });
    }
    expect(await ask(9, -5)).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1 });
  });

  it('OffsetCommit v9 / OffsetFetch v9 for a classic (simple) group; a member commit to no group is GROUP_ID_NOT_FOUND', async () => {
    const topic = unique('oc9');
    await createTopic(topic, 1);
    const group = unique('oc9-group');
    const commit = (generationIdOrMemberEpoch: number, memberId: string) =>
      c.call(OFFSET_COMMIT, 9, {
        groupId: group,
        generationIdOrMemberEpoch,
        memberId,
        groupInstanceId: null,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
      });
    expect((await commit(3, 'someone')).body.topics[0].partitions[0].errorCode).toBe(GROUP_ID_NOT_FOUND);
    expect((await commit(-1, '')).body.topics[0].partitions[0].errorCode).toBe(0);
    const fetched = (await c.call(OFFSET_FETCH, 9, { groups: [{ groupId: group, memberId: null, memberEpoch: -1, topics: [{ name: topic, partitionIndexes: [0] }] }], requireStable: false })).body;
    expect(fetched.groups[0]).toMatchObject({ groupId: group, errorCode: 0 });
    expect(fetched.groups[0].topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: 1, metadata: 'm', errorCode: 0 });
  });

  it('FindCoordinator v6 finds the group coordinator', async () => {
    const res = (await c.call(FIND_COORDINATOR, 6, { keyType: 0, coordinatorKeys: [unique('fc6')] })).body;
    expect(res.coordinators).toHaveLength(1);
    expect(res.coordinators[0]).toMatchObject({ errorCode: 0 });
    expect(res.coordinators[0].port).toBeGreaterThan(0);
  });
});

describe('versions Kafka 4 removed (KIP-896)', () => {
  it('closes the connection on them, as a Kafka 4 broker does', async () => {
    // The codec (Kafka 4.4's schemas) has no body for these versions any more: a v1 request header
    // (key, version, correlation id, null client id) and a few zero bytes are enough, since the
    // version is refused before any body is read.
    const removed: [number, number][] = [[PRODUCE, 2], [OFFSET_COMMIT, 1], [OFFSET_FETCH, 0], [CREATE_TOPICS, 1], [DELETE_TOPICS, 0], [DESCRIBE_CONFIGS, 0]];
    for (const [key, version] of removed) {
      const raw = await RawClient.connectTo(target.bootstrap);
      try {
        const frame = Buffer.alloc(4 + 10 + 8);
        let o = frame.writeInt32BE(frame.length - 4, 0);
        o = frame.writeInt16BE(key, o);
        o = frame.writeInt16BE(version, o);
        o = frame.writeInt32BE(1, o);
        frame.writeInt16BE(-1, o);
        raw.write(frame);
        expect({ key, version, response: await raw.next() }).toEqual({ key, version, response: null });
      } finally {
        raw.close();
      }
    }
  });
});
