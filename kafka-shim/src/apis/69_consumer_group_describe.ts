/**
 * ConsumerGroupDescribe: v0 (flexible), the KIP-848 view of consumer groups.
 *
 * Behaviour: state (Empty, Assigning, Reconciling, Stable), group and assignment epochs, the
 * assignor in use, and each member's subscription, current and target assignment. A group we do
 * not have, or a classic group, is GROUP_ID_NOT_FOUND with Kafka's message.
 * Version notes: v1 (Kafka 4.1, member type) is not in our schemas yet.
 */
import { ALL_GROUP_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';
import { defineApi } from './api.js';

export const consumerGroupDescribe = defineApi({
  key: 69,
  coordinatorKeys: (req) => ({ type: 0, keys: req.groupIds }),
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const authorizedOperations = req.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : NO_OPERATIONS;
    return {
      throttleTimeMs: 0,
      groups: req.groupIds.map((id) => ({ ...ctx.broker.groups.consumerDescribe(id), authorizedOperations })),
    };
  },
});
