/**
 * OffsetDelete: v0.
 *
 * Behaviour: deletes committed offsets of a group. While the group has members, partitions of
 * topics it is subscribed to are refused with GROUP_SUBSCRIBED_TO_TOPIC; unknown groups are
 * GROUP_ID_NOT_FOUND.
 */
import { defineApi } from './api.js';

export const offsetDelete = defineApi({
  key: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  coordinatorKeys: (req) => ({ type: 0, keys: [req.groupId] }),
  async handle(req, ctx) {
    const r = await ctx.broker.groups.deleteOffsets(req.groupId, req.topics);
    return { throttleTimeMs: 0, ...r };
  },
});
