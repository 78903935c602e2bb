/**
 * Fetch: v4-12 (flexible from v12).
 *
 * Behaviour: serves stored batch bytes as they are (any codec, never decompressed), starting with
 * the whole batch that holds fetchOffset. Long polls until minBytes are available or maxWaitMs has
 * passed on the broker clock, woken by appends (no polling). maxBytes and partitionMaxBytes are
 * honoured in whole batches, except that the first batch of the first partition with data is
 * always returned (KIP-74). Empty partitions carry zero-length records, never null.
 * No transactions: lastStableOffset = high watermark and abortedTransactions is empty, so
 * read_committed consumers (kafkajs' default) see everything.
 *
 * Version notes: v4 is the first with record batches (v0-3 message sets are not served); v7+
 * fetch sessions are not created (sessionId 0, every request is a full fetch): an unknown
 * session is FETCH_SESSION_ID_NOT_FOUND and an epoch other than -1/0 INVALID_FETCH_SESSION_EPOCH;
 * v11 preferredReadReplica is -1; v13+ (topic ids) not served.
 */
import type { FetchRequest, FetchResponse } from '../protocol/generated/types.js';
import { ErrorCode, KafkaError, type Partition } from '../log/index.js';
import { register } from './registry.js';

type PartitionData = NonNullable<NonNullable<FetchResponse['responses']>[number]['partitions']>[number];

interface Wanted {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
}

register({
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 12,
  async handle(req: FetchRequest, ctx): Promise<FetchResponse> {
    const { log, core } = ctx.broker;
    if (req.sessionId !== 0) return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    if (req.sessionEpoch !== -1 && req.sessionEpoch !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, responses: [] };
    }
    const wanted: Wanted[] = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes })),
    );
    const lookup = (w: Wanted): Partition | undefined => log.topic(w.topic)?.partitions[w.partition];

    const deadline = core.clock.now() + Math.max(0, req.maxWaitMs);
    for (;;) {
      let available = 0;
      let failing = false;
      const parts: Partition[] = [];
      for (const w of wanted) {
        const p = lookup(w);
        if (!p || !p.canFetch(w.fetchOffset)) {
          failing = true;
          break;
        }
        parts.push(p);
        available += p.bytesFrom(w.fetchOffset, Math.min(w.partitionMaxBytes, req.minBytes - available));
      }
      // Errors are answered at once, as Kafka does.
      if (failing || available >= req.minBytes || core.clock.now() >= deadline || parts.length === 0) break;
      await log.waitForData(parts, deadline);
    }

    let remaining = req.maxBytes;
    let minOne = true;
    const byTopic = new Map<string, PartitionData[]>();
    for (const w of wanted) {
      let list = byTopic.get(w.topic);
      if (!list) byTopic.set(w.topic, (list = []));
      const p = lookup(w);
      if (!p) {
        list.push(errorData(w.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        continue;
      }
      try {
        const batches = remaining > 0 || minOne ? await p.read(w.fetchOffset, Math.max(0, Math.min(w.partitionMaxBytes, remaining)), minOne) : [];
        let size = 0;
        for (const b of batches) size += b.length;
        if (size > 0) minOne = false;
        remaining -= size;
        list.push({
          partitionIndex: w.partition,
          errorCode: 0,
          highWatermark: p.highWatermark,
          lastStableOffset: p.highWatermark,
          logStartOffset: p.logStartOffset,
          abortedTransactions: [],
          preferredReadReplica: -1,
          // The stored batches as they are: the encoder writes them back to back, uncopied.
          records: batches,
        });
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        list.push(errorData(w.partition, err.code));
      }
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    };
  },
});

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
