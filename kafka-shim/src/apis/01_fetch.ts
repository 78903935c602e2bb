/**
 * Fetch: v4-17 (flexible from v12).
 *
 * Behaviour: serves stored batch bytes as they are (any codec, never decompressed), starting with
 * the whole batch that holds fetchOffset. Long polls until minBytes are available or maxWaitMs has
 * passed on the broker clock, woken by appends (no polling). maxBytes and partitionMaxBytes are
 * honoured in whole batches, except that the first batch of the first partition with data is
 * always returned (KIP-74). Empty partitions carry zero-length records, never null.
 * Transactions (isolationLevel 1 = read_committed): batches at or past the partition's last stable
 * offset are not returned (nor counted for minBytes), and abortedTransactions lists the aborted
 * transactions overlapping what is returned, so clients drop their records; read_uncommitted gets
 * everything up to the high watermark and null abortedTransactions, as Kafka.
 *
 * Version notes: v4 is the first with record batches (v0-3 message sets are not served); v7+
 * fetch sessions are not created (sessionId 0, every request is a full fetch): an unknown
 * session is FETCH_SESSION_ID_NOT_FOUND and an epoch other than -1/0 INVALID_FETCH_SESSION_EPOCH;
 * v11 preferredReadReplica is -1. v13+ name topics by id only: an id we do not know (never
 * created, or deleted, or deleted and re-created under the same name) is UNKNOWN_TOPIC_ID on each
 * of its partitions, answered at once, as Kafka does. v14 changes nothing on the wire; v15
 * replicaState and v17 replicaDirectoryId concern follower replicas (consumers send -1 and
 * zeros); v16 adds currentLeader/nodeEndpoints (KIP-951), sent with NOT_LEADER_OR_FOLLOWER and
 * FENCED_LEADER_EPOCH.
 * Leadership (../cluster): the client's currentLeaderEpoch (v9+) is checked first (older:
 * FENCED_LEADER_EPOCH, newer: UNKNOWN_LEADER_EPOCH); then before v11 only the leader serves a
 * partition (NOT_LEADER_OR_FOLLOWER elsewhere), while from v11 any replica serves consumers, as
 * Kafka's fetchOnlyLeader (every broker holds all the data here, at the same high watermark).
 */
import type { FetchResponse } from '../protocol/generated/types.js';
import { catchKafkaError, ErrorCode } from '../errors.js';
import type { Partition, Topic } from '../log/index.js';
import type { PartitionView } from '../cluster/cluster.js';
import { checkServe, currentLeader, nodeEndpoints } from '../cluster/checks.js';
import { defineApi } from './api.js';

type PartitionData = NonNullable<NonNullable<FetchResponse['responses']>[number]['partitions']>[number];

interface Wanted {
  /** The topic as the request names it: its name before v13, its id from v13. */
  key: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

const READ_COMMITTED = 1;

const TOPIC_IDS = 13;
/** From v11 (rack-aware clients) followers serve consumers too. */
const FOLLOWER_FETCH = 11;

export const fetch = defineApi({
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  async handle(req, ctx) {
    const { log, core } = ctx.broker;
    if (req.sessionId !== 0) return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    if (req.sessionEpoch !== -1 && req.sessionEpoch !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, responses: [] };
    }
    const byId = ctx.apiVersion >= TOPIC_IDS;
    const committed = req.isolationLevel === READ_COMMITTED;
    const limit = (p: Partition) => (committed ? p.lastStableOffset : Infinity);
    const wanted: Wanted[] = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({ key: byId ? t.topicId : t.topic, partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes, currentLeaderEpoch: p.currentLeaderEpoch })),
    );
    // Topics are looked up again after waiting (one may have been deleted meanwhile), through a
    // fresh finder each pass; ids are resolved once per topic per pass (topicById scans topics).
    const finder = (): ((key: string) => Topic | undefined) => {
      if (!byId) return (name) => log.topic(name);
      const byKey = new Map<string, Topic | undefined>();
      return (id) => {
        if (!byKey.has(id)) byKey.set(id, log.topicById(id));
        return byKey.get(id);
      };
    };
    const lookup = (w: Wanted, find: (key: string) => Topic | undefined): Partition | number => {
      const topic = find(w.key);
      if (!topic) return byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      const p = topic.partitions[w.partition];
      if (!p) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      const { errorCode, view } = checkServe(ctx.broker, ctx.conn.nodeId, topic, w.partition, w.currentLeaderEpoch, ctx.apiVersion < FOLLOWER_FETCH);
      if (errorCode !== ErrorCode.NONE) {
        if (errorCode !== ErrorCode.UNKNOWN_LEADER_EPOCH) hints.set(`${w.key}\0${w.partition}`, view);
        return errorCode;
      }
      return p;
    };
    // Who leads the partitions refused for leadership (KIP-951 currentLeader, nodeEndpoints).
    const hints = new Map<string, PartitionView>();

