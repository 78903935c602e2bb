/**
 * The API versions Tandem serves since its codec was generated from Kafka 4.4's schemas, each asked
 * on the raw wire at its newest version and checked field by field, on Tandem and on the real
 * Kafka oracle: Metadata v13 (top-level error code), DescribeCluster v2 (fenced brokers),
 * DeleteGroups v3 (per-group error message), DescribeGroups v6 (GROUP_ID_NOT_FOUND), ListTransactions
 * v2 (transactional id pattern), ConsumerGroupDescribe v1 (member type), DescribeLogDirs v5
 * (cordoned log dirs), OffsetCommit and OffsetFetch v10 (topics by id). Modern clients negotiate these versions, so the client suites use them too.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { createTopics, startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';

const GROUP_ID_NOT_FOUND = 69;
const INVALID_REGULAR_EXPRESSION = 128;
const UNKNOWN_TOPIC_ID = 100;

describe('Kafka 4.4 API versions', () => {
  let target: KafkaTarget;
  let kafka: Kafka;
  let admin: Admin;
  let raw: RawClient;

  beforeAll(async () => {
    target = await startKafkaTarget();
    kafka = new Kafka({ clientId: 'k44', brokers: [target.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
    admin = kafka.admin();
    await admin.connect();
    raw = await RawClient.connectTo(target.bootstrap);
  });
  afterAll(async () => {
    raw.close();
    await admin.disconnect();
    await target.stop();
  });

  it('Metadata v13 answers a topic with top-level error code 0', async () => {
    const topic = unique('md13');
    await createTopics(admin, [{ topic, numPartitions: 2 }]);
    const body = (await raw.call(3, 13, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).body;
    expect(body.errorCode).toBe(0);
    expect(body.topics.map((t: { name: string; errorCode: number; partitions: unknown[] }) => [t.name, t.errorCode, t.partitions.length])).toEqual([[topic, 0, 2]]);
  });

  it('DescribeCluster v2 lists the live brokers as not fenced', async () => {
    for (const includeFencedBrokers of [false, true]) {
      const body = (await raw.call(60, 2, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers })).body;
      expect(body.errorCode).toBe(0);
      expect(body.brokers.length).toBeGreaterThan(0);
      expect(body.brokers.map((b: { isFenced: boolean }) => b.isFenced)).toEqual(body.brokers.map(() => false));
    }
  });

  it('DeleteGroups v3 answers an unknown group GROUP_ID_NOT_FOUND with a null message, an empty group with no error', async () => {
    const groupId = unique('dg3');
    const topic = unique('dg3-topic');
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] });
    const missing = unique('dg3-missing');
    const body = (await raw.call(42, 3, { groupsNames: [missing, groupId] })).body;
    // Apache Kafka may answer the groups in another order than asked: compared by group.
    const byGroup = new Map(body.results.map((r: { groupId: string }) => [r.groupId, r]));
    expect([byGroup.get(missing), byGroup.get(groupId)]).toEqual([
      { groupId: missing, errorCode: GROUP_ID_NOT_FOUND, errorMessage: null },
      { groupId, errorCode: 0, errorMessage: null },
    ]);
  });

  it('DescribeGroups v6 answers an unknown group GROUP_ID_NOT_FOUND (v5: Dead, no error)', async () => {
    const groupId = unique('dg6-missing');
    const v6 = (await raw.call(15, 6, { groups: [groupId], includeAuthorizedOperations: false })).body.groups[0];
    expect(v6).toMatchObject({ groupId, errorCode: GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.`, groupState: 'Dead', members: [] });
    const v5 = (await raw.call(15, 5, { groups: [groupId], includeAuthorizedOperations: false })).body.groups[0];
    expect(v5).toMatchObject({ groupId, errorCode: 0, groupState: 'Dead', members: [] });
  });

  it('ListTransactions v2 filters by a transactional id pattern matched whole; a bad pattern is INVALID_REGULAR_EXPRESSION', async () => {
    const topic = unique('lt2-topic');
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    const transactionalId = unique('lt2-txn');
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [{ value: 'v' }] });
      await txn.commit();
    } finally {
      await producer.disconnect();
    }
    const list = async (transactionalIdPattern: string | null) =>
      (await raw.call(66, 2, { stateFilters: [], producerIdFilters: [], durationFilter: -1, transactionalIdPattern })).body;
    const ids = (body: { transactionStates: { transactionalId: string }[] }) => body.transactionStates.map((t) => t.transactionalId).filter((id) => id === transactionalId);
    expect(ids(await list(null))).toEqual([transactionalId]);
    expect(ids(await list(`${transactionalId.slice(0, -2)}.*`))).toEqual([transactionalId]);
    // Matched as a whole, not found inside: a prefix alone does not match.
    expect(ids(await list(transactionalId.slice(0, -2)))).toEqual([]);
    const bad = await list('[');
    expect({ errorCode: bad.errorCode, transactionStates: bad.transactionStates }).toEqual({ errorCode: INVALID_REGULAR_EXPRESSION, transactionStates: [] });
  });

  it('ConsumerGroupDescribe v1 reports a KIP-848 member as a consumer member (type 1)', async () => {
    const topic = unique('cgd1-topic');
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    const groupId = unique('cgd1');
    const memberId = randomBytes(16).toString('base64url');
    const hb = (await raw.call(68, 1, {
      groupId, memberId, memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000,
      subscribedTopicNames: [topic], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [],
    })).body;
    expect(hb.errorCode).toBe(0);
    const group = (await raw.call(69, 1, { groupIds: [groupId], includeAuthorizedOperations: false })).body.groups[0];
    expect(group.errorCode).toBe(0);
    expect(group.members.map((m: { memberId: string; memberType: number }) => [m.memberId, m.memberType])).toEqual([[memberId, 1]]);
    const leave = (await raw.call(68, 1, {
      groupId, memberId, memberEpoch: -1, instanceId: null, rackId: null, rebalanceTimeoutMs: -1,
      subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null,
    })).body;
    expect(leave.errorCode).toBe(0);
  });

  it('DescribeLogDirs v5 reports the log dir as not cordoned', async () => {
    const body = (await raw.call(35, 5, { topics: null })).body;
    expect(body.errorCode).toBe(0);
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.map((r: { errorCode: number; isCordoned: boolean }) => [r.errorCode, r.isCordoned])).toEqual(body.results.map(() => [0, false]));
  });

  it('OffsetCommit v10 and OffsetFetch v10 work by topic id; an unknown topic id is UNKNOWN_TOPIC_ID', async () => {
    const topic = unique('oc10-topic');
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    const md = (await raw.call(3, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).body;
    const topicId = md.topics[0].topicId as string;
    const unknownId = '5cdc3a44-7a55-4b4e-9a8e-1f1e5e3a9b01';
    const groupId = unique('oc10');
    const body = (await raw.call(8, 10, {
      groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [
        { topicId, partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: 'm' }] },
        { topicId: unknownId, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] },
      ],
    })).body;
    const byId = new Map(body.topics.map((t: { topicId: string }) => [t.topicId, t]));
    expect([byId.get(topicId), byId.get(unknownId)]).toMatchObject([
      { topicId, partitions: [{ partitionIndex: 0, errorCode: 0 }] },
      { topicId: unknownId, partitions: [{ partitionIndex: 0, errorCode: UNKNOWN_TOPIC_ID }] },
    ]);
    const fetched = (await raw.call(9, 9, { groups: [{ groupId, memberId: null, memberEpoch: -1, topics: [{ name: topic, partitionIndexes: [0] }] }], requireStable: false })).body;
    expect(fetched.groups[0].topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: 5, metadata: 'm', errorCode: 0 });

    // OffsetFetch v10: by id (an unknown id is UNKNOWN_TOPIC_ID), and every committed topic by id.
    const fetch10 = async (topics: { topicId: string; partitionIndexes: number[] }[] | null) =>
      (await raw.call(9, 10, { groups: [{ groupId, memberId: null, memberEpoch: -1, topics }], requireStable: false })).body.groups[0];
    const asked = await fetch10([{ topicId, partitionIndexes: [0] }, { topicId: unknownId, partitionIndexes: [0] }]);
    expect(asked.errorCode).toBe(0);
    const got = new Map(asked.topics.map((t: { topicId: string }) => [t.topicId, t]));
    expect([got.get(topicId), got.get(unknownId)]).toMatchObject([
      { topicId, partitions: [{ partitionIndex: 0, committedOffset: 5, metadata: 'm', errorCode: 0 }] },
      { topicId: unknownId, partitions: [{ partitionIndex: 0, committedOffset: -1, errorCode: UNKNOWN_TOPIC_ID }] },
    ]);
    const all = await fetch10(null);
    expect(all.topics).toMatchObject([{ topicId, partitions: [{ partitionIndex: 0, committedOffset: 5, metadata: 'm', errorCode: 0 }] }]);
  });
});
