/**
 * DeleteAcls: v1-3. Without an authorizer (see 29_describe_acls.ts) every filter gets
 * SECURITY_DISABLED and matches nothing, as from a Kafka broker without one. With one, every
 * binding a filter matches (acl/store.ts) is deleted and listed under that filter; a filter with an
 * UNKNOWN type is INVALID_REQUEST, as in Kafka's AclControlManager.
 */
import { PatternType, ResourceType } from '../acl/store.js';
import { ErrorCode } from '../errors.js';
import { NO_AUTHORIZER } from './29_describe_acls.js';
import { defineApi } from './api.js';

export const deleteAcls = defineApi({
  key: 31,
  name: 'DeleteAcls',
  minVersion: 1,
  maxVersion: 3,
  async handle(req, ctx) {
    const acls = ctx.broker.acls;
    if (!acls) {
      return { throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER, matchingAcls: [] })) };
    }
    const invalid = req.filters.map((f) =>
      f.resourceTypeFilter === ResourceType.UNKNOWN || f.patternTypeFilter === PatternType.UNKNOWN ? 'Unknown patternFilter.' : f.operation === 0 || f.permissionType === 0 ? 'Unknown entryFilter.' : undefined,
    );
    const valid = req.filters.filter((_, i) => !invalid[i]);
    const matched = await acls.delete(
      valid.map((f) => ({ resourceType: f.resourceTypeFilter, resourceName: f.resourceNameFilter, patternType: f.patternTypeFilter, principal: f.principalFilter, host: f.hostFilter, operation: f.operation, permissionType: f.permissionType })),
    );
    let next = 0;
    return {
      throttleTimeMs: 0,
      filterResults: invalid.map((message) =>
        message
          ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message, matchingAcls: [] }
          : { errorCode: 0, errorMessage: null, matchingAcls: matched[next++].map((b) => ({ errorCode: 0, errorMessage: null, ...b })) },
      ),
    };
  },
});
