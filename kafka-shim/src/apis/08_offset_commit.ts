/**
 * OffsetCommit: v2-10 (flexible from v8).
 *
 * Behaviour: commits from members are checked against the generation and member id
 * (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS while the
 * assignment is not out yet). A "simple" commit (generation -1, empty member id) from outside
 * group management is allowed only while the group is Empty: that is how admin tools reset
 * offsets. Unknown topics or partitions get UNKNOWN_TOPIC_OR_PARTITION; metadata is stored and
 * returned byte for byte (up to offset.metadata.max.bytes = 4096).
 *
 * Version notes: v0-1 (no generation, commit timestamp) are not served, as in Kafka 4 (KIP-896);
 * v2-4 retention time is ignored (offsets never expire here); v6 leader epoch; v7 group
 * instance id; v9 is v8 on the wire (generationIdOrMemberEpoch is a generation for classic
 * groups, a member epoch for KIP-848 consumer groups: UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH for a
 * newer epoch, or an older one for a partition not held since then (Kafka 4.4's rule), and
 * UNSUPPORTED_VERSION for a consumer-protocol member below v9, as Kafka) and, as in Kafka, a member
 * commit (generation >= 0) to a group that does not exist is GROUP_ID_NOT_FOUND instead of
 * ILLEGAL_GENERATION. v10 names topics by id only (KIP-848): each id is resolved through the log,
 * and a topic id the log does not have gets UNKNOWN_TOPIC_ID on each of its partitions, as in Kafka.
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const offsetCommit = defineApi({
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 10,
  coordinatorKeys: (req) => ({ type: 0, keys: [req.groupId] }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  }),
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const { groups } = ctx.broker;
    if (v >= 9 && req.generationIdOrMemberEpoch >= 0 && !groups.exists(req.groupId)) {
      const errorCode = ErrorCode.GROUP_ID_NOT_FOUND;
      return { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
    }
    // v10 names topics by id: resolved here; ids the log does not know are answered on their own.
    const named = req.topics.map((t) => ({ ...t, name: v >= 10 ? (ctx.broker.log.topicById(t.topicId)?.name ?? null) : t.name }));
    const known = named.filter((t): t is typeof t & { name: string } => t.name !== null);
    const committed = await groups.commitOffsets({
      groupId: req.groupId,
      generationId: req.generationIdOrMemberEpoch,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      apiVersion: v,
      topics: known.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
    });
    let next = 0;
    const topics = named.map((t) =>
      t.name === null
        ? { topicId: t.topicId, name: '', partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_ID })) }
        : { ...committed[next++], topicId: t.topicId },
    );
    return { throttleTimeMs: 0, topics };
  },
});
