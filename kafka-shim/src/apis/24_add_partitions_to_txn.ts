/**
 * AddPartitionsToTxn: v0-5 (flexible from v3).
 *
 * Behaviour: adds partitions to the transactional id's transaction (starting it), with the
 * coordinator's checks (../txn/coordinator.ts). As Kafka's KafkaApis: any unknown partition fails
 * the whole transaction's request, the unknown ones UNKNOWN_TOPIC_OR_PARTITION and the others
 * OPERATION_NOT_ATTEMPTED; otherwise one error (or NONE) for every partition.
 *
 * Version notes: v0-3 carry one transaction (the v3AndBelow fields); v2 is the first to be told
 * PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH); v4+ batch transactions
 * (resultsByTransaction) and have the verifyOnly form brokers use to check a transactional
 * produce: per partition NONE if it is in the transaction, else TRANSACTION_ABORTABLE, nothing
 * added; v5 only allows TRANSACTION_ABORTABLE for clients.
 */
import { ErrorCode } from '../errors.js';
import { defineApi, type RequestContext } from './api.js';

interface Txn {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: { name: string; partitions: number[] }[];
}

type TopicResult = { name: string; resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[] };

async function handleTxn(t: Txn, ctx: RequestContext): Promise<TopicResult[]> {
  const { log, txn } = ctx.broker;
  const all = t.topics.flatMap((x) => x.partitions.map((p): [string, number] => [x.name, p]));
  const unknown = new Set(all.filter(([name, p]) => !log.topic(name)?.partitions[p]).map(([n, p]) => `${n}\0${p}`));
  const results = (code: (topic: string, partition: number) => number): TopicResult[] =>
    t.topics.map((x) => ({ name: x.name, resultsByPartition: x.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: code(x.name, p) })) }));
  if (unknown.size > 0) return results((n, p) => (unknown.has(`${n}\0${p}`) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
  if (t.verifyOnly) {
    const verified = txn.verify(t.transactionalId, t.producerId, t.producerEpoch, all);
    const byKey = new Map(verified.map((r) => [`${r.topic}\0${r.partition}`, r.errorCode]));
    return results((n, p) => byKey.get(`${n}\0${p}`) ?? ErrorCode.NONE);
  }
  let code = await txn.addPartitions(t.transactionalId, t.producerId, t.producerEpoch, all);
  if (code === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2) code = ErrorCode.INVALID_PRODUCER_EPOCH;
  return results(() => code);
}

export const addPartitionsToTxn = defineApi({
  key: 24,
  coordinatorKeys: (req, version) => ({ type: 1, keys: version < 4 ? [req.v3AndBelowTransactionalId] : req.transactions.map((t) => t.transactionalId) }),
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 5,
  async handle(req, ctx) {
    if (ctx.apiVersion < 4) {
      const resultsByTopicV3AndBelow = await handleTxn(
        { transactionalId: req.v3AndBelowTransactionalId, producerId: req.v3AndBelowProducerId, producerEpoch: req.v3AndBelowProducerEpoch, verifyOnly: false, topics: req.v3AndBelowTopics },
        ctx,
      );
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow };
    }
    const resultsByTransaction = await Promise.all(req.transactions.map(async (t) => ({ transactionalId: t.transactionalId, topicResults: await handleTxn(t, ctx) })));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
  },
});
