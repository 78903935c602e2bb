/**
 * DescribeAcls: v1-3 (v0 removed in Kafka 4, KIP-896).
 *
 * Behaviour: without an authorizer (`kafka.authorizer` off, the default) Tandem answers as a Kafka
 * broker without one does: SECURITY_DISABLED, "No Authorizer is configured on the broker", no
 * resources. Clients still see the API advertised (kafka-python, for one, infers the broker
 * version from the API list). With one, the bindings matching the filter (acl/store.ts has
 * Kafka's matching rules), grouped by resource pattern.
 */
import type { AclBinding } from '../acl/store.js';
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const NO_AUTHORIZER = 'No Authorizer is configured on the broker';

export const describeAcls = defineApi({
  key: 29,
  name: 'DescribeAcls',
  minVersion: 1,
  maxVersion: 3,
  handle(req, ctx) {
    const acls = ctx.broker.acls;
    if (!acls) return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER, resources: [] };
    const found = acls.describe({
      resourceType: req.resourceTypeFilter,
      resourceName: req.resourceNameFilter,
      patternType: req.patternTypeFilter,
      principal: req.principalFilter,
      host: req.hostFilter,
      operation: req.operation,
      permissionType: req.permissionType,
    });
    const byResource = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: Omit<AclBinding, 'resourceType' | 'resourceName' | 'patternType'>[] }>();
    for (const b of found) {
      const id = JSON.stringify([b.resourceType, b.resourceName, b.patternType]);
      let r = byResource.get(id);
      if (!r) byResource.set(id, (r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }));
      r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, resources: [...byResource.values()] };
  },
});
