/**
 * DeleteRecords: v0-2 (flexible from v2).
 *
 * Behaviour: moves each partition's log start offset to the given offset (-1 = high watermark),
 * deleting whole batches below it; a batch straddling the new start stays stored but its earlier
 * records are no longer fetchable. Offsets beyond the high watermark are OFFSET_OUT_OF_RANGE.
 * Answered once the new start is in LevelDB; lowWatermark is the resulting log start offset.
 *
 * Version notes: v1 is v0 (it only changed the throttling behaviour); v2 is flexible.
 */
import { catchKafkaError } from '../errors.js';
import { defineApi } from './api.js';

export const deleteRecords = defineApi({
  key: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const { log } = ctx.broker;
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map((p) =>
            catchKafkaError(
              async () => ({ partitionIndex: p.partitionIndex, lowWatermark: await log.partition(t.name, p.partitionIndex).deleteRecords(p.offset), errorCode: 0 }),
              (err) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: err.code }),
            ),
          ),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
