import { ErrorCode } from '../../src/errors.js';
import { harness, joinReq, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

const commit = (h: Harness, over: { groupId?: string; generationId?: number; memberId?: string; offset?: number; topic?: string; partition?: number; metadata?: string | null } = {}) =>
  h.gc.commitOffsets({
    groupId: over.groupId ?? 'g',
    generationId: over.generationId ?? -1,
    memberId: over.memberId ?? '',
    groupInstanceId: null,
    topics: [
      {
        name: over.topic ?? 't',
        partitions: [{ partitionIndex: over.partition ?? 0, committedOffset: over.offset ?? 5, committedLeaderEpoch: -1, committedMetadata: over.metadata === undefined ? 'meta' : over.metadata }],
      },
    ],
  });

const codes = (r: { partitions: { errorCode: number }[] }[]) => r.flatMap((t) => t.partitions.map((p) => p.errorCode));

/** A Stable one-member consumer group subscribed to topic t (the subscription metadata is real). */
async function stableMember(h: Harness) {
  const subscription = Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0xff, 0xff, 0xff, 0xff]);
  const j = await h.gc.join(joinReq({ protocols: [{ name: 'range', metadata: subscription }] }));
  // Assignment v0: t -> [0, 1, 2]
  const assignment = Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff]);
  await h.gc.sync({ groupId: 'g', generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: j.memberId, assignment }] });
  return j;
}

test('a simple commit creates an Empty group; metadata round-trips; fetch all or chosen partitions', async () => {
  h = await harness();
  expect(codes(await commit(h, { metadata: 'hello' }))).toEqual([0]);
  expect(codes(await commit(h, { partition: 2, offset: 7, metadata: null }))).toEqual([0]);
  expect(h.gc.list()).toEqual([{ groupId: 'g', protocolType: '', groupState: 'Empty', groupType: 'classic' }]);
  expect(h.gc.fetchOffsets('g', null)).toEqual({
    errorCode: 0,
    topics: [
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, metadata: 'hello', errorCode: 0 },
          // A commit without metadata reads back as "" (Kafka's OffsetAndMetadata.NO_METADATA), not null.
          { partitionIndex: 2, committedOffset: 7, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ],
  });
  const chosen = h.gc.fetchOffsets('g', [{ name: 't', partitionIndexes: [1, 2] }]);
  expect(chosen.topics[0].partitions.map((p) => p.committedOffset)).toEqual([-1, 7]);
  expect(h.gc.fetchOffsets('unknown', [{ name: 't', partitionIndexes: [0] }]).topics[0].partitions[0]).toMatchObject({ committedOffset: -1, metadata: '', errorCode: 0 });
});

