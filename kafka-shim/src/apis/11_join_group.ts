/**
 * JoinGroup: v0-9 (flexible from v6).
 *
 * Behaviour: Kafka's classic coordinator (../groups/membership.ts). The response waits until the
 * join phase completes: all known members have rejoined, the rebalance timeout passed, or (for a
 * group leaving Empty) the initial rebalance delay ran out; then every member gets its answer at
 * once, the leader with the member list.
 *
 * Version notes: v0 has no rebalance timeout (the session timeout is used); v4+ dynamic members
 * get MEMBER_ID_REQUIRED with a member id first; v5 group instance ids (static membership);
 * v7 returns the protocol type; v8 reason (logged only); v9 SkipAssignment is always false.
 */
import { defineApi } from './api.js';

export const joinGroup = defineApi({
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  coordinatorKeys: (req) => ({ type: 0, keys: [req.groupId] }),
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const r = await ctx.broker.groups.join({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: v >= 5 ? req.groupInstanceId : null,
      requireKnownMemberId: v >= 4 && req.groupInstanceId === null,
      clientId: ctx.clientId ?? '',
      clientHost: `/${ctx.conn.remoteAddress}`,
      rebalanceTimeoutMs: v >= 1 && req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
    });
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: r.protocolType,
      // Not nullable before v7.
      protocolName: v >= 7 ? r.protocolName : (r.protocolName ?? ''),
      leader: r.leader,
      skipAssignment: false,
      memberId: r.memberId,
      members: r.members,
    };
  },
});