    const deadline = core.clock.now() + Math.max(0, req.maxWaitMs);
    for (;;) {
      let available = 0;
      let failing = false;
      const parts: Partition[] = [];
      const find = finder();
      for (const w of wanted) {
        const p = lookup(w, find);
        if (typeof p === 'number' || !p.canFetch(w.fetchOffset)) {
          failing = true;
          break;
        }
        parts.push(p);
        available += p.bytesFrom(w.fetchOffset, Math.min(w.partitionMaxBytes, req.minBytes - available), limit(p));
      }
      // Errors are answered at once, as Kafka does.
      if (failing || available >= req.minBytes || core.clock.now() >= deadline || parts.length === 0) break;
      await log.waitForData(parts, deadline, ctx.signal);
      if (ctx.signal?.aborted) break;
    }

    let remaining = req.maxBytes;
    let minOne = true;
    const byTopic = new Map<string, PartitionData[]>();
    const find = finder();
    for (const w of wanted) {
      let list = byTopic.get(w.key);
      if (!list) byTopic.set(w.key, (list = []));
      const p = lookup(w, find);
      if (typeof p === 'number') {
        const hint = hints.get(`${w.key}\0${w.partition}`);
        list.push(hint ? { ...errorData(w.partition, p), currentLeader: currentLeader(hint) } : errorData(w.partition, p));
        continue;
      }
      const data = await catchKafkaError(
        async (): Promise<PartitionData> => {
          const upTo = limit(p);
          const lastStableOffset = p.lastStableOffset;
          const batches = !ctx.signal?.aborted && (remaining > 0 || minOne) ? await p.read(w.fetchOffset, Math.max(0, Math.min(w.partitionMaxBytes, remaining)), minOne, upTo) : [];
          let size = 0;
          for (const b of batches) size += b.length;
          // The aborted transactions up to the end of what is returned (UnifiedLog.collectAbortedTransactions).
          const end = batches.length > 0 ? lastOffsetOf(batches[batches.length - 1]) + 1 : w.fetchOffset;
          const abortedTransactions = committed ? p.txns.abortedIn(w.fetchOffset, end) : null;
          if (size > 0) minOne = false;
          remaining -= size;
          return {
            partitionIndex: w.partition,
            errorCode: 0,
            highWatermark: p.highWatermark,
            lastStableOffset,
            logStartOffset: p.logStartOffset,
            abortedTransactions,
            preferredReadReplica: -1,
            // The stored batches as they are: the encoder writes them back to back, uncopied.
            records: batches,
          };
        },
        (err) => errorData(w.partition, err.code),
      );
      list.push(data);
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [...byTopic].map(([key, partitions]) => (byId ? { topicId: key, partitions } : { topic: key, partitions })),
      nodeEndpoints: nodeEndpoints(ctx.broker, ctx.conn.advertised.listener, [...hints.values()].map((v) => v.leader)),
    };
  },
});

function lastOffsetOf(batch: Buffer): number {
  return Number(batch.readBigInt64BE(0)) + batch.readInt32BE(23);
}

function errorData(partition: number, errorCode: number): PartitionData {
  return {
    partitionIndex: partition,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: Buffer.alloc(0),
  };
}
