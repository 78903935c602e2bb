/**
 * TxnOffsetCommit: v0-4 (flexible from v3).
 *
 * Behaviour: stages offsets in the transaction (the group must have been added by
 * AddOffsetsToTxn); OffsetFetch sees them only after the transaction commits, and an abort drops
 * them. As Kafka: unknown topics or partitions are UNKNOWN_TOPIC_OR_PARTITION each (the others
 * are still committed), metadata over 4096 bytes OFFSET_METADATA_TOO_LARGE; the group's checks
 * (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID) and the transaction's
 * (INVALID_PRODUCER_ID_MAPPING, INVALID_PRODUCER_EPOCH, INVALID_TXN_STATE) answer every partition.
 *
 * Version notes: v2 changes nothing on the wire (COORDINATOR_LOAD_IN_PROGRESS, never answered
 * here); v3 adds generation, member id and group instance id (KIP-447; v0-2 send none, so only
 * the transaction is checked); v4 only allows TRANSACTION_ABORTABLE.
 */
import { ErrorCode, KafkaError } from '../errors.js';
import type { PendingOffset } from '../txn/state.js';
import { defineApi } from './api.js';

const MAX_METADATA_BYTES = 4096;

export const txnOffsetCommit = defineApi({
  key: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    const { log, groups, txn } = ctx.broker;
    const codes = new Map<string, number>();
    const staged: PendingOffset[] = [];
    for (const t of req.topics) {
      const topic = log.topic(t.name);
      for (const p of t.partitions) {
        let code: number = ErrorCode.NONE;
        if (!topic?.partitions[p.partitionIndex]) code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (p.committedMetadata !== null && Buffer.byteLength(p.committedMetadata) > MAX_METADATA_BYTES) code = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        else staged.push({ groupId: req.groupId, topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: ctx.apiVersion >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata });
        codes.set(`${t.name}\0${p.partitionIndex}`, code);
      }
    }
    const answer = (whole?: number) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const own = codes.get(`${t.name}\0${p.partitionIndex}`)!;
          return { partitionIndex: p.partitionIndex, errorCode: own === ErrorCode.NONE && whole !== undefined ? whole : own };
        }),
      })),
    });
    if (staged.length === 0) return answer();
    const groupError = ctx.apiVersion >= 3 ? groups.validateTxnOffsetCommit(req.groupId, req.generationIdOrMemberEpoch, req.memberId, req.groupInstanceId) : ErrorCode.NONE;
    if (groupError !== ErrorCode.NONE) return answer(groupError);
    try {
      await txn.stageOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId, staged);
    } catch (err) {
      if (err instanceof KafkaError) return answer(err.code);
      throw err;
    }
    return answer(ErrorCode.NONE);
  },
});
