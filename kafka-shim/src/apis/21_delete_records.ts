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
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../protocol/generated/types.js';
import { KafkaError } from '../log/index.js';
import { register } from './registry.js';

register({
  key: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  async handle(req: DeleteRecordsRequest, ctx): Promise<DeleteRecordsResponse> {
    const { log } = ctx.broker;
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (p) => {
            try {
              const lowWatermark = await log.partition(t.name, p.partitionIndex).deleteRecords(p.offset);
              return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: 0 };
            } catch (err) {
              if (!(err instanceof KafkaError)) throw err;
              return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: err.code };
            }
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
