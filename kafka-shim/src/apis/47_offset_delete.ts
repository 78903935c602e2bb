/**
 * OffsetDelete: v0.
 *
 * Behaviour: deletes committed offsets of a group. While the group has members, partitions of
 * topics it is subscribed to are refused with GROUP_SUBSCRIBED_TO_TOPIC; unknown groups are
 * GROUP_ID_NOT_FOUND.
 */
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../protocol/generated/types.js';
import { register } from './registry.js';

register({
  key: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  async handle(req: OffsetDeleteRequest, ctx): Promise<OffsetDeleteResponse> {
    const r = await ctx.broker.groups.deleteOffsets(req.groupId, req.topics);
    return { throttleTimeMs: 0, ...r };
  },
});
