/**
 * FindCoordinator: v0-5 (flexible from v3).
 *
 * Behaviour: this one broker coordinates every group (key type 0) and every transactional id
 * (key type 1); any other key type is INVALID_REQUEST.
 *
 * Version notes: v1 adds KeyType and ErrorMessage; v4 batches keys (CoordinatorKeys in,
 * Coordinators out); v5 only adds an error code we never return. v6 (share groups) is not served.
 */
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/generated/types.js';
import { ErrorCode } from '../errors.js';
import { register } from './registry.js';

register({
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 5,
  handle(req: FindCoordinatorRequest, ctx): FindCoordinatorResponse {
    const { nodeId, advertisedHost: host, advertisedPort: port } = ctx.broker;
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
