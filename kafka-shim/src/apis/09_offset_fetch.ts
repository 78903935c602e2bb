/**
 * OffsetFetch: v1-9 (flexible from v6).
 *
 * Behaviour: committed offsets of a group whatever its state (it may not use group management at
 * all); -1 with empty metadata for partitions without a commit. A null topic list means every
 * partition the group has committed.
 *
 * Version notes: v0 (offsets in ZooKeeper) is not served, as in Kafka 4 (KIP-896); v1 has no
 * top-level error, so a group error is reported per partition;
 * v2 null topics and top-level error; v5 leader epoch; v7 RequireStable (nothing is ever
 * pending here, so it changes nothing); v8 several groups per request; v9 adds the member id and
 * epoch of KIP-848 consumers: checked for consumer groups (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH),
 * not for classic groups, as in Kafka.
 */
import type { FetchedTopic } from '../groups/offsets.js';
import { defineApi } from './api.js';

/** A group-level error, spread over the requested partitions (how v1 reports it). */
function perPartition(topics: { name: string; partitionIndexes: number[] }[] | null, errorCode: number): FetchedTopic[] {
  return (topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode })),
  }));
}

export const offsetFetch = defineApi({
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  handle(req, ctx) {
    const groups = ctx.broker.groups;
    const v = ctx.apiVersion;
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: req.groups.map((g) => ({
          groupId: g.groupId,
          ...groups.fetchOffsets(g.groupId, g.topics, v >= 9 ? { memberId: g.memberId, memberEpoch: g.memberEpoch } : undefined),
        })),
      };
    }
    // v1 cannot ask for "all": an empty list stays empty.
    const r = groups.fetchOffsets(req.groupId, v >= 2 ? req.topics : (req.topics ?? []));
    if (v < 2 && r.errorCode !== 0) return { topics: perPartition(req.topics, r.errorCode) };
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics: r.topics };
  },
});
