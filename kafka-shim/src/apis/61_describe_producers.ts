/**
 * DescribeProducers: v0 (flexible).
 *
 * Behaviour: per partition, the producers the partition's idempotence state knows (epoch, last
 * sequence, last batch's timestamp) and, for one in a transaction, the first offset of its open
 * transaction (currentTxnStartOffset, -1 when none) — what kafka-transactions.sh
 * describe-producers prints. An unknown partition is UNKNOWN_TOPIC_OR_PARTITION. The coordinator
 * epoch is -1 (markers are written in process, not by a coordinator of some epoch).
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const describeProducers = defineApi({
  key: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const { log } = ctx.broker;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const p = log.topic(t.name)?.partitions[partitionIndex];
          if (!p) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] };
          return {
            partitionIndex,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            activeProducers: p.describeProducers().map((d) => ({
              producerId: d.producerId,
              producerEpoch: d.epoch,
              lastSequence: d.lastSequence,
              lastTimestamp: d.lastTimestamp,
              coordinatorEpoch: -1,
              currentTxnStartOffset: d.txnStartOffset,
            })),
          };
        }),
      })),
    };
  },
});
