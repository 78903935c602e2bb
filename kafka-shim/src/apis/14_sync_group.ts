/**
 * SyncGroup: v0-5 (flexible from v4).
 *
 * Behaviour: the leader hands in the assignment; every member's SyncGroup (the leader's included)
 * is answered the moment that assignment is stored: event-driven, never on a timer.
 * Version notes: v3 group instance id; v5 protocol type and name, checked against the group
 * (INCONSISTENT_GROUP_PROTOCOL) and echoed back.
 */
import { defineApi } from './api.js';

export const syncGroup = defineApi({
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  coordinatorKeys: (req) => ({ type: 0, keys: [req.groupId] }),
  async handle(req, ctx) {
    const r = await ctx.broker.groups.sync(req);
    return { throttleTimeMs: 0, ...r };
  },
});
