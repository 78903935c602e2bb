/** The group API handlers: how each request version maps onto the coordinator and back. */
import type { RequestContext } from '../../src/apis/api.js';
import { ApiRegistry } from '../../src/apis/registry.js';
import { Cluster } from '../../src/cluster/cluster.js';
import type { Broker } from '../../src/broker.js';
import { ErrorCode } from '../../src/errors.js';
import { harness, type Harness } from './helpers.js';

const apis = new ApiRegistry();
let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => h.close());

function call(key: number, apiVersion: number, req: object): Promise<any> {
  // One broker (node 1): the cluster only places coordinators here, it never reads the log.
  const broker = { core: h.core, nodeId: 1, clusterId: 'c', groups: h.gc, cluster: new Cluster(h.core, undefined as never, [1]), txn: { hasPendingOffset: () => false } } as unknown as Broker;
  const conn = { id: 1, remoteAddress: '10.0.0.7', remotePort: 5000, clientId: 'cli', advertised: { listener: 'external', host: 'kafka.local', port: 9092 }, nodeId: 1 };
  const ctx: RequestContext = { broker, apis, conn, apiVersion, correlationId: 1, clientId: 'cli', signal: new AbortController().signal };
  return Promise.resolve(apis.get(key)!.handle(req as never, ctx));
}

const join = (v: number, over: object = {}) =>
  call(11, v, {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: v >= 1 ? 10_000 : -1,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    reason: null,
    ...over,
  });

test('FindCoordinator: one key before v4, batched keys from v4, unknown key types refused', async () => {
  expect(await call(10, 0, { key: 'g', keyType: 0, coordinatorKeys: [] })).toMatchObject({ errorCode: 0, nodeId: 1, host: 'kafka.local', port: 9092 });
  expect(await call(10, 3, { key: 'tx', keyType: 1, coordinatorKeys: [] })).toMatchObject({ errorCode: 0, errorMessage: null, nodeId: 1 });
  expect((await call(10, 4, { key: '', keyType: 0, coordinatorKeys: ['a', 'b'] })).coordinators).toEqual([
    { key: 'a', nodeId: 1, host: 'kafka.local', port: 9092, errorCode: 0, errorMessage: null },
    { key: 'b', nodeId: 1, host: 'kafka.local', port: 9092, errorCode: 0, errorMessage: null },
  ]);
  expect((await call(10, 4, { key: '', keyType: 2, coordinatorKeys: ['s'] })).coordinators[0].errorCode).toBe(ErrorCode.INVALID_REQUEST);
});

test('JoinGroup: MEMBER_ID_REQUIRED only from v4; client id and host recorded; protocol name not null before v7', async () => {
  const v4 = await join(4, { groupId: 'g4' });
  expect(v4).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, protocolName: '' });
  expect(v4.memberId).toMatch(/^cli-/);
  const v3 = await join(3);
  expect(v3).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', skipAssignment: false });
  const d = h.gc.describe('g');
  expect(d.members[0]).toMatchObject({ clientId: 'cli', clientHost: '/10.0.0.7' });
  // v0 has no rebalance timeout: the session timeout is used.
  expect((await join(0, { groupId: 'g0' })).errorCode).toBe(0);
  expect((await join(7, { groupId: 'bad', sessionTimeoutMs: 1 })).protocolName).toBeNull();
});

test('LeaveGroup: top-level error before v3, per member from v3', async () => {
  expect(await call(13, 0, { groupId: 'g', memberId: 'ghost', members: [] })).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
  const j = await join(3);
  expect(await call(13, 3, { groupId: 'g', memberId: '', members: [{ memberId: j.memberId, groupInstanceId: null, reason: null }, { memberId: 'x', groupInstanceId: null, reason: null }] })).toEqual({
    throttleTimeMs: 0,
    errorCode: 0,
    members: [
      { memberId: j.memberId, groupInstanceId: null, errorCode: 0 },
      { memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
    ],
  });
});

test('OffsetCommit v2 simple commit; OffsetFetch v1 per partition, v2+ all topics, v8 several groups', async () => {
  const partitions = [{ partitionIndex: 1, committedOffset: 3, committedLeaderEpoch: 9, commitTimestamp: -1, committedMetadata: 'md' }];
  const commit = await call(8, 2, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: 't', partitions }] });
  expect(commit.topics).toEqual([{ name: 't', partitions: [{ partitionIndex: 1, errorCode: 0 }] }]);

  const v1 = await call(9, 1, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }], groups: [], requireStable: false });
  expect(v1.topics[0].partitions.map((p: any) => [p.committedOffset, p.committedLeaderEpoch, p.metadata])).toEqual([[-1, -1, ''], [3, -1, 'md']]);
  const bad = await call(9, 1, { groupId: 'a\0b', topics: [{ name: 't', partitionIndexes: [0] }], groups: [], requireStable: false });
  expect(bad.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_GROUP_ID);

  const all = await call(9, 7, { groupId: 'g', topics: null, groups: [], requireStable: true });
  expect(all).toMatchObject({ errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 3, metadata: 'md' }] }] });

  const v8 = await call(9, 8, { groupId: '', topics: [], groups: [{ groupId: 'g', topics: null }, { groupId: 'none', topics: [{ name: 't', partitionIndexes: [1] }] }], requireStable: false });
  expect(v8.groups.map((g: any) => [g.groupId, g.errorCode, g.topics[0].partitions[0].committedOffset])).toEqual([['g', 0, 3], ['none', 0, -1]]);
});

test('ListGroups filters by state (v4) and type (v5); DescribeGroups reports unknown groups as Dead', async () => {
  await join(3, { groupId: 'live' });
  const partitions = [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }];
  await call(8, 2, { groupId: 'idle', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: 't', partitions }] });
  const list = async (v: number, statesFilter: string[], typesFilter: string[] = []) =>
    ((await call(16, v, { statesFilter, typesFilter })).groups as any[]).map((g) => g.groupId).sort();
  expect(await list(0, [])).toEqual(['idle', 'live']);
  expect(await list(4, ['completingrebalance'])).toEqual(['live']);
  expect(await list(4, ['Empty'])).toEqual(['idle']);
  expect(await list(5, [], ['consumer'])).toEqual([]);
  expect(await list(5, [], ['Classic'])).toEqual(['idle', 'live']);

  const described = await call(15, 3, { groups: ['live', 'ghost'], includeAuthorizedOperations: true });
  expect(described.groups.map((g: any) => [g.groupId, g.groupState, g.errorCode])).toEqual([['live', 'CompletingRebalance', 0], ['ghost', 'Dead', 0]]);
  expect(described.groups[0].authorizedOperations).toBe((1 << 3) | (1 << 6) | (1 << 8));
});

test('OffsetCommit from a member during CompletingRebalance is REBALANCE_IN_PROGRESS', async () => {
  const j = await join(3);
  const res = await call(8, 2, {
    groupId: 'g',
    generationIdOrMemberEpoch: j.generationId,
    memberId: j.memberId,
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] }],
  });
  expect(res.topics[0].partitions[0].errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  const sync = await call(14, 5, { groupId: 'g', generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
  expect(sync).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' });
});
