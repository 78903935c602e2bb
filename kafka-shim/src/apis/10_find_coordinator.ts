/**
 * FindCoordinator: v0-6 (flexible from v3).
 *
 * Behaviour: this one broker coordinates every group (key type 0) and every transactional id
 * (key type 1), at the address of the listener the request came in on; any other key type
 * (share groups, key type 2, which we do not have) is INVALID_REQUEST.
 *
 * Version notes: v1 adds KeyType and ErrorMessage; v4 batches keys (CoordinatorKeys in,
 * Coordinators out); v5 only adds an error code we never return; v6 only adds the share-group
 * key type.
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const findCoordinator = defineApi({
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  handle(req, ctx) {
    const { nodeId } = ctx.broker;
    const { host, port } = ctx.conn.advertised;
    const known = req.keyType === 0 || req.keyType === 1;
    const errorCode = known ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST;
    const errorMessage = known ? null : `unknown coordinator key type ${req.keyType}`;
    const at = known ? { nodeId, host, port } : { nodeId: -1, host: '', port: -1 };
    if (ctx.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map((key) => ({ key, ...at, errorCode, errorMessage })) };
    }
    return { throttleTimeMs: 0, errorCode, errorMessage, ...at };
  },
});
