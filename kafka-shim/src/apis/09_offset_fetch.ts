/**
 * OffsetFetch: v1-10 (flexible from v6).
 *
 * Behaviour: committed offsets of a group whatever its state (it may not use group management at
 * all); -1 with empty metadata for partitions without a commit. A null topic list means every
 * partition the group has committed.
 *
 * Version notes: v0 (offsets in ZooKeeper) is not served, as in Kafka 4 (KIP-896); v1 has no
 * top-level error, so a group error is reported per partition;
 * v2 null topics and top-level error; v5 leader epoch; v7 RequireStable: a partition with an
 * offset staged by an open transaction (TxnOffsetCommit, not yet committed or aborted) is
 * UNSTABLE_OFFSET_COMMIT with offset -1, which clients retry (read_committed consumers ask so);
 * v8 several groups per request; v9 adds the member id and
 * epoch of KIP-848 consumers: checked for consumer groups (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH),
 * not for classic groups, as in Kafka. v10 names topics by id only (KIP-848): asked ids are resolved
 * through the log (an id it does not have is UNKNOWN_TOPIC_ID on each partition asked), and "all
 * topics" answers each committed topic with its id, leaving out topics the log no longer has.
 */
import type { FetchedTopic } from '../groups/offsets.js';
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

/** A group-level error, spread over the requested partitions (how v1 reports it). */
function perPartition(topics: { name: string; partitionIndexes: number[] }[] | null, errorCode: number): FetchedTopic[] {
  return (topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode })),
  }));
}

/** RequireStable: partitions with a pending transactional offset become UNSTABLE_OFFSET_COMMIT. */
function stable(groupId: string, topics: FetchedTopic[], pending: (groupId: string, topic: string, partition: number) => boolean): FetchedTopic[] {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) =>
      pending(groupId, t.name, p.partitionIndex) ? { ...p, committedOffset: -1, committedLeaderEpoch: -1, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT } : p,
    ),
  }));
}

export const offsetFetch = defineApi({
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 10,
  coordinatorKeys: (req, v) => ({ type: 0, keys: v >= 8 ? req.groups.map((g) => g.groupId) : [req.groupId] }),
  // As Kafka: per group from v8; before, the top-level error (v2+) or, at v1, each partition's.
  errorResponse: (req, errorCode, ctx) =>
    ctx.apiVersion >= 8
      ? { throttleTimeMs: 0, groups: req.groups.map((g) => ({ groupId: g.groupId, topics: [], errorCode })) }
      : {
          throttleTimeMs: 0,
          errorCode,
          topics:
            ctx.apiVersion >= 2
              ? []
              : (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode })) })),
        },
  handle(req, ctx) {
    const { groups, txn } = ctx.broker;
    const v = ctx.apiVersion;
    const pending = (g: string, t: string, p: number) => txn.hasPendingOffset(g, t, p);
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: req.groups.map((g) => {
          const { log } = ctx.broker;
          // v10: ids in, ids out; the group layer works on names.
          const asked = v >= 10 && g.topics ? g.topics.map((t) => ({ ...t, name: log.topicById(t.topicId)?.name ?? null })) : null;
          const byName = asked ? asked.filter((t): t is typeof t & { name: string } => t.name !== null) : g.topics;
          const r = groups.fetchOffsets(g.groupId, byName, v >= 9 ? { memberId: g.memberId, memberEpoch: g.memberEpoch } : undefined);
          const topics = req.requireStable ? stable(g.groupId, r.topics, pending) : r.topics;
          if (v < 10) return { groupId: g.groupId, ...r, topics };
          const withIds = topics.flatMap((t) => {
            const id = log.topic(t.name)?.id;
            return id ? [{ ...t, topicId: id }] : [];
          });
          const unknown = (asked ?? [])
            .filter((t) => t.name === null)
            .map((t) => ({
              name: '',
              topicId: t.topicId,
              partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNKNOWN_TOPIC_ID })),
            }));
          return { groupId: g.groupId, ...r, topics: r.errorCode === ErrorCode.NONE ? [...withIds, ...unknown] : withIds };
        }),
      };
    }
    // v1 cannot ask for "all": an empty list stays empty.
    const r = groups.fetchOffsets(req.groupId, v >= 2 ? req.topics : (req.topics ?? []));
    if (v < 2 && r.errorCode !== 0) return { topics: perPartition(req.topics, r.errorCode) };
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics: v >= 7 && req.requireStable ? stable(req.groupId, r.topics, pending) : r.topics };
  },
});
