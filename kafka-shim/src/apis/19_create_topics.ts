/**
 * CreateTopics: v2-7 (flexible from v5).
 *
 * Behaviour: numPartitions -1 = the broker default; replication factor must be 1 or -1 (one
 * broker; INVALID_REPLICATION_FACTOR otherwise); manual assignments may only name this broker
 * and then replace numPartitions/replicationFactor (INVALID_REQUEST if both are given). Configs
 * are validated (INVALID_CONFIG); illegal names are INVALID_TOPIC_EXCEPTION; existing topics
 * TOPIC_ALREADY_EXISTS; a name given twice in one request INVALID_REQUEST. validateOnly checks
 * everything and creates nothing.
 *
 * Version notes: v0-1 are not served, as in Kafka 4 (KIP-896); v5+ returns partitions, replication factor and every config
 * with its source; v7 topic ids.
 */
import type { CreateTopicsRequest, CreateTopicsResponse } from '../protocol/generated/types.js';
import { topicConfigEntries } from '../log/describe.js';
import { catchKafkaError, ErrorCode, KafkaError } from '../errors.js';
import { defineApi } from './api.js';

type Result = NonNullable<CreateTopicsResponse['topics']>[number];
type Creatable = CreateTopicsRequest['topics'][number];

export const createTopics = defineApi({
  key: 19,
  name: 'CreateTopics',
  minVersion: 2,
  maxVersion: 7,
  async handle(req, ctx) {
    const { log, cluster } = ctx.broker;
    const brokers = cluster.nodes;
    // Every broker holds every partition (../cluster): an assignment may name any brokers, each once.
    const validReplicas = (ids: readonly number[]) => ids.length > 0 && new Set(ids).size === ids.length && ids.every((id) => brokers.includes(id));
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);

    const partitionCount = (t: Creatable): number => {
      if (t.assignments.length > 0) {
        if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
          throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
        }
        const indexes = new Set(t.assignments.map((a) => a.partitionIndex));
        const valid =
          t.assignments.every((a) => validReplicas(a.brokerIds)) &&
          indexes.size === t.assignments.length &&
          [...indexes].every((i) => i >= 0 && i < t.assignments.length);
        if (!valid) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Assignments must name brokers among ${brokers.join(', ')}, each at most once, for each of partitions 0..${t.assignments.length - 1}.`);
        return t.assignments.length;
      }
      if (t.replicationFactor > brokers.length) throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${t.replicationFactor} larger than available brokers: ${brokers.length}.`);
      if (t.replicationFactor !== -1 && t.replicationFactor < 1) {
        throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
      }
      if (t.numPartitions !== -1 && t.numPartitions < 1) {
        throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0, or -1 to use the default value.');
      }
      return t.numPartitions;
    };

    const topics = await Promise.all(
      req.topics.map((t) =>
        catchKafkaError(
          async (): Promise<Result> => {
            if (counts.get(t.name)! > 1) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Create topics request contains duplicate topic name ${t.name}.`);
            const created = await log.createTopic(t.name, partitionCount(t), t.configs.map((c) => [c.name, c.value] as [string, string | null]), req.validateOnly);
            return {
              name: t.name,
              topicId: created.id,
              errorCode: 0,
              errorMessage: null,
              topicConfigErrorCode: 0,
              numPartitions: created.partitions.length,
              replicationFactor: 1,
              configs: topicConfigEntries(created, ctx.broker.log.dynamicSynonyms).map((c) => ({ name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.source, isSensitive: false })),
            };
          },
          (err): Result => ({ name: t.name, errorCode: err.code, errorMessage: err.message, numPartitions: -1, replicationFactor: -1, configs: [] }),
        ),
      ),
    );
    return { throttleTimeMs: 0, topics };
  },
});
