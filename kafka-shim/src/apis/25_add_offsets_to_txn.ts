/**
 * AddOffsetsToTxn: v0-4 (flexible from v3).
 *
 * Behaviour: adds a consumer group to the transactional id's transaction, so its TxnOffsetCommit
 * offsets are committed or dropped with it (../txn/coordinator.ts has the checks).
 *
 * Version notes: v2 is the first to be told PRODUCER_FENCED (older versions get
 * INVALID_PRODUCER_EPOCH); v3 is flexible; v4 only allows TRANSACTION_ABORTABLE.
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const addOffsetsToTxn = defineApi({
  key: 25,
  coordinatorKeys: (req) => ({ type: 1, keys: [req.transactionalId] }),
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    let errorCode = await ctx.broker.txn.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId);
    if (errorCode === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
    return { throttleTimeMs: 0, errorCode };
  },
});
