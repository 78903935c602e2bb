/**
 * DeleteGroups: v0-2 (flexible from v2).
 *
 * Behaviour: deletes Empty groups with their committed offsets; NON_EMPTY_GROUP while members
 * remain, GROUP_ID_NOT_FOUND for groups we do not have. Groups are deleted one after another.
 *
 * Version notes: v1 is v0 (throttling behaviour only); v2 is flexible; v3 adds a per-group
 * errorMessage, null here as from Kafka for the errors Tandem answers.
 */
import { defineApi } from './api.js';

export const deleteGroups = defineApi({
  key: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 3,
  coordinatorKeys: (req) => ({ type: 0, keys: req.groupsNames }),
  errorResponse: (req, errorCode) => ({ throttleTimeMs: 0, results: req.groupsNames.map((groupId) => ({ groupId, errorCode })) }),
  async handle(req, ctx) {
    const results = [];
    for (const groupId of req.groupsNames) results.push({ groupId, errorCode: await ctx.broker.groups.deleteGroup(groupId) });
    return { throttleTimeMs: 0, results };
  },
});
