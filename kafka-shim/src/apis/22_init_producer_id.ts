/**
 * InitProducerId: v0-5 (flexible from v2).
 *
 * Behaviour: without a transactional id, a new producer id with epoch 0 (what idempotent
 * producers ask for at startup and after an error); with one, its persistent producer id and a
 * bumped epoch that fences the previous one (rules in ../txn/producer-ids.ts); an ongoing
 * transaction of the id is aborted first and CONCURRENT_TRANSACTIONS answered, which the client
 * retries (../txn/coordinator.ts).
 * An error answers producerId -1 and epoch -1, as Kafka's initTransactionError does.
 *
 * Version notes: v3 adds ProducerId/ProducerEpoch (KIP-360: resume after an error; exactly one of
 * them set is INVALID_REQUEST); v4 adds PRODUCER_FENCED, which older versions get as
 * INVALID_PRODUCER_EPOCH; v5 only adds TRANSACTION_ABORTABLE, which this never answers.
 */
import { catchKafkaError, ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

const NO_PRODUCER = { producerId: -1, producerEpoch: -1 };

export const initProducerId = defineApi({
  key: 22,
  // A transactional producer's InitProducerId goes to its transaction coordinator (../server/coordinator.ts).
  coordinatorKeys: (req) => (req.transactionalId ? { type: 1, keys: [req.transactionalId] } : undefined),
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const hasId = req.producerId !== -1;
    const hasEpoch = req.producerEpoch !== -1;
    if (hasId !== hasEpoch) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, ...NO_PRODUCER };
    const expected = hasId ? { producerId: req.producerId, epoch: req.producerEpoch } : undefined;
    return catchKafkaError(
      async () => {
        const r = await ctx.broker.producerIds.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected);
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: r.producerId, producerEpoch: r.epoch };
      },
      (err) => {
        const code = err.code === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : err.code;
        return { throttleTimeMs: 0, errorCode: code, ...NO_PRODUCER };
      },
    );
  },
});
