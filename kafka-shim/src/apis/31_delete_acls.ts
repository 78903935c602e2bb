/**
 * DeleteAcls: v1-3. Without an authorizer (see 29_describe_acls.ts) every filter gets
 * SECURITY_DISABLED and matches nothing, as from a Kafka broker without one.
 */
import { ErrorCode } from '../errors.js';
import { NO_AUTHORIZER } from './29_describe_acls.js';
import { defineApi } from './api.js';

export const deleteAcls = defineApi({
  key: 31,
  name: 'DeleteAcls',
  minVersion: 1,
  maxVersion: 3,
  handle(req) {
    return {
      throttleTimeMs: 0,
      filterResults: req.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER, matchingAcls: [] })),
    };
  },
});
