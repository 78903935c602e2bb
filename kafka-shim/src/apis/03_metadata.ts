/**
 * Metadata: v0-12 (flexible from v9).
 *
 * Behaviour: the live brokers of the cluster (../cluster; one by default), at the addresses of the
 * listener the request came in on; each partition's leader, leader epoch, replicas, ISR (the live
 * replicas) and offline replicas. Requested topics that do not exist are created with the default partition count when the
 * request allows it (always before v4), so they are usable in this very response; otherwise
 * UNKNOWN_TOPIC_OR_PARTITION, and INVALID_TOPIC_EXCEPTION for illegal names.
 *
 * Version notes: v0 empty topic list = all topics; v1+ null = all, empty = none. v10+ carries
 * topic ids; v12 may ask by id (UNKNOWN_TOPIC_ID when unknown). v7 adds leader epochs (a new
 * partition's is 0, as in Kafka; each leadership change adds one). A partition with no live
 * replica is LEADER_NOT_AVAILABLE with leader -1.
 * Authorized operations are reported as "everything" when asked for (no ACLs). Kafka 4's v13 is
 * not in the schemas the codec is generated from.
 */
import type { MetadataResponse } from '../protocol/generated/types.js';
import { catchKafkaError, ErrorCode } from '../errors.js';
import type { Topic } from '../log/index.js';
import { ZERO_UUID } from '../protocol/spec.js';
import { defineApi } from './api.js';
import { ALL_CLUSTER_OPERATIONS, ALL_TOPIC_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';

type TopicMetadata = NonNullable<MetadataResponse['topics']>[number];

export const metadata = defineApi({
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 13,
  async handle(req, ctx) {
    const { log, cluster } = ctx.broker;
    const listener = ctx.conn.advertised.listener;
    const v = ctx.apiVersion;
    const ops = req.includeTopicAuthorizedOperations ? ALL_TOPIC_OPERATIONS : NO_OPERATIONS;
    const describe = (t: Topic): TopicMetadata => ({
      errorCode: 0,
      name: t.name,
      topicId: t.id,
      isInternal: false,
      partitions: t.partitions.map((p) => {
        const view = cluster.partition(t, p.partition);
        return {
          errorCode: view.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : 0,
          partitionIndex: p.partition,
          leaderId: view.leader,
          leaderEpoch: view.epoch,
          replicaNodes: [...view.replicas],
          isrNodes: [...view.isr],
          offlineReplicas: [...view.offline],
        };
      }),
      topicAuthorizedOperations: ops,
    });
    const failed = (name: string | null, topicId: string, errorCode: number): TopicMetadata => ({
      errorCode,
      name: v < 12 ? (name ?? '') : name,
      topicId,
      isInternal: false,
      partitions: [],
      topicAuthorizedOperations: NO_OPERATIONS,
    });

    const all = req.topics === null || (v === 0 && req.topics.length === 0);
    const autoCreate = v < 4 || req.allowAutoTopicCreation;
    const topics: TopicMetadata[] = all
      ? log.topics().map(describe)
      : await Promise.all(
          req.topics!.map(async ({ name, topicId }): Promise<TopicMetadata> => {
            if (name === null) {
              const t = topicId !== ZERO_UUID ? log.topicById(topicId) : undefined;
              return t ? describe(t) : failed(null, topicId, ErrorCode.UNKNOWN_TOPIC_ID);
            }
            return catchKafkaError(
              async () => {
                const existing = log.topic(name);
                if (existing) {
                  await existing.ready;
                  return describe(existing);
                }
                log.validateName(name);
                if (!autoCreate) return failed(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                return describe(await log.ensureTopic(name));
              },
              (err) => {
                // A concurrent request may have just created it.
                const raced = err.code === ErrorCode.TOPIC_ALREADY_EXISTS ? log.topic(name) : undefined;
                return raced ? describe(raced) : failed(name, ZERO_UUID, err.code);
              },
            );
          }),
        );
    return {
      throttleTimeMs: 0,
      // The address of the listener this client came in on (see ../server/server.ts).
      brokers: cluster.liveNodes().map((nodeId) => {
        const at = cluster.endpoint(listener, nodeId) ?? ctx.conn.advertised;
        return { nodeId, host: at.host, port: at.port, rack: null };
      }),
      clusterId: ctx.broker.clusterId,
      controllerId: cluster.controller,
      topics,
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : NO_OPERATIONS,
    };
  },
});
