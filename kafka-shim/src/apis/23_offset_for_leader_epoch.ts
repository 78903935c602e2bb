/**
 * OffsetForLeaderEpoch: v2-4 (flexible from v4).
 *
 * Behaviour: for each partition, where the requested leader epoch ended (Kafka's
 * LeaderEpochFileCache.endOffsetFor over the partition's epoch history, ../cluster/epochs.ts):
 * the current epoch ends at the log end offset, an older one where the next began. Clients
 * (librdkafka, the Java consumer) ask after a leader change to check that their position is not
 * past a truncation; here nothing is ever truncated, so a position is always valid. The client's
 * currentLeaderEpoch is checked first (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH), then only the
 * leader answers (NOT_LEADER_OR_FOLLOWER), as Kafka's fetchOnlyFromLeader = true; unknown
 * partitions are UNKNOWN_TOPIC_OR_PARTITION.
 *
 * Version notes: v0-1 are not served (Kafka 4 removed them, KIP-896); v2 adds currentLeaderEpoch;
 * v3 adds replicaId (followers; consumers send -2), which changes nothing here.
 */
import { checkServe } from '../cluster/checks.js';
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const offsetForLeaderEpoch = defineApi({
  key: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 2,
  maxVersion: 4,
  handle(req, ctx) {
    const { log, cluster } = ctx.broker;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const failed = (errorCode: number) => ({ errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1 });
          const topic = log.topic(t.topic);
          if (!topic?.partitions[p.partition]) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          const { errorCode } = checkServe(ctx.broker, ctx.conn.nodeId, topic, p.partition, p.currentLeaderEpoch);
          if (errorCode !== ErrorCode.NONE) return failed(errorCode);
          const { epoch, endOffset } = cluster.endOffsetFor(topic, p.partition, p.leaderEpoch);
          return { errorCode: 0, partition: p.partition, leaderEpoch: epoch, endOffset };
        }),
      })),
    };
  },
});
