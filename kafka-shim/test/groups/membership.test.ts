import { ErrorCode } from '../../src/errors.js';
import { harness, joinReq, meta, settle, track, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

/** Join one member to a fresh group through the MEMBER_ID_REQUIRED round trip, and sync it. */
async function soloStable(h: Harness, groupId = 'g') {
  const first = await h.gc.join(joinReq({ groupId, requireKnownMemberId: true }));
  const joined = await h.gc.join(joinReq({ groupId, memberId: first.memberId, requireKnownMemberId: true }));
  const synced = await h.gc.sync({
    groupId,
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment: meta('all') }],
  });
  return { first, joined, synced };
}

test('one member: MEMBER_ID_REQUIRED, join, sync, heartbeat', async () => {
  h = await harness();
  const { first, joined, synced } = await soloStable(h);
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(/^client-/);
  expect(joined).toMatchObject({ errorCode: 0, generationId: 1, leader: first.memberId, memberId: first.memberId, protocolName: 'range' });
  expect(joined.members.map((m) => m.memberId)).toEqual([first.memberId]);
  expect(synced).toMatchObject({ errorCode: 0, protocolName: 'range' });
  expect(synced.assignment.toString()).toBe('all');
  expect(h.gc.heartbeat('g', first.memberId, null, 1)).toBe(ErrorCode.NONE);
  expect(h.gc.describe('g')).toMatchObject({ groupState: 'Stable', protocolData: 'range' });
});

test('three members: responses released together, one leader, followers wait for the leader sync', async () => {
  h = await harness({ initialRebalanceDelayMs: 3000 });
  const joins = ['a', 'b', 'c'].map((c) => track(h.gc.join(joinReq({ clientId: c }))));
  await settle();
  expect(joins.some((j) => j.done())).toBe(false);
  // b and c arrived during the first window, so one more window follows (Kafka's InitialDelayedJoin).
  h.clock.advance(5999);
  await settle();
  expect(joins.some((j) => j.done())).toBe(false);
  h.clock.advance(1);
  const results = await Promise.all(joins.map((j) => j.value));
  expect(new Set(results.map((r) => r.generationId))).toEqual(new Set([1]));
  const leader = results[0].leader;
  expect(results.every((r) => r.leader === leader)).toBe(true);
  const leaderRes = results.find((r) => r.memberId === leader)!;
  expect(leaderRes.members).toHaveLength(3);
  expect(results.filter((r) => r.memberId !== leader).every((r) => r.members.length === 0)).toBe(true);

  const followers = results.filter((r) => r.memberId !== leader);
  const syncs = followers.map((f) =>
    track(h.gc.sync({ groupId: 'g', generationId: 1, memberId: f.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })),
  );
  await settle();
  expect(syncs.some((s) => s.done())).toBe(false);
  expect(h.gc.describe('g').groupState).toBe('CompletingRebalance');
  const leaderSync = await h.gc.sync({
    groupId: 'g',
    generationId: 1,
    memberId: leader,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: results.map((r) => ({ memberId: r.memberId, assignment: meta(`for-${r.memberId}`) })),
  });
  expect(leaderSync.assignment.toString()).toBe(`for-${leader}`);
  const got = await Promise.all(syncs.map((s) => s.value));
  got.forEach((s, i) => expect(s.assignment.toString()).toBe(`for-${followers[i].memberId}`));
  expect(h.gc.describe('g').groupState).toBe('Stable');
});

test('the initial delay extends while members keep arriving', async () => {
  h = await harness({ initialRebalanceDelayMs: 3000 });
  const a = track(h.gc.join(joinReq({ clientId: 'a' })));
  h.clock.advance(2000);
  const b = track(h.gc.join(joinReq({ clientId: 'b' })));
  h.clock.advance(1000);
  await settle();
  expect(a.done()).toBe(false);
  h.clock.advance(3000);
  expect((await a.value).generationId).toBe(1);
  expect((await b.value).generationId).toBe(1);
});

