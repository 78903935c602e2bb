/**
 * CreateAcls: v1-3. Without an authorizer (see 29_describe_acls.ts) every creation gets
 * SECURITY_DISABLED, as from a Kafka broker without one.
 */
import { ErrorCode } from '../errors.js';
import { NO_AUTHORIZER } from './29_describe_acls.js';
import { defineApi } from './api.js';

export const createAcls = defineApi({
  key: 30,
  name: 'CreateAcls',
  minVersion: 1,
  maxVersion: 3,
  handle(req) {
    return { throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER })) };
  },
});
