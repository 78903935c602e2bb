/**
 * KIP-848 on the wire: ConsumerGroupHeartbeat, ConsumerGroupDescribe and the classic APIs around a
 * consumer group, over raw sockets, against the spawned emulator or the Kafka oracle — so the error
 * codes, messages, states and epochs asserted here are Kafka 4's own.
 */
import { randomBytes } from 'node:crypto';
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';

/** A client-made member id (KIP-1082: from ConsumerGroupHeartbeat v1 the client chooses it). */
const memberId = () => randomBytes(16).toString('base64url').slice(0, 22);

describe('KIP-848 APIs on the wire', () => {
  let target: KafkaTarget;
  let c: RawClient;

  beforeAll(async () => {
    target = await startKafkaTarget();
    c = await RawClient.connect(Number(target.bootstrap.split(':').at(-1)));
  });
  afterAll(async () => {
    c?.close();
    await target.stop();
  });

  const hb = async (over: Record<string, unknown>) =>
    (
      await c.call(68, 1, {
        groupId: '',
        memberId: '',
        memberEpoch: 0,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: null,
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: [],
        ...over,
      })
    ).body;
  const describe848 = async (...groupIds: string[]) => (await c.call(69, 0, { groupIds, includeAuthorizedOperations: false })).body.groups;

  it('join, errors, describe, offsets with the member epoch, leave', async () => {
    const [t, g] = [unique('kt'), unique('kg')];
    expect((await c.call(19, 4, { topics: [{ name: t, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false })).body.topics[0].errorCode).toBe(0);
    // Real Kafka's group coordinator learns of a new topic a moment after CreateTopics answers.
    let topicId = '';
    while (!topicId) {
      const md = (await c.call(3, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: t }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).body;
      if (md.topics[0].errorCode === 0 && md.topics[0].partitions.length === 3) topicId = md.topics[0].topicId;
    }
    const m1 = memberId();
    let joined = await hb({ groupId: g, memberId: m1, subscribedTopicNames: [t] });
    for (let i = 0; i < 50 && (joined.assignment?.topicPartitions ?? []).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      joined = await hb({ groupId: g, memberId: m1, memberEpoch: joined.memberEpoch, rebalanceTimeoutMs: -1, topicPartitions: null });
    }
    expect(joined).toMatchObject({ errorCode: 0, errorMessage: null, memberId: m1, heartbeatIntervalMs: 5000 });
    const epoch: number = joined.memberEpoch;
    expect(epoch).toBeGreaterThanOrEqual(1);
    expect(joined.assignment.topicPartitions).toEqual([{ topicId, partitions: [0, 1, 2] }]);

    // Kafka's errors, with its messages.
    expect(await hb({ groupId: g, memberId: m1, memberEpoch: epoch + 5, rebalanceTimeoutMs: -1, topicPartitions: null })).toMatchObject({
      errorCode: 110,
      errorMessage: `The consumer group member has a greater member epoch (${epoch + 5}) than the one known by the group coordinator (${epoch}). The member must abandon all its partitions and rejoin.`,
    });
    expect((await hb({ groupId: g, memberId: memberId(), memberEpoch: epoch, rebalanceTimeoutMs: -1, topicPartitions: null })).errorCode).toBe(25);
    expect(await hb({ groupId: g, memberId: memberId(), subscribedTopicNames: [t], serverAssignor: 'sticky' })).toMatchObject({ errorCode: 112 });
    expect(await hb({ groupId: g, memberId: memberId(), subscribedTopicNames: [t], rebalanceTimeoutMs: -1 })).toMatchObject({
      errorCode: 42,
      errorMessage: 'RebalanceTimeoutMs must be provided in first request.',
    });
    expect(await hb({ groupId: g, memberId: '', subscribedTopicNames: [t] })).toMatchObject({ errorCode: 42, errorMessage: "MemberId can't be empty." });

    const [d] = await describe848(g);
    expect(d).toMatchObject({ errorCode: 0, groupId: g, groupState: 'Stable', groupEpoch: epoch, assignmentEpoch: epoch, assignorName: 'uniform' });
    expect(d.members).toHaveLength(1);
    expect(d.members[0]).toMatchObject({ memberId: m1, memberEpoch: epoch, subscribedTopicNames: [t], assignment: { topicPartitions: [{ topicId, topicName: t, partitions: [0, 1, 2] }] } });
    const listed = (await c.call(16, 5, { statesFilter: [], typesFilter: ['consumer'] })).body.groups.filter((x: any) => x.groupId === g);
    expect(listed).toEqual([{ groupId: g, protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
    expect((await c.call(16, 5, { statesFilter: [], typesFilter: ['classic'] })).body.groups.filter((x: any) => x.groupId === g)).toEqual([]);

    const commit = async (e: number, topic = t) =>
      (await c.call(8, 9, { groupId: g, generationIdOrMemberEpoch: e, memberId: m1, groupInstanceId: null, topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: '' }] }] })).body.topics[0].partitions[0].errorCode;
    expect(await commit(epoch)).toBe(0);
    expect(await commit(epoch + 1)).toBe(113);
    // Kafka 4.4 checks each partition only for a commit with an older epoch: with the current one,
    // even a partition the member does not hold is accepted.
    const other = unique('kt-other');
    await c.call(19, 4, { topics: [{ name: other, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(await commit(epoch, other)).toBe(0);
    const fetched = (await c.call(9, 9, { groups: [{ groupId: g, memberId: m1, memberEpoch: epoch, topics: [{ name: t, partitionIndexes: [0] }] }], requireStable: false })).body.groups[0];
    expect(fetched).toMatchObject({ errorCode: 0, topics: [{ name: t, partitions: [{ partitionIndex: 0, committedOffset: 0 }] }] });
    expect((await c.call(9, 9, { groups: [{ groupId: g, memberId: m1, memberEpoch: epoch + 1, topics: null }], requireStable: false })).body.groups[0].errorCode).toBe(113);

    expect(await hb({ groupId: g, memberId: m1, memberEpoch: -1, rebalanceTimeoutMs: -1, topicPartitions: null })).toMatchObject({ errorCode: 0, memberId: m1, memberEpoch: -1 });
    expect((await describe848(g))[0]).toMatchObject({ errorCode: 0, groupState: 'Empty', members: [] });
  });

  it('static members: the instance id is taken until its member leaves (UNRELEASED_INSTANCE_ID)', async () => {
    const [t, g] = [unique('ks'), unique('kgs')];
    await c.call(19, 4, { topics: [{ name: t, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    const s1 = memberId();
    const first = await hb({ groupId: g, memberId: s1, instanceId: 'i-1', subscribedTopicNames: [t] });
    expect(first.errorCode).toBe(0);
    expect((await hb({ groupId: g, memberId: memberId(), instanceId: 'i-1', subscribedTopicNames: [t] })).errorCode).toBe(111);
    expect(await hb({ groupId: g, memberId: s1, memberEpoch: -2, instanceId: 'i-1', rebalanceTimeoutMs: -1, topicPartitions: null })).toMatchObject({ errorCode: 0, memberEpoch: -2 });
    const s2 = memberId();
    const second = await hb({ groupId: g, memberId: s2, instanceId: 'i-1', subscribedTopicNames: [t] });
    expect(second).toMatchObject({ errorCode: 0, memberId: s2, memberEpoch: first.memberEpoch });
    expect((await describe848(g))[0].members.map((m: any) => [m.memberId, m.instanceId])).toEqual([[s2, 'i-1']]);
    expect((await hb({ groupId: g, memberId: s1, memberEpoch: first.memberEpoch, instanceId: 'i-1', rebalanceTimeoutMs: -1, topicPartitions: null })).errorCode).toBe(82);
    await hb({ groupId: g, memberId: s2, memberEpoch: -1, instanceId: 'i-1', rebalanceTimeoutMs: -1, topicPartitions: null });
  });

  it('classic and consumer groups side by side: describe across types, upgrade of an empty classic group', async () => {
    const [t, classic, missing] = [unique('kc'), unique('kclassic'), unique('kmissing')];
    await c.call(19, 4, { topics: [{ name: t, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    // A commit from outside group management makes an empty classic group.
    const simple = await c.call(8, 9, { groupId: classic, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: t, partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: -1, committedMetadata: '' }] }] });
    expect(simple.body.topics[0].partitions[0].errorCode).toBe(0);
    // Kafka answers groups in the order of its coordinator shards, not the request's: match by id.
    const byId = (gs: any[]) => [...gs].sort((a, b) => (a.groupId === classic ? -1 : b.groupId === classic ? 1 : 0));
    expect(byId(await describe848(classic, missing))).toMatchObject([
      { groupId: classic, errorCode: 69, errorMessage: `Group ${classic} is not a consumer group.` },
      { groupId: missing, errorCode: 69, errorMessage: `Group ${missing} not found.` },
    ]);
    // The first consumer member turns it into a consumer group, offsets kept.
    const m = memberId();
    const joined = await hb({ groupId: classic, memberId: m, subscribedTopicNames: [t] });
    expect(joined.errorCode).toBe(0);
    expect((await describe848(classic))[0]).toMatchObject({ errorCode: 0, members: [{ memberId: m }] });
    const fetched = (await c.call(9, 9, { groups: [{ groupId: classic, memberId: null, memberEpoch: -1, topics: null }], requireStable: false })).body.groups[0];
    expect(fetched.topics).toMatchObject([{ name: t, partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }]);
    // DescribeGroups v5 (classic) and a classic JoinGroup see a consumer group as Kafka 4 does.
    const described = (await c.call(15, 5, { groups: [classic], includeAuthorizedOperations: false })).body.groups[0];
    expect({ errorCode: described.errorCode, groupState: described.groupState, members: described.members }).toEqual({ errorCode: 0, groupState: 'Dead', members: [] });
    await hb({ groupId: classic, memberId: m, memberEpoch: -1, rebalanceTimeoutMs: -1, topicPartitions: null });
  });
});