test('protocol selection: the protocol all members support, by vote', async () => {
  h = await harness({ initialRebalanceDelayMs: 10 });
  const p = (...names: string[]) => names.map((name) => ({ name, metadata: meta(name) }));
  const joins = [p('range', 'roundrobin'), p('roundrobin', 'range'), p('roundrobin', 'sticky')].map((protocols) =>
    h.gc.join(joinReq({ protocols })),
  );
  h.clock.advance(20);
  const results = await Promise.all(joins);
  expect(results.every((r) => r.protocolName === 'roundrobin')).toBe(true);
  const leader = results.find((r) => r.members.length > 0)!;
  expect(leader.members.every((m) => m.metadata.toString() === 'roundrobin')).toBe(true);
  const odd = await h.gc.join(joinReq({ protocols: p('cooperative-sticky') }));
  expect(odd.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const otherType = await h.gc.join(joinReq({ protocolType: 'connect', protocols: p('range') }));
  expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
});

/** Two members in a Stable group, generation 1. */
async function pair(h: Harness, over = {}) {
  const joins = [h.gc.join(joinReq({ clientId: 'a', ...over })), h.gc.join(joinReq({ clientId: 'b', ...over }))];
  h.clock.advance(20);
  const [a, b] = await Promise.all(joins);
  const sync = (m: string) =>
    h.gc.sync({ groupId: 'g', generationId: 1, memberId: m, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  const follower = a.leader === a.memberId ? b : a;
  const leader = a.leader === a.memberId ? a : b;
  const fs = sync(follower.memberId);
  await h.gc.sync({
    groupId: 'g',
    generationId: 1,
    memberId: leader.memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [
      { memberId: leader.memberId, assignment: meta('L') },
      { memberId: follower.memberId, assignment: meta('F') },
    ],
  });
  await fs;
  return { leader: leader.memberId, follower: follower.memberId };
}

test('session expiry removes a silent member and rebalances the rest', async () => {
  h = await harness({ initialRebalanceDelayMs: 10 });
  const { leader, follower } = await pair(h);
  h.clock.advance(6000);
  expect(h.gc.heartbeat('g', leader, null, 1)).toBe(ErrorCode.NONE);
  h.clock.advance(4000);
  expect(h.gc.describe('g').groupState).toBe('PreparingRebalance');
  expect(h.gc.heartbeat('g', follower, null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect(h.gc.heartbeat('g', leader, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  const rejoin = await h.gc.join(joinReq({ memberId: leader, clientId: 'a' }));
  expect(rejoin).toMatchObject({ errorCode: 0, generationId: 2, leader });
  expect(rejoin.members.map((m) => m.memberId)).toEqual([leader]);
});

test('the rebalance timeout drops members that do not rejoin', async () => {
  h = await harness({ initialRebalanceDelayMs: 10 });
  const { leader, follower } = await pair(h, { sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 15_000 });
  const rejoin = track(h.gc.join(joinReq({ memberId: leader, sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 15_000 })));
  h.clock.advance(14_999);
  await settle();
  expect(rejoin.done()).toBe(false);
  h.clock.advance(1);
  const res = await rejoin.value;
  expect(res).toMatchObject({ generationId: 2, leader });
  expect(res.members).toHaveLength(1);
  expect(h.gc.heartbeat('g', follower, null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
});

test('a leaving leader triggers a rebalance and hands leadership on', async () => {
  h = await harness({ initialRebalanceDelayMs: 10 });
  const { leader, follower } = await pair(h);
  expect(h.gc.leave('g', [{ memberId: leader, groupInstanceId: null }])).toEqual({ errorCode: 0, members: [0] });
  expect(h.gc.heartbeat('g', follower, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  const res = await h.gc.join(joinReq({ memberId: follower }));
  expect(res).toMatchObject({ generationId: 2, leader: follower });
  expect(h.gc.leave('g', [{ memberId: 'nobody', groupInstanceId: null }]).members).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
});

test('a follower rejoining during CompletingRebalance gets the same answer again', async () => {
  h = await harness({ initialRebalanceDelayMs: 10 });
  const joins = [h.gc.join(joinReq({ clientId: 'a' })), h.gc.join(joinReq({ clientId: 'b' }))];
  h.clock.advance(20);
  const [a] = await Promise.all(joins);
  const again = await h.gc.join(joinReq({ memberId: a.memberId, clientId: 'a' }));
  expect(again).toMatchObject({ generationId: 1, leader: a.leader });
});

test('a SyncGroup not sent within the rebalance timeout removes the member', async () => {
  h = await harness({ initialRebalanceDelayMs: 10 });
  const timeouts = { sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 15_000 };
  const joins = [h.gc.join(joinReq({ clientId: 'a', ...timeouts })), h.gc.join(joinReq({ clientId: 'b', ...timeouts }))];
  h.clock.advance(20);
  const [a, b] = await Promise.all(joins);
  const leader = a.leader === a.memberId ? a : b;
  const follower = leader === a ? b : a;
  await h.gc.sync({ groupId: 'g', generationId: 1, memberId: leader.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  h.clock.advance(14_999);
  expect(h.gc.heartbeat('g', follower.memberId, null, 1)).toBe(ErrorCode.NONE);
  h.clock.advance(1);
  expect(h.gc.heartbeat('g', follower.memberId, null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect(h.gc.describe('g').groupState).toBe('PreparingRebalance');
});

test('static membership: a rejoin under the same instance id replaces the member without a rebalance; the old id is fenced', async () => {
  h = await harness({ initialRebalanceDelayMs: 10 });
  const joins = [
    h.gc.join(joinReq({ clientId: 'a', groupInstanceId: 'ia' })),
    h.gc.join(joinReq({ clientId: 'b', groupInstanceId: 'ib' })),
  ];
  h.clock.advance(20);
  const [a, b] = await Promise.all(joins);
  expect(a.memberId).toMatch(/^ia-/);
  const leaderId = a.leader;
  const sync = (r: typeof a) =>
    h.gc.sync({ groupId: 'g', generationId: 1, memberId: r.memberId, groupInstanceId: r === a ? 'ia' : 'ib', protocolType: null, protocolName: null, assignments: r.memberId === leaderId ? [{ memberId: a.memberId, assignment: meta('A') }, { memberId: b.memberId, assignment: meta('B') }] : [] });
  await Promise.all([sync(a), sync(b)]);

  const again = await h.gc.join(joinReq({ clientId: 'a2', groupInstanceId: 'ia', requireKnownMemberId: false }));
  expect(again.errorCode).toBe(0);
  expect(again.memberId).not.toBe(a.memberId);
  expect(again.generationId).toBe(1);
  expect(again.leader).toBe(leaderId);
  expect(again.members).toEqual([]);
  expect(h.gc.describe('g').groupState).toBe('Stable');
  const synced = await h.gc.sync({ groupId: 'g', generationId: 1, memberId: again.memberId, groupInstanceId: 'ia', protocolType: null, protocolName: null, assignments: [] });
  expect(synced.assignment.toString()).toBe('A');

  expect(h.gc.heartbeat('g', a.memberId, 'ia', 1)).toBe(ErrorCode.FENCED_INSTANCE_ID);
  expect((await h.gc.join(joinReq({ memberId: a.memberId, groupInstanceId: 'ia' }))).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  expect(h.gc.leave('g', [{ memberId: a.memberId, groupInstanceId: 'ia' }]).members).toEqual([ErrorCode.FENCED_INSTANCE_ID]);
  // Administrative removal by instance id alone.
  expect(h.gc.leave('g', [{ memberId: '', groupInstanceId: 'ib' }]).members).toEqual([0]);
  expect(h.gc.describe('g').members.map((m) => m.groupInstanceId)).toEqual(['ia']);
});

test('a static member waiting in JoinGroup is fenced when its instance id rejoins', async () => {
  h = await harness({ initialRebalanceDelayMs: 10 });
  const first = h.gc.join(joinReq({ groupInstanceId: 'x' }));
  const second = h.gc.join(joinReq({ groupInstanceId: 'x' }));
  expect((await first).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  h.clock.advance(20);
  expect((await second).errorCode).toBe(0);
});

test('error codes', async () => {
  h = await harness();
  expect((await h.gc.join(joinReq({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  expect((await h.gc.join(joinReq({ sessionTimeoutMs: 100 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
  expect((await h.gc.join(joinReq({ memberId: 'ghost' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect((await h.gc.join(joinReq({ protocols: [] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  expect(h.gc.heartbeat('nope', 'm', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect(h.gc.heartbeat('', 'm', null, 1)).toBe(ErrorCode.INVALID_GROUP_ID);
  const { joined } = await soloStable(h);
  expect(h.gc.heartbeat('g', joined.memberId, null, 7)).toBe(ErrorCode.ILLEGAL_GENERATION);
  const sync = (generationId: number, memberId: string, protocolName: string | null = null) =>
    h.gc.sync({ groupId: 'g', generationId, memberId, groupInstanceId: null, protocolType: null, protocolName, assignments: [] });
  expect((await sync(7, joined.memberId)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
  expect((await sync(1, 'ghost')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect((await sync(1, joined.memberId, 'roundrobin')).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  // A second member starts a rebalance: SyncGroup of the old generation is refused meanwhile.
  const other = h.gc.join(joinReq({ clientId: 'b' }));
  expect((await sync(1, joined.memberId)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  h.gc.leave('g', [{ memberId: joined.memberId, groupInstanceId: null }]);
  expect((await other).generationId).toBe(2);
});

test('a pending member id that is never used expires after the session timeout', async () => {
  h = await harness();
  const { joined } = await soloStable(h);
  const pending = await h.gc.join(joinReq({ requireKnownMemberId: true }));
  expect(pending.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  // The leader rejoins: the join waits for the pending member until it expires.
  const rejoin = track(h.gc.join(joinReq({ memberId: joined.memberId })));
  await settle();
  expect(rejoin.done()).toBe(false);
  h.clock.advance(10_000);
  expect((await rejoin.value).generationId).toBe(2);
});

test('a retried JoinGroup answers the one it supersedes', async () => {
  h = await harness({ initialRebalanceDelayMs: 10 });
  const { leader, follower } = await pair(h);
  const first = h.gc.join(joinReq({ memberId: leader, clientId: 'a' }));
  const retry = h.gc.join(joinReq({ memberId: leader, clientId: 'a' }));
  expect((await first).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  const other = h.gc.join(joinReq({ memberId: follower, clientId: 'b' }));
  expect((await retry).generationId).toBe(2);
  expect((await other).generationId).toBe(2);
});
