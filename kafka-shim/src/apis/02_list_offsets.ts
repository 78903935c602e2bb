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
 * OffsetTime. Leader epochs are reported as -1 (unknown), like Metadata, so clients skip epoch
 * validation. v8 adds -4 (earliest local offset: every record is local here, so the log start);
 * v9 adds -5 (latest tiered offset: nothing is tiered, so -1, as a Kafka broker without remote
 * storage answers); v10 adds a timeout, which changes nothing since we answer at once.
 */
import { catchKafkaError } from '../errors.js';
import type { Partition } from '../log/index.js';
import { defineApi } from './api.js';

const EARLIEST = -2;
const LATEST = -1;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const NOTHING = { offset: -1, timestamp: -1 };

export const listOffsets = defineApi({
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 10,
  async handle(req, ctx) {
    const { log } = ctx.broker;
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
              async () => ({ partitionIndex: q.partitionIndex, errorCode: 0, ...(await lookup(log.partition(t.name, q.partitionIndex), q.timestamp)), leaderEpoch: -1 }),
              (err) => ({ partitionIndex: q.partitionIndex, errorCode: err.code, offset: -1, timestamp: -1, leaderEpoch: -1 }),
            ),
          ),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
