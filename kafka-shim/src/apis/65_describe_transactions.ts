/**
 * DescribeTransactions: v0 (flexible).
 *
 * Behaviour: per transactional id its state (Kafka's names: Empty, Ongoing, PrepareCommit, ...),
 * timeout, start time (-1 outside a transaction), producer id and epoch, and the partitions in the
 * transaction; an unknown id is TRANSACTIONAL_ID_NOT_FOUND.
 */
import { defineApi } from './api.js';

export const describeTransactions = defineApi({
  key: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    return { throttleTimeMs: 0, transactionStates: req.transactionalIds.map((id) => ctx.broker.txn.describe(id)) };
  },
});
