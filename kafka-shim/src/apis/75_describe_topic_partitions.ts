/**
 * DescribeTopicPartitions: v0 (flexible), KIP-966. Current clients (the Java admin client since
 * 3.8, @platformatic/kafka) describe topics with it instead of Metadata.
 *
 * Behaviour, as a Kafka broker: an empty topic list means every topic. Topics are answered in name
 * order, starting at the cursor's topic (partitions from the cursor's index); a cursor topic
 * missing from a non-empty list, or a negative cursor index, is INVALID_REQUEST on every
 * requested topic. At most
 * min(responsePartitionLimit, 2000) partitions are returned (Kafka's
 * max.request.partition.size.limit); when the limit stops the answer inside a topic, nextCursor
 * names the first partition left out, and when it stops between topics, the next topic at
 * partition 0. Requested topics that do not exist are UNKNOWN_TOPIC_OR_PARTITION
 * (INVALID_TOPIC_EXCEPTION for illegal names) with a zero topic id; nothing is auto-created.
 * Leader, leader epoch, replicas, ISR and offline replicas as the cluster has them (../cluster;
 * with one broker, it leads everything), no eligible leader replicas. Topic authorized operations are always returned: everything (no ACLs).
 */
import type { DescribeTopicPartitionsResponse } from '../protocol/generated/types.js';
import { catchKafkaError, ErrorCode } from '../errors.js';
import { ZERO_UUID } from '../protocol/spec.js';
import { defineApi } from './api.js';
import { ALL_TOPIC_OPERATIONS } from './authorized-operations.js';

type TopicResult = NonNullable<DescribeTopicPartitionsResponse['topics']>[number];

/** Kafka's max.request.partition.size.limit default. */
const MAX_PARTITIONS = 2000;

export const describeTopicPartitions = defineApi({
  key: 75,
  name: 'DescribeTopicPartitions',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const { log, cluster } = ctx.broker;
    const all = req.topics.length === 0;
    const cursorTopic = req.cursor?.topicName ?? '';
    const names = new Set(all ? log.topics().map((t) => t.name) : req.topics.map((t) => t.name));
    // Kafka refuses these two cursors with INVALID_REQUEST on every requested topic.
    if (req.cursor && (req.cursor.partitionIndex < 0 || (!all && !names.has(cursorTopic)))) return failAll(req.topics, ErrorCode.INVALID_REQUEST);
    // Code-unit order, as Java's String.compareTo.
    const sorted = [...names].filter((n) => n >= cursorTopic).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    let remaining = Math.min(MAX_PARTITIONS, req.responsePartitionLimit);
    const topics: TopicResult[] = [];
    let nextCursor: { topicName: string; partitionIndex: number } | null = null;
    for (const name of sorted) {
      if (remaining <= 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const topic = log.topic(name);
      if (!topic) {
        // Only a topic asked for by name can be missing (one deleted meanwhile is just skipped).
        if (all) continue;
        const errorCode = catchKafkaError(
          () => (log.validateName(name), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
          (err) => err.code,
        );
        topics.push({ errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: ALL_TOPIC_OPERATIONS });
        continue;
      }
      const start = name === cursorTopic ? req.cursor!.partitionIndex : 0;
      const end = Math.min(topic.partitions.length, start + remaining);
      const partitions = [];
      for (let i = start; i < end; i++) {
        const v = cluster.partition(topic, i);
        partitions.push({ errorCode: 0, partitionIndex: i, leaderId: v.leader, leaderEpoch: v.epoch, replicaNodes: [...v.replicas], isrNodes: [...v.isr], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [...v.offline] });
      }
      topics.push({ errorCode: 0, name, topicId: topic.id, isInternal: false, partitions, topicAuthorizedOperations: ALL_TOPIC_OPERATIONS });
      if (end < topic.partitions.length) {
        nextCursor = { topicName: name, partitionIndex: end };
        break;
      }
      remaining -= Math.max(0, end - start);
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
  errorResponse: (req, errorCode) => failAll(req.topics, errorCode),
});

/** Kafka's error answer: every requested topic with the error, no partitions. */
function failAll(requested: { name: string }[], errorCode: number): DescribeTopicPartitionsResponse {
  return {
    throttleTimeMs: 0,
    topics: requested.map((t) => ({ errorCode, name: t.name, topicId: ZERO_UUID, isInternal: false, partitions: [] })),
    nextCursor: null,
  };
}
