/**
 * FindCoordinator: v0-6 (flexible from v3).
 *
 * Behaviour: groups (key type 0) and transactional ids (key type 1) are coordinated by the broker
 * Kafka would pick: the leader of the key's partition of __consumer_offsets /
 * __transaction_state (../cluster/cluster.ts), at its address on the listener the request came in
 * on; with one broker, that broker. No live broker for it is COORDINATOR_NOT_AVAILABLE. Any other
 * key type (share groups, key type 2, which we do not have) is INVALID_REQUEST.
 *
 * Version notes: v1 adds KeyType and ErrorMessage; v4 batches keys (CoordinatorKeys in,
 * Coordinators out, one answer per key); v5 only adds an error code we never return; v6 only adds
 * the share-group key type.
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

const NOWHERE = { nodeId: -1, host: '', port: -1 };

export const findCoordinator = defineApi({
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  handle(req, ctx) {
    const { cluster } = ctx.broker;
    const known = req.keyType === 0 || req.keyType === 1;
    const locate = (key: string) => {
      if (!known) return { ...NOWHERE, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unknown coordinator key type ${req.keyType}` };
      const nodeId = cluster.coordinator(key);
      const at = nodeId === ctx.conn.nodeId ? ctx.conn.advertised : cluster.endpoint(ctx.conn.advertised.listener, nodeId);
      if (!at) return { ...NOWHERE, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The coordinator is not available.' };
      return { nodeId, host: at.host, port: at.port, errorCode: ErrorCode.NONE, errorMessage: null };
    };
    if (ctx.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map((key) => ({ key, ...locate(key) })) };
    }
    return { throttleTimeMs: 0, ...locate(req.key) };
  },
});
