/**
 * CreateAcls: v1-3. Without an authorizer (see 29_describe_acls.ts) every creation gets
 * SECURITY_DISABLED, as from a Kafka broker without one; with one, each binding is stored
 * (acl/store.ts: Kafka's validation, INVALID_REQUEST with its message) in one unit of work.
 */
import { ErrorCode } from '../errors.js';
import { NO_AUTHORIZER } from './29_describe_acls.js';
import { defineApi } from './api.js';

export const createAcls = defineApi({
  key: 30,
  name: 'CreateAcls',
  minVersion: 1,
  maxVersion: 3,
  async handle(req, ctx) {
    const acls = ctx.broker.acls;
    if (!acls) return { throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER })) };
    const results = await acls.create(req.creations.map((c) => ({ ...c, patternType: c.resourcePatternType })));
    return { throttleTimeMs: 0, results: results.map((invalid) => (invalid ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: invalid } : { errorCode: 0, errorMessage: null })) };
  },
});
