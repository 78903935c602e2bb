/**
 * ElectLeaders: v0-2 (flexible from v2).
 *
 * Behaviour (Kafka's ReplicationControlManager.electLeaders, on ../cluster): a PREFERRED election
 * (type 0) makes each partition's first replica its leader again (after a broker went down and came
 * back, or a manual move): ELECTION_NOT_NEEDED when it already leads, PREFERRED_LEADER_NOT_AVAILABLE
 * when it is down. An UNCLEAN election (type 1) elects a live replica for a partition without a
 * leader: ELECTION_NOT_NEEDED when it has one, ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is
 * alive. Null topicPartitions means every partition, and then the ELECTION_NOT_NEEDED ones are left
 * out of the answer, as Kafka does. Unknown partitions are UNKNOWN_TOPIC_OR_PARTITION; an unknown
 * election type is INVALID_REQUEST. Every broker accepts it (Kafka forwards it to the controller).
 *
 * Version notes: v0 has no election type (always preferred) and no top-level error code; v1 adds
 * both (KIP-460).
 */
import type { Broker } from '../broker.js';
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

const PREFERRED = 0;
const UNCLEAN = 1;

interface Result {
  errorCode: number;
  errorMessage: string | null;
}

const MESSAGES: Record<number, string> = {
  [ErrorCode.ELECTION_NOT_NEEDED]: 'Leader election not needed for topic partition.',
  [ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE]: 'The preferred leader was not available.',
  [ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE]: 'Eligible topic partition leaders are not available.',
};
const answer = (errorCode: number): Result => ({ errorCode, errorMessage: MESSAGES[errorCode] ?? null });

async function elect(broker: Broker, name: string, partition: number, type: number): Promise<Result> {
  const { log, cluster } = broker;
  const topic = log.topic(name);
  if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${name}` };
  if (!topic.partitions[partition]) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${name}-${partition}` };
  const view = cluster.partition(topic, partition);
  if (type === PREFERRED) {
    const preferred = view.replicas[0];
    if (view.leader === preferred) return answer(ErrorCode.ELECTION_NOT_NEEDED);
    if (!cluster.isLive(preferred)) return answer(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
    await cluster.setLeader(topic, partition, preferred);
    return answer(ErrorCode.NONE);
  }
  if (view.leader !== -1) return answer(ErrorCode.ELECTION_NOT_NEEDED);
  const next = view.replicas.find((r) => cluster.isLive(r));
  if (next === undefined) return answer(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE);
  await cluster.setLeader(topic, partition, next);
  return answer(ErrorCode.NONE);
}

export const electLeaders = defineApi({
  key: 43,
  name: 'ElectLeaders',
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const { log } = ctx.broker;
    const type = ctx.apiVersion === 0 ? PREFERRED : req.electionType;
    if (type !== PREFERRED && type !== UNCLEAN) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] };
    const replicaElectionResults = [];
    if (req.topicPartitions === null) {
      for (const t of log.topics()) {
        const partitionResult = [];
        for (let i = 0; i < t.partitions.length; i++) {
          const r = await elect(ctx.broker, t.name, i, type);
          if (r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED) partitionResult.push({ partitionId: i, ...r });
        }
        replicaElectionResults.push({ topic: t.name, partitionResult });
      }
    } else {
      for (const t of req.topicPartitions) {
        const partitionResult = [];
        for (const i of t.partitions) partitionResult.push({ partitionId: i, ...(await elect(ctx.broker, t.topic, i, type)) });
        replicaElectionResults.push({ topic: t.topic, partitionResult });
      }
    }
    return { throttleTimeMs: 0, errorCode: 0, replicaElectionResults };
  },
});
