/**
 * LeaveGroup: v0-5 (flexible from v4).
 *
 * Behaviour: removes members and rebalances the rest. A member given by group instance id alone
 * (empty member id) is removed administratively.
 * Version notes: v0-2 one member id, its error is the top-level error; v3+ a batch of members,
 * each with its own error; v5 reason (ignored).
 */
import { defineApi } from './api.js';

export const leaveGroup = defineApi({
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  coordinatorKeys: (req) => ({ type: 0, keys: [req.groupId] }),
  handle(req, ctx) {
    const batched = ctx.apiVersion >= 3;
    const leaving = batched ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: req.memberId, groupInstanceId: null }];
    const r = ctx.broker.groups.leave(req.groupId, leaving);
    if (!batched) return { throttleTimeMs: 0, errorCode: r.errorCode || (r.members[0] ?? 0) };
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      members: r.members.map((errorCode, i) => ({ ...leaving[i], errorCode })),
    };
  },
});
