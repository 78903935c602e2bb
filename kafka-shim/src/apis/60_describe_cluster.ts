/**
 * DescribeCluster: v0-1 (flexible from v0).
 *
 * Behaviour: the live brokers of the cluster (at the addresses of the listener the request came
 * in on), the lowest live id reported as the controller, as Metadata does; authorized operations are
 * "everything" when asked for (no ACLs). Asking for controller endpoints (v1 endpointType 2) is
 * UNSUPPORTED_ENDPOINT_TYPE, as from a Kafka broker.
 *
 * Version notes: v1 adds EndpointType (KIP-919); v0 always asks for brokers. v2 (KIP-1073) adds
 * IncludeFencedBrokers and IsFenced: every broker listed is live and unfenced (a broker taken down
 * is not listed, even when fenced brokers are asked for).
 */
import { ErrorCode } from '../errors.js';
import { ALL_CLUSTER_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';
import { defineApi } from './api.js';

const BROKERS = 1;

export const describeCluster = defineApi({
  key: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    const { cluster, clusterId } = ctx.broker;
    if (req.endpointType !== BROKERS) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Only broker endpoints are served.', endpointType: req.endpointType, clusterId, controllerId: -1, brokers: [] };
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: BROKERS,
      clusterId,
      controllerId: cluster.controller,
      brokers: cluster.liveNodes().map((brokerId) => {
        const at = cluster.endpoint(ctx.conn.advertised.listener, brokerId) ?? ctx.conn.advertised;
        return { brokerId, host: at.host, port: at.port, rack: null, isFenced: false };
      }),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : NO_OPERATIONS,
    };
  },
});
