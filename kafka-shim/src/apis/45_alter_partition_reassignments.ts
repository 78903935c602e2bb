/**
 * AlterPartitionReassignments: v0 (flexible).
 *
 * Behaviour: as Kafka's controller for a cluster whose data is already on every broker: a target
 * replica list is validated as Kafka's validateManualPartitionAssignment does (not empty, known
 * brokers, no broker twice: INVALID_REPLICA_ASSIGNMENT) and then applied at once, since no replica
 * has anything to catch up (../cluster: the leader stays if it remains a replica, else the first
 * live new replica leads; the epoch moves when the leader changes or replicas leave). So no
 * reassignment is ever in progress, and cancelling one (null replicas) is
 * NO_REASSIGNMENT_IN_PROGRESS. Unknown partitions are UNKNOWN_TOPIC_OR_PARTITION.
 */
import { ErrorCode, KafkaError, catchKafkaError } from '../errors.js';
import { defineApi } from './api.js';

const NO_REASSIGNMENT = 'No partition reassignment is in progress for this topic-partition.';

export const alterPartitionReassignments = defineApi({
  key: 45,
  name: 'AlterPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  async handle(req, ctx) {
    const { log, cluster } = ctx.broker;
    const responses = [];
    for (const t of req.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        const r = await catchKafkaError(
          async () => {
            const topic = log.topic(t.name);
            if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find a topic named ${t.name}.`);
            if (!topic.partitions[p.partitionIndex]) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition ${t.name}:${p.partitionIndex}.`);
            if (p.replicas === null) throw new KafkaError(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, NO_REASSIGNMENT);
            validate(p.replicas, cluster.nodes);
            await cluster.reassign(topic, p.partitionIndex, p.replicas);
            return { partitionIndex: p.partitionIndex, errorCode: 0, errorMessage: null };
          },
          (err) => ({ partitionIndex: p.partitionIndex, errorCode: err.code, errorMessage: err.message }),
        );
        partitions.push(r);
      }
      responses.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses };
  },
});

/** ReplicationControlManager.validateManualPartitionAssignment, its messages included. */
function validate(replicas: readonly number[], brokers: readonly number[]): void {
  if (replicas.length === 0) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.');
  const sorted = [...replicas].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    if (!brokers.includes(sorted[i])) {
      throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${sorted[i]}, but no such broker is registered.`);
    }
    if (i > 0 && sorted[i] === sorted[i - 1]) {
      throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${sorted[i]} more than once.`);
    }
  }
}
