/**
 * Produce: v3-11 (flexible from v9).
 *
 * Behaviour: each partition must carry exactly one magic-2 record batch; it is validated as Kafka's
 * LogValidator does (records/validate.ts) and stored as sent with only its base offset, leader
 * epoch and maxTimestamp set (re-checksummed when the timestamp changes).
 * acks=1/-1 are answered once the batch is in LevelDB; acks=0 gets no response at all.
 * Unknown topics are UNKNOWN_TOPIC_OR_PARTITION (creation happens through Metadata).
 *
 * Version notes: v3 is the first with record batches (v0-2 message sets are not served); zstd
 * needs v7+ (UNSUPPORTED_COMPRESSION_TYPE below); v8 adds recordErrors/errorMessage; v10 adds
 * the tagged currentLeader/nodeEndpoints (KIP-951), sent with NOT_LEADER_OR_FOLLOWER (a broker of
 * a cluster that does not lead the partition, ../cluster) so the client can go straight to the leader.
 * Produce v11 (genericError, KIP-1050) gets TRANSACTION_ABORTABLE where older versions get
 * INVALID_TXN_STATE (a transactional batch for a partition not in its transaction), as Kafka.
 * Idempotence (log/producers.ts): a retried batch is answered with its original offsets and not
 * written again; an old epoch is INVALID_PRODUCER_EPOCH and a sequence gap
 * OUT_OF_ORDER_SEQUENCE_NUMBER at every version (Kafka answers PRODUCER_FENCED only to the
 * coordinator APIs). Transactions (Kafka 4's verification): a producer's first transactional batch
 * on a partition needs the partition in its ongoing transaction (AddPartitionsToTxn) and the
 * current epoch, else INVALID_TXN_STATE / INVALID_PRODUCER_EPOCH. v12 (Kafka 4.0, KIP-890 part 2) is not in the schemas the codec is generated from.
 */
import type { ProduceResponse } from '../protocol/generated/types.js';
import { catchKafkaError, ErrorCode } from '../errors.js';
import { ProduceError } from '../records/validate.js';
import { checkServe, currentLeader, nodeEndpoints } from '../cluster/checks.js';
import { defineApi, NO_RESPONSE } from './api.js';

type PartitionResponse = NonNullable<NonNullable<ProduceResponse['responses']>[number]['partitionResponses']>[number];

export const produce = defineApi({
  key: 0,
  name: 'Produce',
  minVersion: 3,
  // Kafka 4 advertises v0 (v0-2 close the connection there too): some librdkafka versions take a
  // Produce minimum above 0 to mean Produce is not supported at all.
  advertisedMinVersion: 0,
  maxVersion: 11,
  async handle(req, ctx) {
    const { log } = ctx.broker;
    const validAcks = req.acks === 0 || req.acks === 1 || req.acks === -1;
    const failed = (index: number, errorCode: number, errorMessage: string | null): PartitionResponse => ({
      index,
      errorCode,
      baseOffset: -1,
      logAppendTimeMs: -1,
      logStartOffset: -1,
      recordErrors: [],
      errorMessage,
    });
    // Leaders named in NOT_LEADER_OR_FOLLOWER answers (KIP-951 nodeEndpoints).
    const leaders: number[] = [];
    const notLeader = (name: string, index: number): PartitionResponse | undefined => {
      const topic = log.topic(name);
      if (!topic?.partitions[index]) return undefined;
      const { errorCode, view } = checkServe(ctx.broker, ctx.conn.nodeId, topic, index, -1);
      if (errorCode === ErrorCode.NONE) return undefined;
      leaders.push(view.leader);
      return { ...failed(index, errorCode, null), currentLeader: currentLeader(view) };
    };
    const topics = req.topicData.map((t) => ({
      name: t.name,
      partitions: t.partitionData.map(
        (p): Promise<PartitionResponse> => {
          const refused = validAcks ? notLeader(t.name, p.index) : undefined;
          return !validAcks
            ? Promise.resolve(failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be 0, 1 or -1, got ${req.acks}`))
            : refused
              ? Promise.resolve(refused)
              : catchKafkaError(
                async (): Promise<PartitionResponse> => {
                  const r = await log.append(t.name, p.index, p.records, ctx.apiVersion >= 7);
                  return { index: p.index, errorCode: 0, baseOffset: r.baseOffset, logAppendTimeMs: r.logAppendTime, logStartOffset: r.logStartOffset, recordErrors: [], errorMessage: null };
                },
                (err): PartitionResponse => {
                  if (err.code === ErrorCode.INVALID_TXN_STATE && ctx.apiVersion >= 11 && err instanceof ProduceError) {
                    const abortable = new ProduceError(ErrorCode.TRANSACTION_ABORTABLE, err.message, true);
                    abortable.logStartOffset = err.logStartOffset;
                    err = abortable;
                  }
                  if (!(err instanceof ProduceError)) return failed(p.index, err.code, err.message);
                  // Kafka's errorMessage is null unless records were refused one by one (the reason is logged).
                  ctx.broker.core.log.info('kafka.produce.refused', { topic: t.name, partition: p.index, errorCode: err.code, reason: err.message });
                  return { ...failed(p.index, err.code, err.responseMessage), recordErrors: err.recordErrors, logStartOffset: err.logStartOffset };
                },
              );
        },
      ),
    }));
    if (req.acks === 0) {
      // Nobody hears about failures with acks=0; keep them in the log.
      for (const t of topics) {
        for (const p of t.partitions) {
          p.then(
            (r) => r.errorCode !== 0 && ctx.broker.core.log.warn('kafka.produce.rejected', { topic: t.name, partition: r.index, errorCode: r.errorCode, reason: r.errorMessage }),
            (err: unknown) => ctx.broker.core.log.error('kafka.produce.failed', { topic: t.name, err }),
          );
        }
      }
      return NO_RESPONSE;
    }
    const responses = await Promise.all(topics.map(async (t) => ({ name: t.name, partitionResponses: await Promise.all(t.partitions) })));
    return { responses, throttleTimeMs: 0, nodeEndpoints: nodeEndpoints(ctx.broker, ctx.conn.advertised.listener, leaders) };
  },
});
