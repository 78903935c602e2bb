/**
 * The group APIs at their newest served versions (flexible encodings, batched FindCoordinator and
 * OffsetFetch, as the Java client uses them), over raw sockets against the spawned emulator on its
 * manual clock or the Kafka oracle. Also: a follower's SyncGroup stays unanswered until the
 * leader's arrives on another connection, and then completes without the clock moving.
 */
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';

const str16 = (s: string) => {
  const b = Buffer.alloc(2 + Buffer.byteLength(s));
  b.write(s, b.writeInt16BE(Buffer.byteLength(s), 0));
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
};
/** ConsumerProtocolSubscription v0: [topic], null user data. */
const subscription = (topic: string) => Buffer.concat([Buffer.from([0, 0]), int32(1), str16(topic), int32(-1)]);
/** ConsumerProtocolAssignment v0: topic -> partitions, null user data. */
const assignment = (topic: string, ...partitions: number[]) =>
  Buffer.concat([Buffer.from([0, 0]), int32(1), str16(topic), int32(partitions.length), ...partitions.map(int32), int32(-1)]);

describe('group APIs on the wire', () => {
  let target: KafkaTarget;
  let port: number;
  const clients: RawClient[] = [];
  const connect = async () => {
    const c = await RawClient.connect(port);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    target = await startKafkaTarget();
    // RawClient dials 127.0.0.1, where both Tandem and the oracle listen.
    port = Number(target.bootstrap.split(':').at(-1));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await target.stop();
  });

  it('runs a two-member group through every API at its newest version', async () => {
    const [t, g, h, nope] = [unique('t'), unique('g'), unique('h'), unique('nope')];
    const a = await connect();
    const b = await connect();
    const created = await a.call(19, 4, { topics: [{ name: t, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    expect(created.body.topics[0].errorCode).toBe(0);

    const found = await a.call(10, 4, { key: '', keyType: 0, coordinatorKeys: [g, h] });
    expect(found.body.coordinators.map((c: any) => [c.key, c.nodeId, c.port, c.errorCode])).toEqual([
      [g, 1, port, 0],
      [h, 1, port, 0],
    ]);

    const joinReq = (memberId: string) => ({
      groupId: g,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription(t) }],
      reason: null,
    });
    const first = await a.call(11, 9, joinReq(''));
    expect(first.body).toMatchObject({ errorCode: 79, generationId: -1, protocolName: null });
    const aJoin = await a.call(11, 9, joinReq(first.body.memberId));
    expect(aJoin.body).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: first.body.memberId });
    const aId: string = aJoin.body.memberId;
    await a.call(14, 5, { groupId: g, generationId: 1, memberId: aId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: aId, assignment: assignment(t, 0, 1) }] });

    // b joins: a learns about the rebalance from its heartbeat and rejoins.
    const bFirst = await b.call(11, 9, joinReq(''));
    const bJoin = b.call(11, 9, joinReq(bFirst.body.memberId));
    // Kafka serves connections concurrently: a's heartbeats succeed until b's join reaches the group.
    let beat: number;
    do beat = (await a.call(12, 4, { groupId: g, generationId: 1, memberId: aId, groupInstanceId: null })).body.errorCode;
    while (beat === 0);
    expect(beat).toBe(27);
    const aRejoin = await a.call(11, 9, joinReq(aId));
    const bJoined = (await bJoin).body;
    expect(aRejoin.body).toMatchObject({ generationId: 2, leader: aId });
    expect(aRejoin.body.members).toHaveLength(2);
    expect(bJoined).toMatchObject({ generationId: 2, leader: aId, members: [] });
    const bId: string = bJoined.memberId;

    // b's SyncGroup waits for a's, which comes on another connection.
    const bSync = b.call(14, 5, { groupId: g, generationId: 2, memberId: bId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
    let bSynced = false;
    void bSync.then(() => (bSynced = true));
    const described = await a.call(15, 5, { groups: [g], includeAuthorizedOperations: false });
    expect(described.body.groups[0]).toMatchObject({ groupState: 'CompletingRebalance', protocolData: '' });
    expect(bSynced).toBe(false);
    const aSync = await a.call(14, 5, {
      groupId: g,
      generationId: 2,
      memberId: aId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [
        { memberId: aId, assignment: assignment(t, 0) },
        { memberId: bId, assignment: assignment(t, 1) },
      ],
    });
    expect(aSync.body.assignment).toEqual(assignment(t, 0));
    expect((await bSync).body).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: assignment(t, 1) });

    const commit = await b.call(8, 8, {
      groupId: g,
      generationIdOrMemberEpoch: 2,
      memberId: bId,
      groupInstanceId: null,
      topics: [{ name: t, partitions: [{ partitionIndex: 1, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: 'ünïcode' }] }],
    });
    expect(commit.body.topics[0].partitions[0].errorCode).toBe(0);
    const fetched = await a.call(9, 8, { groups: [{ groupId: g, memberId: null, memberEpoch: -1, topics: null }], requireStable: true });
    expect(fetched.body.groups[0]).toMatchObject({ groupId: g, errorCode: 0, topics: [{ name: t, partitions: [{ partitionIndex: 1, committedOffset: 0, metadata: 'ünïcode' }] }] });
    const v7 = await a.call(9, 7, { groupId: g, topics: [{ name: t, partitionIndexes: [0, 1] }], requireStable: false });
    expect(v7.body.topics[0].partitions.map((p: any) => p.committedOffset)).toEqual([-1, 0]);

    const stable = await a.call(15, 5, { groups: [g], includeAuthorizedOperations: false });
    expect(stable.body.groups[0]).toMatchObject({ groupState: 'Stable', protocolData: 'range' });
    expect(stable.body.groups[0].members.map((m: any) => m.clientId)).toEqual(['raw-test', 'raw-test']);
    // Other test files' groups may share the broker (the oracle): only this test's are compared.
    const ours = (groups: any[]) => groups.filter((x) => [g, h].includes(x.groupId));
    const listed = await a.call(16, 5, { statesFilter: ['Stable'], typesFilter: [] });
    expect(ours(listed.body.groups)).toEqual([{ groupId: g, protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }]);

    const refused = await a.call(47, 0, { groupId: g, topics: [{ name: t, partitions: [{ partitionIndex: 1 }] }] });
    expect(refused.body.topics[0].partitions[0].errorCode).toBe(86);
    expect((await a.call(42, 2, { groupsNames: [g] })).body.results).toMatchObject([{ groupId: g, errorCode: 68 }]);

    const left = await a.call(13, 5, { groupId: g, memberId: '', members: [{ memberId: aId, groupInstanceId: null, reason: 'done' }, { memberId: bId, groupInstanceId: null, reason: null }] });
    expect(left.body.members.map((m: any) => m.errorCode)).toEqual([0, 0]);
    expect(ours((await a.call(16, 4, { statesFilter: ['empty'], typesFilter: [] })).body.groups).map((x: any) => x.groupId)).toEqual([g]);
    expect((await a.call(47, 0, { groupId: g, topics: [{ name: t, partitions: [{ partitionIndex: 1 }] }] })).body.topics[0].partitions[0].errorCode).toBe(0);
    // Kafka answers per coordinator shard, not in request order.
    const deleted = (await a.call(42, 2, { groupsNames: [g, nope] })).body.results;
    expect(deleted).toHaveLength(2);
    expect(deleted).toEqual(expect.arrayContaining([
      // errorMessage is v3's, decoded at v2 as its default.
      { groupId: g, errorCode: 0, errorMessage: null },
      { groupId: nope, errorCode: 69, errorMessage: null },
    ]));
  });
});
