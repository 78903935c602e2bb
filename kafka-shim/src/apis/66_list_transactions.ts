/**
 * ListTransactions: v0-2 (flexible).
 *
 * Behaviour: every transactional id with its producer id and state, filtered by state names (a
 * name Kafka does not have is returned in unknownStateFilters) and producer ids.
 *
 * Version notes: v1 adds durationFilter: only transactions running at least that many ms (-1: no
 * filter). v2 (KIP-1152) adds transactionalIdPattern: only ids the regular expression matches
 * as a whole (Java's Pattern.matches; null or "" = no filter), INVALID_REGULAR_EXPRESSION when it
 * does not compile. JavaScript's RegExp stands in for Java's: the common syntax is the same.
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const listTransactions = defineApi({
  key: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    let pattern: RegExp | null = null;
    if (ctx.apiVersion >= 2 && req.transactionalIdPattern) {
      try {
        pattern = new RegExp(`^(?:${req.transactionalIdPattern})$`, 'u');
      } catch {
        return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, unknownStateFilters: [], transactionStates: [] };
      }
    }
    const r = ctx.broker.txn.list(req.stateFilters, req.producerIdFilters, ctx.apiVersion >= 1 ? req.durationFilter : -1);
    const transactionStates = pattern ? r.transactions.filter((t) => pattern.test(t.transactionalId)) : r.transactions;
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters: r.unknownStates, transactionStates };
  },
});
