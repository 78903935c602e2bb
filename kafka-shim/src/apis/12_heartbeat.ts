/**
 * Heartbeat: v0-4 (flexible from v4).
 *
 * Behaviour: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
 * Version notes: v3 adds the group instance id (fencing of static members).
 */
import { defineApi } from './api.js';

export const heartbeat = defineApi({
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  coordinatorKeys: (req) => ({ type: 0, keys: [req.groupId] }),
  handle(req, ctx) {
    const errorCode = ctx.broker.groups.heartbeat(req.groupId, req.memberId, req.groupInstanceId, req.generationId);
    return { throttleTimeMs: 0, errorCode };
  },
});
