/**
 * CreatePartitions: v0-3 (flexible from v2).
 *
 * Behaviour: grows a topic to `count` partitions (new ones start empty at offset 0). A count not
 * above the current one is INVALID_PARTITIONS; assignments, if given, must list this broker once
 * per new partition (INVALID_REPLICA_ASSIGNMENT); unknown topics UNKNOWN_TOPIC_OR_PARTITION; a
 * topic named twice INVALID_REQUEST. validateOnly changes nothing.
 *
 * Version notes: v1 is v0 (throttling behaviour only); v2 is flexible; v3 only adds
 * THROTTLING_QUOTA_EXCEEDED, which we never return.
 */
import { catchKafkaError, ErrorCode, KafkaError } from '../errors.js';
import { defineApi } from './api.js';

export const createPartitions = defineApi({
  key: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const { log, cluster } = ctx.broker;
    const brokers = cluster.nodes;
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results = await Promise.all(
      req.topics.map((t) =>
        catchKafkaError(
          async () => {
            if (counts.get(t.name)! > 1) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Duplicate topic in request: ${t.name}`);
            const current = log.topic(t.name)?.partitions.length;
            if (t.assignments !== null && current !== undefined) {
              const ok = t.assignments.length === t.count - current && t.assignments.every((a) => a.brokerIds.length > 0 && new Set(a.brokerIds).size === a.brokerIds.length && a.brokerIds.every((id) => brokers.includes(id)));
              if (!ok) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Assignments must name brokers among ${brokers.join(', ')}, each at most once, for each of the ${t.count - current} new partitions.`);
            }
            await log.createPartitions(t.name, t.count, req.validateOnly);
            return { name: t.name, errorCode: 0, errorMessage: null };
          },
          (err) => ({ name: t.name, errorCode: err.code, errorMessage: err.message }),
        ),
      ),
    );
    return { throttleTimeMs: 0, results };
  },
});
