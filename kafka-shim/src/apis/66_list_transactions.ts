/**
 * ListTransactions: v0-1 (flexible).
 *
 * Behaviour: every transactional id with its producer id and state, filtered by state names (a
 * name Kafka does not have is returned in unknownStateFilters) and producer ids.
 *
 * Version notes: v1 adds durationFilter: only transactions running at least that many ms (-1: no
 * filter). v2 (a transactional id regular expression) is not in the schemas the codec is
 * generated from.
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const listTransactions = defineApi({
  key: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const r = ctx.broker.txn.list(req.stateFilters, req.producerIdFilters, ctx.apiVersion >= 1 ? req.durationFilter : -1);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters: r.unknownStates, transactionStates: r.transactions };
  },
});
