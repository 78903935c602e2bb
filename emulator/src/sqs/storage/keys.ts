/**
 * The SQS key layout (the SQS engine's own; the codec is core/storage/keys.ts).
 *
 *   q/ <region>\0<account>\0<name>                 -> queue record (JSON: id, storage id, attributes incl. Policy, tags,
 *                                                     timestamps, purge cooldown)
 *   m/ <storageId>\0<u64 seq>                      -> message (JSON, written once: body, attributes, ids, sentAt, group,
 *                                                     dedup, sequence number, initial visibleAt); a purge gives the queue
 *                                                     a new storage id and deletes the old range in the same unit of work
 *   m/ <storageId>\0<u64 seq>\x01                  -> message state (28 bytes: f64 visibleAt, u32 receiveCount,
 *                                                     f64 firstReceiveAt, f64 receivedAt): a receive never rewrites the body
 *   d/ <queueId>\0<dedupKey>                       -> FIFO dedup entry (JSON: messageId, sequenceNumber, expiresAt);
 *                                                     dedupKey is the dedup id, or <group>\t<dedup id> per message group
 *   x/ <taskId>                                    -> message move task (JSON: source, destination, progress, status)
 *   r/ <queueId>\0<attemptId>                      -> FIFO ReceiveRequestAttemptId (JSON: the receive's messages by seq
 *                                                     and receive count, their receipt handles, the selection, expiresAt)
 *   z/ <region>\0<account>\0<name>                 -> tombstone of a deleted queue (deletedAt, for QueueDeletedRecently)
 */
export const PREFIX = {
  queue: 'q/',
  message: 'm/',
  dedup: 'd/',
  moveTask: 'x/',
  attempt: 'r/',
  tombstone: 'z/',
} as const;
