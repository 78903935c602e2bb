/**
 * What ConsumerGroupHeartbeat and ConsumerGroupDescribe hand the coordinator and get back,
 * independent of the request version, and the heartbeat's request checks (Kafka's
 * throwIfConsumerGroupHeartbeatRequestIsInvalid: the same conditions, codes and messages).
 */
import { ErrorCode, KafkaError } from '../../errors.js';
import type { Assignment } from './assignors.js';
import type { Owned } from './member.js';
import { compileRegex } from './regex.js';

export interface HeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  topicPartitions: Owned;
  clientId: string;
  clientHost: string;
  apiVersion: number;
}

export interface HeartbeatResult {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: { topicPartitions: { topicId: string; partitions: number[] }[] } | null;
}

export type WireAssignment = { topicPartitions: { topicId: string; topicName: string; partitions: number[] }[] };

/** ConsumerGroupDescribe's answer for one group. */
export interface ConsumerGroupDescription {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: {
    memberId: string;
    instanceId: string | null;
    rackId: string | null;
    memberEpoch: number;
    clientId: string;
    clientHost: string;
    subscribedTopicNames: string[];
    subscribedTopicRegex: string | null;
    assignment: WireAssignment;
    targetAssignment: WireAssignment;
  }[];
}

export const LEAVE = -1;
export const STATIC_LEAVE = -2;

const nonEmpty = (v: string | null, what: string) => {
  if (v !== null && v.trim() === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, `${what} can't be empty.`);
};

export function validateHeartbeat(req: HeartbeatRequest, assignors: string[]): void {
  nonEmpty(req.groupId, 'GroupId');
  nonEmpty(req.instanceId, 'InstanceId');
  nonEmpty(req.rackId, 'RackId');
  // KIP-1082: from v1 the client makes up its member id.
  if (req.apiVersion >= 1 || req.memberEpoch !== 0) nonEmpty(req.memberId, 'MemberId');
  if (req.memberEpoch === 0) {
    if (req.rebalanceTimeoutMs === -1) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'RebalanceTimeoutMs must be provided in first request.');
    if (req.topicPartitions === null || req.topicPartitions.length > 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'TopicPartitions must be empty when (re-)joining.');
    if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.');
    }
  } else if (req.memberEpoch === STATIC_LEAVE) {
    if (req.instanceId === null) throw new KafkaError(ErrorCode.INVALID_REQUEST, "InstanceId can't be null.");
  } else if (req.memberEpoch < STATIC_LEAVE) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, 'MemberEpoch is invalid.');
  }
  if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== '') compileRegex(req.subscribedTopicRegex);
  if (req.serverAssignor !== null && !assignors.includes(req.serverAssignor)) {
    throw new KafkaError(ErrorCode.UNSUPPORTED_ASSIGNOR, `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${assignors.join(', ')}.`);
  }
}

export const toWire = (a: Assignment) =>
  [...a].filter(([, s]) => s.size > 0).map(([topicId, s]) => ({ topicId, partitions: [...s].sort((x, y) => x - y) }));
