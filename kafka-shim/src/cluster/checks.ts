/**
 * The per-partition checks a broker makes before serving a partition (Kafka's
 * Partition.getLocalLog): the client's current leader epoch first, then leadership. One function
 * so Produce, Fetch, ListOffsets and OffsetForLeaderEpoch refuse alike.
 */
import type { Broker } from '../broker.js';
import { ErrorCode } from '../errors.js';
import type { Topic } from '../log/index.js';
import type { PartitionView } from './cluster.js';

export interface ServeCheck {
  /** NONE, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH or NOT_LEADER_OR_FOLLOWER. */
  errorCode: number;
  view: PartitionView;
}

/**
 * Whether broker `nodeId` may serve `topic`-`partition` (which exists). `currentLeaderEpoch` -1
 * means the client does not know it (no check). `requireLeader` false lets any replica serve
 * (consumer Fetch v11+, as Kafka's FetchParams.fetchOnlyLeader).
 */
export function checkServe(broker: Broker, nodeId: number, topic: Topic, partition: number, currentLeaderEpoch: number, requireLeader = true): ServeCheck {
  const view = broker.cluster.partition(topic, partition);
  let errorCode: number = ErrorCode.NONE;
  if (currentLeaderEpoch >= 0 && view.epoch > currentLeaderEpoch) errorCode = ErrorCode.FENCED_LEADER_EPOCH;
  else if (currentLeaderEpoch >= 0 && view.epoch < currentLeaderEpoch) errorCode = ErrorCode.UNKNOWN_LEADER_EPOCH;
  else if (requireLeader ? view.leader !== nodeId : !view.replicas.includes(nodeId)) errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
  return { errorCode, view };
}

/** KIP-951's hint sent with NOT_LEADER_OR_FOLLOWER (Produce v10+, Fetch v16+): who leads now. */
export function currentLeader(view: PartitionView): { leaderId: number; leaderEpoch: number } {
  return { leaderId: view.leader, leaderEpoch: view.epoch };
}

/** KIP-951's nodeEndpoints: the listed leaders' addresses on the client's listener. */
export function nodeEndpoints(broker: Broker, listener: string, ids: Iterable<number>): { nodeId: number; host: string; port: number; rack: null }[] {
  const out = [];
  for (const id of new Set(ids)) {
    const at = broker.cluster.endpoint(listener, id);
    if (id >= 0 && at) out.push({ nodeId: id, host: at.host, port: at.port, rack: null });
  }
  return out;
}
