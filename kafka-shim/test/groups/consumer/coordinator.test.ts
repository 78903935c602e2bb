/**
 * The KIP-848 coordinator's state machine on a ManualClock: joins and epochs, revocation before
 * reassignment, leaving, static members, session and revocation timeouts, Kafka's errors, restarts,
 * offsets with member epochs, and coexistence with classic groups.
 */
import { ErrorCode } from '../../../src/errors.js';
import type { HeartbeatRequest } from '../../../src/groups/consumer/coordinator.js';
import { harness, joinReq, settle, type Harness } from '../helpers.js';

let h: Harness;
afterEach(async () => h?.close());

const T = 'id-t';
function hb(over: Partial<HeartbeatRequest> = {}): Promise<any> {
  return h.gc.consumerHeartbeat({
    groupId: 'g',
    memberId: 'm1',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 60_000,
    subscribedTopicNames: ['t'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
    clientId: 'c',
    clientHost: '/127.0.0.1',
    apiVersion: 1,
    ...over,
  });
}
/** A steady heartbeat: only the epoch and, optionally, the owned partitions. */
const beat = (memberId: string, memberEpoch: number, owned?: number[]) =>
  hb({ memberId, memberEpoch, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: owned === undefined ? null : [{ topicId: T, partitions: owned }] });
const parts = (r: any): number[] | undefined => (r.assignment === null ? undefined : (r.assignment.topicPartitions.find((t: any) => t.topicId === T)?.partitions ?? []));

test('the first member gets every partition at epoch 1, with the heartbeat interval', async () => {
  h = await harness();
  const r = await hb();
  expect(r).toMatchObject({ errorCode: 0, memberId: 'm1', memberEpoch: 1, heartbeatIntervalMs: 5000 });
  expect(parts(r)).toEqual([0, 1, 2]);
  expect(h.gc.consumerDescribe('g')).toMatchObject({ groupState: 'Stable', groupEpoch: 1, assignmentEpoch: 1, assignorName: 'uniform' });
  expect(h.gc.list()).toEqual([{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
  // A heartbeat that changes nothing carries no assignment.
  expect(parts(await beat('m1', 1))).toBeUndefined();
});

test('a partition goes to a new member only after its owner acknowledged the revocation', async () => {
  h = await harness();
  await hb();
  const j = await hb({ memberId: 'm2' });
  // m2 is at the new epoch but its partition is still m1's.
  expect(j.memberEpoch).toBe(2);
  expect(parts(j)).toEqual([]);
  expect(h.gc.consumerDescribe('g').groupState).toBe('Reconciling');
  // m1 is asked to give one up, and stays at epoch 1 until it has.
  const r1 = await beat('m1', 1, [0, 1, 2]);
  expect(r1.memberEpoch).toBe(1);
  const kept = parts(r1)!;
  expect(kept.length).toBe(2);
  const moving = [0, 1, 2].find((p) => !kept.includes(p))!;
  expect(parts(await beat('m2', 2, []))).toBeUndefined();
  // Still reported as owned: nothing moves.
  expect((await beat('m1', 1, [0, 1, 2])).memberEpoch).toBe(1);
  expect(parts(await beat('m2', 2, []))).toBeUndefined();
  // Revoked: m1 moves to epoch 2, and m2 gets the partition at its next heartbeat.
  expect((await beat('m1', 1, kept)).memberEpoch).toBe(2);
  expect(parts(await beat('m2', 2, []))).toEqual([moving]);
  expect(h.gc.consumerDescribe('g').groupState).toBe('Stable');
});

test('leaving (epoch -1) bumps the group epoch and the rest get the partitions', async () => {
  h = await harness();
  await hb();
  await hb({ memberId: 'm2' });
  const kept = parts(await beat('m1', 1, [0, 1, 2]))!;
  await beat('m1', 1, kept);
  await beat('m2', 2, []);
  expect(await beat('m2', -1)).toMatchObject({ errorCode: 0, memberEpoch: -1 });
  const r = await beat('m1', 2, kept);
  expect(r.memberEpoch).toBe(3);
  expect(parts(r)).toEqual([0, 1, 2]);
  expect(h.gc.consumerDescribe('g').members.map((m) => m.memberId)).toEqual(['m1']);
});

test('errors as Kafka: unknown member, fenced epoch, unknown group, bad requests, unsupported assignor, bad regex', async () => {
  h = await harness();
  expect((await beat('nobody', 1)).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  await hb();
  expect(await beat('nobody', 1)).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: null });
  expect((await beat('m1', 5)).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
  expect((await hb({ memberId: '' })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  expect((await hb({ memberId: 'm3', rebalanceTimeoutMs: -1 })).errorMessage).toBe('RebalanceTimeoutMs must be provided in first request.');
  expect((await hb({ memberId: 'm3', topicPartitions: null })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  expect((await hb({ memberId: 'm3', memberEpoch: -3 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  expect((await hb({ memberId: 'm3', serverAssignor: 'sticky' })).errorCode).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
  expect((await hb({ memberId: 'm3', subscribedTopicNames: null, subscribedTopicRegex: '(' })).errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION);
  // v0 lets the coordinator choose the member id.
  const v0 = await hb({ memberId: '', apiVersion: 0 });
  expect(v0.errorCode).toBe(0);
  expect(v0.memberId).toMatch(/^[0-9a-f-]{36}$/);
});

test('a member retrying with its previous epoch and a subset of its partitions is accepted (lost response)', async () => {
  h = await harness();
  await hb();
  await hb({ memberId: 'm2' });
  const kept = parts(await beat('m1', 1, [0, 1, 2]))!;
  await beat('m1', 1, kept);
  const again = await beat('m1', 1, kept);
  expect(again).toMatchObject({ errorCode: 0, memberEpoch: 2 });
  expect((await beat('m1', 1, [0, 1, 2])).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
});

test('session timeout (group.consumer.session.timeout.ms, 45 s) removes a silent member', async () => {
  h = await harness();
  await hb();
  await hb({ memberId: 'm2' });
  h.clock.advance(40_000);
  await beat('m1', 1, [0, 1, 2]);
  h.clock.advance(6_000);
  await settle();
  expect(h.gc.consumerDescribe('g').members.map((m) => m.memberId)).toEqual(['m1']);
  expect((await beat('m2', 2, [])).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
});

test('a member that does not revoke within its rebalance timeout is removed', async () => {
  h = await harness();
  await hb();
  await hb({ memberId: 'm2' });
  await beat('m1', 1, [0, 1, 2]);
  // m2 keeps its session alive; m1 keeps heartbeating too but never lets go.
  for (let i = 0; i < 5; i++) {
    h.clock.advance(10_000);
    expect(parts(await beat('m2', 2, []))).toBeUndefined();
    await beat('m1', 1, [0, 1, 2]);
  }
  h.clock.advance(10_000);
  await settle();
  expect(h.gc.consumerDescribe('g').members.map((m) => m.memberId)).toEqual(['m2']);
  const r = await beat('m2', 2, []);
  expect(r.memberEpoch).toBe(3);
  expect(parts(r)).toEqual([0, 1, 2]);
});

test('static membership: -2 keeps the partitions; a new incarnation takes them over without a rebalance; a second one is UNRELEASED_INSTANCE_ID', async () => {
  h = await harness();
  await hb({ memberId: 's1', instanceId: 'i' });
  expect((await hb({ memberId: 's2', instanceId: 'i' })).errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
  expect(await beat('s1', -2).then((r) => hb({ memberId: 's1', memberEpoch: -2, instanceId: 'i', rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: null }))).toMatchObject({ errorCode: 0, memberEpoch: -2 });
  const epoch = h.gc.consumerDescribe('g').groupEpoch;
  const r = await hb({ memberId: 's2', instanceId: 'i' });
  expect(r).toMatchObject({ errorCode: 0, memberEpoch: epoch });
  expect(parts(r)).toEqual([0, 1, 2]);
  expect(h.gc.consumerDescribe('g')).toMatchObject({ groupEpoch: epoch, members: [{ memberId: 's2', instanceId: 'i' }] });
  // The old incarnation is fenced.
  expect((await hb({ memberId: 's1', memberEpoch: epoch, instanceId: 'i', rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: null })).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  // Gone for good after a session timeout without coming back.
  await hb({ memberId: 's2', memberEpoch: -2, instanceId: 'i', rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: null });
  h.clock.advance(45_000);
  await settle();
  expect(h.gc.consumerDescribe('g').groupState).toBe('Empty');
});

test('the group survives a restart: members, epochs and assignments come back, sessions start afresh', async () => {
  h = await harness();
  await hb();
  await hb({ memberId: 'm2' });
  const kept = parts(await beat('m1', 1, [0, 1, 2]))!;
  const before = h.gc.consumerDescribe('g');
  await h.reopen();
  expect(h.gc.consumerDescribe('g')).toEqual(before);
  expect((await beat('m1', 1, kept)).memberEpoch).toBe(2);
  h.clock.advance(45_000);
  await settle();
  expect(h.gc.consumerDescribe('g').groupState).toBe('Empty');
});

test('a failed write answers COORDINATOR_NOT_AVAILABLE and leaves the group as it was', async () => {
  h = await harness();
  await hb();
  const before = h.gc.consumerDescribe('g');
  h.store.intercept(() => {
    throw new Error('disk full');
  });
  expect((await hb({ memberId: 'm2' })).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  h.store.intercept(undefined);
  expect(h.gc.consumerDescribe('g')).toEqual(before);
});

test('offsets: members commit with their member epoch (STALE_MEMBER_EPOCH otherwise, v9+ only); outside commits only while empty', async () => {
  h = await harness();
  await hb();
  const commit = (memberId: string, generationId: number, apiVersion = 9) =>
    h.gc.commitOffsets({ groupId: 'g', generationId, memberId, groupInstanceId: null, apiVersion, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 4, committedLeaderEpoch: -1, committedMetadata: '' }] }] })
      .then((r) => r[0].partitions[0].errorCode);
  expect(await commit('m1', 1)).toBe(0);
  expect(await commit('m1', 0)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
  expect(await commit('m1', 2)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
  expect(await commit('m1', 1, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION);
  expect(await commit('x', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect(await commit('', -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect(h.gc.fetchOffsets('g', null, { memberId: 'm1', memberEpoch: 1 }).topics[0].partitions[0].committedOffset).toBe(4);
  expect(h.gc.fetchOffsets('g', null, { memberId: 'm1', memberEpoch: 0 }).errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
  expect(h.gc.lag('g')?.find((r) => r.partition === 0)).toMatchObject({ currentOffset: 4, logEndOffset: 10, lag: 6, consumerId: 'm1' });
  await beat('m1', -1);
  expect(await commit('', -1)).toBe(0);
  expect(await h.gc.deleteGroup('g')).toBe(0);
});

test('classic and consumer groups side by side: an empty classic group is upgraded, one with members is GROUP_ID_NOT_FOUND; classic views', async () => {
  h = await harness();
  // Offsets only (an Empty classic group): upgraded on the first heartbeat, offsets kept.
  await h.gc.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: '' }] }] });
  expect((await hb()).errorCode).toBe(0);
  expect(h.gc.fetchOffsets('g', null).topics[0].partitions[0].committedOffset).toBe(7);
  // DescribeGroups (classic) does not know it; a classic JoinGroup is INCONSISTENT_GROUP_PROTOCOL.
  expect(h.gc.describe('g').groupState).toBe('Dead');
  expect((await h.gc.join(joinReq())).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  expect(await h.gc.deleteGroup('g')).toBe(ErrorCode.NON_EMPTY_GROUP);
  // A classic group with members cannot be joined by a consumer member.
  const classic = await h.gc.join(joinReq({ groupId: 'k' }));
  expect(classic.errorCode).toBe(0);
  expect(await hb({ groupId: 'k' })).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group k is not a consumer group.' });
  expect(h.gc.consumerDescribe('k').errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  expect(h.gc.list([], ['consumer']).map((g) => g.groupId)).toEqual(['g']);
  expect(h.gc.list([], ['classic']).map((g) => g.groupId)).toEqual(['k']);
  // An emptied consumer group can go back to classic.
  await beat('m1', -1);
  expect((await h.gc.join(joinReq())).errorCode).toBe(0);
});

test('regex subscription (SubscribedTopicRegex, whole-name match) and the range assignor on request', async () => {
  h = await harness();
  h.topics.hw.set('orders-1', [0, 0]);
  h.topics.hw.set('orders-2', [0]);
  h.topics.hw.set('xorders-3', [0]);
  const r = await hb({ subscribedTopicNames: null, subscribedTopicRegex: 'orders-.*', serverAssignor: 'range' });
  expect(r.assignment.topicPartitions.map((t: any) => [t.topicId, t.partitions])).toEqual([['id-orders-1', [0, 1]], ['id-orders-2', [0]]]);
  expect(h.gc.consumerDescribe('g')).toMatchObject({ assignorName: 'range', members: [{ subscribedTopicRegex: 'orders-.*' }] });
  // A new matching topic bumps the group epoch at the next heartbeat.
  h.topics.hw.set('orders-3', [0]);
  const again = await beat('m1', 1);
  expect(again.memberEpoch).toBe(2);
  expect(again.assignment.topicPartitions.length).toBe(3);
});

test('a commit with an older epoch lands for partitions held since then, not for one given up or got later (Kafka 4.4 assignment epochs)', async () => {
  h = await harness();
  await hb();
  await hb({ memberId: 'm2' });
  const kept = parts(await beat('m1', 1, [0, 1, 2]))!;
  const moved = [0, 1, 2].find((p) => !kept.includes(p))!;
  expect((await beat('m1', 1, kept)).memberEpoch).toBe(2);
  expect(parts(await beat('m2', 2, []))).toEqual([moved]);
  const commit = (memberId: string, generationId: number, partitionIndex: number) =>
    h.gc.commitOffsets({ groupId: 'g', generationId, memberId, groupInstanceId: null, apiVersion: 9, topics: [{ name: 't', partitions: [{ partitionIndex, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] }] })
      .then((r) => r[0].partitions[0].errorCode);
  // m1 is at epoch 2 and has held `kept` since epoch 1.
  expect(await commit('m1', 1, kept[0])).toBe(0);
  expect(await commit('m1', 1, moved)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
  // With its current epoch nothing is checked per partition (as Kafka).
  expect(await commit('m1', 2, moved)).toBe(0);
  // m2 got its partition at epoch 2.
  expect(await commit('m2', 2, moved)).toBe(0);
  expect(await commit('m2', 1, moved)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
  // Kept across a restart.
  await h.reopen();
  expect(await commit('m1', 1, kept[0])).toBe(0);
});

test('regex escapes of punctuation (\\-, \\.) are accepted, as RE2/J accepts them (the Java client sent one and got INVALID_REGULAR_EXPRESSION)', async () => {
  h = await harness();
  h.topics.hw.set('a-b.c', [0]);
  h.topics.hw.set('a-bxc', [0]);
  const r = await hb({ subscribedTopicNames: null, subscribedTopicRegex: 'a\\-b\\.c' });
  expect(r.errorCode).toBe(0);
  expect(r.assignment.topicPartitions.map((t: any) => t.topicId)).toEqual(['id-a-b.c']);
});
