/**
 * EndTxn: v0-4 (flexible from v3).
 *
 * Behaviour: commits or aborts the transactional id's transaction: COMMIT or ABORT markers on
 * every partition it touched and, on commit, its TxnOffsetCommit offsets made the groups'; the
 * answer comes once all of that is on disk (Kafka answers after PrepareCommit is logged and writes
 * markers afterwards; waiting changes nothing a client can see except that its next transaction
 * never meets CONCURRENT_TRANSACTIONS). A retry of a completed EndTxn is NONE, the other outcome
 * INVALID_TXN_STATE (rules in ../txn/coordinator.ts).
 *
 * Version notes: v2 is the first to be told PRODUCER_FENCED (older versions get
 * INVALID_PRODUCER_EPOCH); v4 only allows TRANSACTION_ABORTABLE. v5 (transaction version 2,
 * KIP-890: an epoch bump per transaction) is not served: clients use it only when the broker
 * advertises the transaction.version feature, which we do not.
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const endTxn = defineApi({
  key: 26,
  coordinatorKeys: (req) => ({ type: 1, keys: [req.transactionalId] }),
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    let errorCode = await ctx.broker.txn.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed);
    if (errorCode === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
    return { throttleTimeMs: 0, errorCode };
  },
});
