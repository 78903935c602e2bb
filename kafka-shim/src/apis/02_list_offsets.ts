/**
 * ListOffsets: v1-10 (flexible from v6).
 *
 * Behaviour: timestamp -2 = log start offset, -1 = high watermark (read_uncommitted) or last
 * stable offset (isolationLevel 1, read_committed: the first offset of the oldest open transaction), -3 (v7+) = the record with the largest timestamp, >= 0 = the
 * earliest record whose timestamp is at least that (exact within uncompressed/gzip batches and
 * LogAppendTime topics; otherwise the first batch whose max timestamp qualifies). No match is
 * offset -1 / timestamp -1, as in Kafka.
 *
 * Version notes: v0 (oldStyleOffsets) is not served, as in Kafka 4; librdkafka needs v1 for
 * OffsetTime. v4 adds leader epochs: the answer carries the epoch of the offset found (the current
 * epoch for -1), and the client's currentLeaderEpoch is checked (FENCED_LEADER_EPOCH /
 * UNKNOWN_LEADER_EPOCH); only the partition's leader answers consumers (NOT_LEADER_OR_FOLLOWER
 * elsewhere, ../cluster), a debugging replica id (-2) any broker. v8 adds -4 (earliest local offset: every record is local here, so the log start);
 * v9 adds -5 (latest tiered offset: nothing is tiered, so -1, as a Kafka broker without remote
 * storage answers); v10 adds a timeout, which changes nothing since we answer at once.
 */
import { catchKafkaError, ErrorCode, KafkaError } from '../errors.js';
import type { Partition } from '../log/index.js';
import { checkServe } from '../cluster/checks.js';
import { epochForOffset } from '../cluster/epochs.js';
import { defineApi } from './api.js';

const EARLIEST = -2;
const LATEST = -1;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const NOTHING = { offset: -1, timestamp: -1 };
/** ListOffsetsRequest.DEBUGGING_REPLICA_ID: may ask any replica. */
const DEBUGGING_REPLICA_ID = -2;

export const listOffsets = defineApi({
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 10,
  async handle(req, ctx) {
    const { log, cluster } = ctx.broker;
    const v = ctx.apiVersion;
    const lookup = async (p: Partition, timestamp: number): Promise<{ offset: number; timestamp: number }> => {
      if (timestamp === EARLIEST || (timestamp === EARLIEST_LOCAL && v >= 8)) return { offset: p.logStartOffset, timestamp: -1 };
      if (timestamp === LATEST) return { offset: req.isolationLevel === 1 ? p.lastStableOffset : p.highWatermark, timestamp: -1 };
      if (timestamp === MAX_TIMESTAMP && v >= 7) return (await p.maxTimestampOffset()) ?? NOTHING;
      if (timestamp >= 0) return (await p.offsetForTimestamp(timestamp)) ?? NOTHING;
      // -5 (latest tiered, v9+): nothing is tiered; any other negative value matches nothing either.
      return NOTHING;
    };
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map((q) =>
            catchKafkaError(
              async () => {
                const p = log.partition(t.name, q.partitionIndex);
                const topic = log.topic(t.name)!;
                const { errorCode, view } = checkServe(ctx.broker, ctx.conn.nodeId, topic, q.partitionIndex, v >= 4 ? q.currentLeaderEpoch : -1, req.replicaId !== DEBUGGING_REPLICA_ID);
                if (errorCode !== ErrorCode.NONE) throw new KafkaError(errorCode, 'not served here');
                const found = await lookup(p, q.timestamp);
                const leaderEpoch = found.offset < 0 ? -1 : q.timestamp === LATEST ? view.epoch : epochForOffset(cluster.epochs(topic, q.partitionIndex), found.offset);
                return { partitionIndex: q.partitionIndex, errorCode: 0, ...found, leaderEpoch };
              },
              (err) => ({ partitionIndex: q.partitionIndex, errorCode: err.code, offset: -1, timestamp: -1, leaderEpoch: -1 }),
            ),
          ),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
