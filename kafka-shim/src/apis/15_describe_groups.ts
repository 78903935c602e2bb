/**
 * DescribeGroups: v0-5 (flexible from v5).
 *
 * Behaviour: state, protocol and members of each group; a group we do not know is "Dead" with
 * no error, as in Kafka. Member metadata and assignments are filled only when the group is Stable.
 * Version notes: v3 authorized operations (everything a group supports, when asked: no ACLs);
 * v4 group instance ids.
 */
import { ALL_GROUP_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';
import { defineApi } from './api.js';


export const describeGroups = defineApi({
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  coordinatorKeys: (req) => ({ type: 0, keys: req.groups }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    groups: req.groups.map((groupId) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] })),
  }),
  handle(req, ctx) {
    const authorizedOperations = req.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : NO_OPERATIONS;
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((id) => ({ ...ctx.broker.groups.describe(id), authorizedOperations })),
    };
  },
});
