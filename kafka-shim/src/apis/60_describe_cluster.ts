/**
 * DescribeCluster: v0-1 (flexible from v0).
 *
 * Behaviour: our one broker, which is also the controller; authorized operations are
 * "everything" when asked for (no ACLs). Asking for controller endpoints (v1 endpointType 2) is
 * UNSUPPORTED_ENDPOINT_TYPE, as from a Kafka broker.
 *
 * Version notes: v1 adds EndpointType (KIP-919); v0 always asks for brokers.
 */
import type { DescribeClusterRequest, DescribeClusterResponse } from '../protocol/generated/types.js';
import { ErrorCode } from '../errors.js';
import { ALL_CLUSTER_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';
import { register } from './registry.js';

const BROKERS = 1;

register({
  key: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  handle(req: DescribeClusterRequest, ctx): DescribeClusterResponse {
    const { nodeId, clusterId, advertisedHost, advertisedPort } = ctx.broker;
    if (req.endpointType !== BROKERS) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Only broker endpoints are served.', endpointType: req.endpointType, clusterId, controllerId: -1, brokers: [] };
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: BROKERS,
      clusterId,
      controllerId: nodeId,
      brokers: [{ brokerId: nodeId, host: advertisedHost, port: advertisedPort, rack: null }],
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : NO_OPERATIONS,
    };
  },
});
