/**
 * The LevelDB key layout, in one place. Every key starts with a one-byte-plus-slash subsystem prefix
 * so a subsystem can scan all of its state with one prefix iterator at startup.
 *
 * Numbers inside keys are fixed-width big-endian so that byte order equals numeric order.
 * Strings inside keys are UTF-8 and end with a 0x00 separator (names can never contain 0x00:
 * SQS queue names are [A-Za-z0-9_-.], Kafka topic names [A-Za-z0-9._-], group ids are checked).
 *
 * SQS (emulator/src/sqs/storage)
 *   q/ <region>\0<account>\0<name>                 -> queue record (JSON: id, storage id, attributes incl. Policy, tags,
 *                                                     timestamps, purge cooldown)
 *   m/ <storageId>\0<u64 seq>                      -> message (JSON, written once: body, attributes, ids, sentAt, group,
 *                                                     dedup, sequence number, initial visibleAt); a purge gives the queue
 *                                                     a new storage id and clears the old range
 *   m/ <storageId>\0<u64 seq>\x01                  -> message state (28 bytes: f64 visibleAt, u32 receiveCount,
 *                                                     f64 firstReceiveAt, f64 receivedAt): a receive never rewrites the body
 *   d/ <queueId>\0<dedupKey>                       -> FIFO dedup entry (JSON: messageId, sequenceNumber, expiresAt);
 *                                                     dedupKey is the dedup id, or <group>\t<dedup id> per message group
 *   x/ <taskId>                                    -> message move task (JSON: source, destination, progress, status)
 *   z/ <region>\0<account>\0<name>                 -> tombstone of a deleted queue (deletedAt, for QueueDeletedRecently)
 *
 * Kafka (kafka-shim/src/log, kafka-shim/src/groups)
 *   K/t/ <topic>                                   -> topic record (JSON: id, partitions, configs)
 *   K/p/ <topic>\0<u32 partition>                  -> partition state (JSON: logStartOffset)
 *   K/b/ <topic>\0<u32 partition><u64 baseOffset>  -> one record batch, wire bytes (magic 2), offsets assigned
 *   K/g/ <group>                                   -> group record (JSON: protocol type, generation, ...)
 *   K/o/ <group>\0<topic>\0<u32 partition>         -> committed offset (JSON: offset, leaderEpoch, metadata, commitTimestamp)
 *
 * Process
 *   _/meta                                         -> data-dir format version
 */

const SEP = Buffer.from([0]);

/** Build a key: a prefix, then parts; strings are 0x00-terminated, Buffers are appended raw. */
export function key(prefix: string, ...parts: (string | Buffer)[]): Buffer {
  const bufs: Buffer[] = [Buffer.from(prefix, 'latin1')];
  for (const p of parts) {
    if (typeof p === 'string') {
      bufs.push(Buffer.from(p, 'utf8'), SEP);
    } else {
      bufs.push(p);
    }
  }
  return Buffer.concat(bufs);
}

export function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function u64(n: number | bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Split a key's string parts back out (after the prefix), up to `count` parts. */
export function splitKey(k: Buffer, prefixLength: number, count: number): { parts: string[]; rest: Buffer } {
  const parts: string[] = [];
  let pos = prefixLength;
  while (parts.length < count) {
    const end = k.indexOf(0, pos);
    if (end < 0) break;
    parts.push(k.toString('utf8', pos, end));
    pos = end + 1;
  }
  return { parts, rest: k.subarray(pos) };
}

export const PREFIX = {
  sqsQueue: 'q/',
  sqsMessage: 'm/',
  sqsDedup: 'd/',
  sqsMoveTask: 'x/',
  sqsTombstone: 'z/',
  kafkaTopic: 'K/t/',
  kafkaPartition: 'K/p/',
  kafkaBatch: 'K/b/',
  kafkaBatchIndex: 'K/i/',
  kafkaGroup: 'K/g/',
  kafkaOffset: 'K/o/',
  meta: '_/meta',
} as const;
