/**
 * DescribeGroups: v0-6 (flexible from v5).
 *
 * Behaviour: state, protocol and members of each group; a group we do not know is "Dead" with
 * no error, as in Kafka. Member metadata and assignments are filled only when the group is Stable.
 * Version notes: v3 authorized operations (everything a group supports, when asked: no ACLs);
 * v4 group instance ids; v6 (KIP-1043) answers a group it does not have with GROUP_ID_NOT_FOUND
 * and Kafka's message instead of a silent "Dead".
 */
import { ALL_GROUP_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';
import { defineApi } from './api.js';
import { ErrorCode } from '../errors.js';


export const describeGroups = defineApi({
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 6,
  coordinatorKeys: (req) => ({ type: 0, keys: req.groups }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    groups: req.groups.map((groupId) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] })),
  }),
  handle(req, ctx) {
    const authorizedOperations = req.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : NO_OPERATIONS;
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((id) => {
        const g = ctx.broker.groups.describe(id);
        if (ctx.apiVersion >= 6 && g.groupState === 'Dead' && g.errorCode === ErrorCode.NONE) {
          return { ...g, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${id} not found.`, authorizedOperations };
        }
        return { ...g, authorizedOperations };
      }),
    };
  },
});
