/**
 * ConsumerGroupDescribe: v0-1 (flexible), the KIP-848 view of consumer groups.
 *
 * Behaviour: state (Empty, Assigning, Reconciling, Stable), group and assignment epochs, the
 * assignor in use, and each member's subscription, current and target assignment. A group we do
 * not have, or a classic group, is GROUP_ID_NOT_FOUND with Kafka's message.
 * Version notes: v1 (KIP-1099) adds each member's type: always 1 (consumer), since classic members
 * never join a consumer group here.
 */
import { ALL_GROUP_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';
import { defineApi } from './api.js';

/** KIP-1099's member type: -1 unknown, 0 classic, 1 consumer (written from v1 only). */
const CONSUMER_MEMBER = 1;

export const consumerGroupDescribe = defineApi({
  key: 69,
  coordinatorKeys: (req) => ({ type: 0, keys: req.groupIds }),
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const authorizedOperations = req.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : NO_OPERATIONS;
    return {
      throttleTimeMs: 0,
      groups: req.groupIds.map((id) => {
        const g = ctx.broker.groups.consumerDescribe(id);
        return { ...g, members: g.members.map((m) => ({ ...m, memberType: CONSUMER_MEMBER })), authorizedOperations };
      }),
    };
  },
});
