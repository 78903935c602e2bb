/**
 * ConsumerGroupHeartbeat: v0-1 (flexible from v0), the KIP-848 consumer group protocol.
 *
 * Behaviour: ../groups/consumer/coordinator.ts. Epoch 0 joins (or rejoins), -1 leaves, -2 is a
 * static member leaving for now (it keeps its partitions for a session timeout); any other epoch
 * heartbeats and acknowledges revocations through TopicPartitions. The answer carries the member
 * epoch, the heartbeat interval (group.consumer.heartbeat.interval.ms) and, when it changed or the
 * request was a full one, the member's assignment. Errors as Kafka: INVALID_REQUEST,
 * UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH, FENCED_INSTANCE_ID, UNRELEASED_INSTANCE_ID,
 * UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION, GROUP_ID_NOT_FOUND (a classic group with
 * members), each with Kafka's message.
 *
 * Version notes: v1 adds SubscribedTopicRegex and requires the client to choose its member id
 * (KIP-1082); v0 lets the coordinator make one up.
 */
import { defineApi } from './api.js';

export const consumerGroupHeartbeat = defineApi({
  key: 68,
  coordinatorKeys: (req) => ({ type: 0, keys: [req.groupId] }),
  name: 'ConsumerGroupHeartbeat',
  minVersion: 0,
  maxVersion: 1,
  async handle(req, ctx) {
    const r = await ctx.broker.groups.consumerHeartbeat({
      groupId: req.groupId,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId: req.instanceId,
      rackId: req.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: req.subscribedTopicNames,
      subscribedTopicRegex: ctx.apiVersion >= 1 ? req.subscribedTopicRegex : null,
      serverAssignor: req.serverAssignor,
      topicPartitions: req.topicPartitions,
      clientId: ctx.clientId ?? '',
      clientHost: `/${ctx.conn.remoteAddress}`,
      apiVersion: ctx.apiVersion,
    });
    return { throttleTimeMs: 0, ...r };
  },
});
