/**
 * ListOffsets: v1-7 (flexible from v6).
 *
 * Behaviour: timestamp -2 = log start offset, -1 = high watermark (also for read_committed: no
 * transactions, so LSO = HWM), -3 (v7+) = the record with the largest timestamp, >= 0 = the
 * earliest record whose timestamp is at least that (exact within uncompressed/gzip batches and
 * LogAppendTime topics; otherwise the first batch whose max timestamp qualifies). No match is
 * offset -1 / timestamp -1, as in Kafka.
 *
 * Version notes: v0 (oldStyleOffsets) is not served; librdkafka needs v1 for OffsetTime. Leader
 * epochs are reported as -1 (unknown), like Metadata, so clients skip epoch validation.
 */
import type { ListOffsetsRequest, ListOffsetsResponse } from '../protocol/generated/types.js';
import { KafkaError, type Partition } from '../log/index.js';
import { register } from './registry.js';

const EARLIEST = -2;
const LATEST = -1;
const MAX_TIMESTAMP = -3;

register({
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 7,
  async handle(req: ListOffsetsRequest, ctx): Promise<ListOffsetsResponse> {
    const { log } = ctx.broker;
    const lookup = async (p: Partition, timestamp: number): Promise<{ offset: number; timestamp: number }> => {
      if (timestamp === EARLIEST) return { offset: p.logStartOffset, timestamp: -1 };
      if (timestamp === LATEST) return { offset: p.highWatermark, timestamp: -1 };
      const hit =
        timestamp === MAX_TIMESTAMP && ctx.apiVersion >= 7 ? await p.maxTimestampOffset() : timestamp >= 0 ? await p.offsetForTimestamp(timestamp) : undefined;
      return hit ?? { offset: -1, timestamp: -1 };
    };
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (q) => {
            try {
              const found = await lookup(log.partition(t.name, q.partitionIndex), q.timestamp);
              return { partitionIndex: q.partitionIndex, errorCode: 0, ...found, leaderEpoch: -1 };
            } catch (err) {
              if (!(err instanceof KafkaError)) throw err;
              return { partitionIndex: q.partitionIndex, errorCode: err.code, offset: -1, timestamp: -1, leaderEpoch: -1 };
            }
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