test('commit checks: unknown topic or partition, generation, member, non-empty group, metadata size', async () => {
  h = await harness();
  expect(codes(await commit(h, { topic: 'nope' }))).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  expect(h.gc.list()).toEqual([]);
  expect(codes(await commit(h, { partition: 3 }))).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  expect(codes(await commit(h, { metadata: 'x'.repeat(5000) }))).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE]);
  expect(codes(await commit(h, { groupId: 'fresh', generationId: 3, memberId: 'm' }))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
  const j = await stableMember(h);
  expect(codes(await commit(h, { generationId: j.generationId, memberId: j.memberId, offset: 9 }))).toEqual([0]);
  expect(codes(await commit(h, { generationId: j.generationId + 1, memberId: j.memberId }))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
  expect(codes(await commit(h, { generationId: j.generationId, memberId: 'ghost' }))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
  // A reset from outside the group is only allowed while the group is Empty.
  expect(codes(await commit(h))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
  expect(h.gc.fetchOffsets('g', null).topics[0].partitions[0].committedOffset).toBe(9);
  h.gc.leave('g', [{ memberId: j.memberId, groupInstanceId: null }]);
  expect(h.gc.describe('g').groupState).toBe('Empty');
  expect(codes(await commit(h, { offset: 0 }))).toEqual([0]);
  expect(h.gc.fetchOffsets('g', null).topics[0].partitions[0].committedOffset).toBe(0);
});

test('groups and offsets survive a restart; members must rejoin', async () => {
  h = await harness();
  const j = await stableMember(h);
  await commit(h, { generationId: j.generationId, memberId: j.memberId, offset: 12, metadata: 'keep' });
  await h.store.begin().commit();
  const gc = await h.reopen();
  expect(gc.describe('g')).toMatchObject({ groupState: 'Empty', protocolType: 'consumer', members: [] });
  expect(gc.fetchOffsets('g', null).topics[0].partitions[0]).toMatchObject({ committedOffset: 12, metadata: 'keep' });
  expect(gc.heartbeat('g', j.memberId, null, j.generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect(codes(await commit(h, { generationId: j.generationId, memberId: j.memberId }))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
  // The generation carries on from where it was.
  const again = await gc.join(joinReq());
  expect(again.generationId).toBe(j.generationId + 1);
});

test('DeleteGroups: NON_EMPTY_GROUP with members, GROUP_ID_NOT_FOUND when unknown, offsets go with the group', async () => {
  h = await harness();
  const j = await stableMember(h);
  await commit(h, { generationId: j.generationId, memberId: j.memberId });
  expect(await h.gc.deleteGroup('g')).toBe(ErrorCode.NON_EMPTY_GROUP);
  expect(await h.gc.deleteGroup('nope')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  h.gc.leave('g', [{ memberId: j.memberId, groupInstanceId: null }]);
  expect(await h.gc.deleteGroup('g')).toBe(0);
  expect(h.gc.list()).toEqual([]);
  expect(h.gc.fetchOffsets('g', null).topics).toEqual([]);
  const gc = await h.reopen();
  expect(gc.list()).toEqual([]);
});

test('OffsetDelete: refused for subscribed topics while the group is live, allowed when Empty', async () => {
  h = await harness();
  h.topics.hw.set('other', [1]);
  const j = await stableMember(h);
  await h.gc.commitOffsets({
    groupId: 'g',
    generationId: j.generationId,
    memberId: j.memberId,
    groupInstanceId: null,
    topics: [
      { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] },
      { name: 'other', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] },
    ],
  });
  const res = await h.gc.deleteOffsets('g', [
    { name: 't', partitions: [{ partitionIndex: 0 }] },
    { name: 'other', partitions: [{ partitionIndex: 0 }] },
  ]);
  expect(res.errorCode).toBe(0);
  expect(codes(res.topics)).toEqual([ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0]);
  expect(h.gc.fetchOffsets('g', null).topics.map((t) => t.name)).toEqual(['t']);
  expect((await h.gc.deleteOffsets('nope', [])).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
});

test('a deleted and recreated topic does not inherit committed offsets', async () => {
  h = await harness();
  await commit(h, { offset: 5 });
  h.topics.hw.delete('t');
  expect(h.gc.fetchOffsets('g', null).topics).toEqual([]);
  h.topics.hw.set('t', [0]);
  h.topics.ids.set('t', 'id-t-2');
  expect(h.gc.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }]).topics[0].partitions[0].committedOffset).toBe(-1);
  expect(h.gc.lag('g')).toEqual([]);
  await commit(h, { offset: 0 });
  expect(h.gc.fetchOffsets('g', null).topics[0].partitions[0].committedOffset).toBe(0);
});

test('lag: committed offset against the high watermark, with the owning member', async () => {
  h = await harness();
  const j = await stableMember(h);
  await commit(h, { generationId: j.generationId, memberId: j.memberId, offset: 4, partition: 1 });
  const rows = h.gc.lag('g')!;
  expect(rows.map((r) => [r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId])).toEqual([
    [0, null, 10, null, j.memberId],
    [1, 4, 20, 16, j.memberId],
    [2, null, 30, null, j.memberId],
  ]);
  expect(h.gc.lag('nope')).toBeUndefined();
});
