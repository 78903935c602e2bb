/**
 * DescribeAcls: v1-3 (v0 removed in Kafka 4, KIP-896).
 *
 * Behaviour: Tandem has no authorizer, and answers as a Kafka broker without one does:
 * SECURITY_DISABLED, "No Authorizer is configured on the broker", no resources. Clients still see
 * the API advertised (kafka-python, for one, infers the broker version from the API list).
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const NO_AUTHORIZER = 'No Authorizer is configured on the broker';

export const describeAcls = defineApi({
  key: 29,
  name: 'DescribeAcls',
  minVersion: 1,
  maxVersion: 3,
  handle() {
    return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER, resources: [] };
  },
});
