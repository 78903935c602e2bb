/**
 * The Kafka key layout (the Kafka engine's own; the codec is emulator/src/core/storage/keys.ts).
 * Every key the log and the group coordinator write is built here.
 *
 *   K/t/ <topic>                                   -> topic record (JSON: id, partitions, configs)
 *   K/p/ <topic>\0<u32 partition>                  -> partition state (JSON: logStartOffset)
 *   K/b/ <topic>\0<u32 partition><u64 baseOffset>  -> one record batch, wire bytes (magic 2), offsets assigned
 *   K/i/ <topic>\0<u32 partition><u64 baseOffset>  -> its side-index entry (16 bytes: last offset delta, max timestamp,
 *                                                     size), read at startup instead of the batches
 *   K/s/ <topic>\0<u32 partition><u64 producerId> -> idempotent-producer state of the partition (epoch, last 5 batches'
 *                                                     sequences and offsets; log/producers.ts encodes it)
 *   K/n/                                           -> next producer id to allocate (u64)
 *   K/x/ <transactionalId>                         -> transactional id record (JSON: producer id, epochs, timeout)
 *   K/u/ <topic>\0<u32 partition><u64 producerId> -> open transaction of the producer on the partition (f64 first offset)
 *   K/a/ <topic>\0<u32 partition><u64 markerOffset> -> aborted transaction (i64 producer id, f64 first offset)
 *   K/g/ <group>                                   -> group record (JSON: protocol type, generation; a KIP-848 group: all its state)
 *   K/o/ <group>\0<topic>\0<u32 partition>         -> committed offset (JSON: offset, leaderEpoch, metadata, commitTimestamp)
 *   K/c/ <broker id, "" = cluster default>         -> dynamic broker configs (JSON: name -> value)
 *   K/q/ <entity type\0name ...>                  -> client quota entity (JSON: entity, quota key -> value)
 *   K/l/ <topic>                                   -> leadership of the topic's partitions that moved (JSON: topic id, per
 *                                                     partition leader, epoch, replicas, epoch start offsets; cluster/)
 *   K/acl/ <binding>                               -> an ACL binding (the key is the binding, JSON; empty value)
 */
import { key, u32, u64 } from '../../../emulator/src/core/storage/keys.js';

export const PREFIX = {
  topic: 'K/t/',
  partition: 'K/p/',
  batch: 'K/b/',
  batchIndex: 'K/i/',
  producer: 'K/s/',
  producerIdCounter: 'K/n/',
  transactionalId: 'K/x/',
  openTxn: 'K/u/',
  abortedTxn: 'K/a/',
  group: 'K/g/',
  offset: 'K/o/',
  brokerConfig: 'K/c/',
  quota: 'K/q/',
  leadership: 'K/l/',
  acl: 'K/acl/',
} as const;

export const topicKey = (topic: string): Buffer => key(PREFIX.topic, topic);
export const partitionKey = (topic: string, partition: number): Buffer => key(PREFIX.partition, topic, u32(partition));
export const batchPrefix = (topic: string, partition: number): Buffer => key(PREFIX.batch, topic, u32(partition));
export const batchKey = (topic: string, partition: number, baseOffset: number): Buffer => key(PREFIX.batch, topic, u32(partition), u64(baseOffset));
export const indexPrefix = (): Buffer => key(PREFIX.batchIndex);
export const indexKey = (topic: string, partition: number, baseOffset: number): Buffer => key(PREFIX.batchIndex, topic, u32(partition), u64(baseOffset));
export const groupKey = (group: string): Buffer => key(PREFIX.group, group);
export const offsetKey = (group: string, topic: string, partition: number): Buffer => key(PREFIX.offset, group, topic, u32(partition));
export const producerPrefix = (topic: string, partition: number): Buffer => key(PREFIX.producer, topic, u32(partition));
export const producersPrefix = (): Buffer => key(PREFIX.producer);
export const producerKey = (topic: string, partition: number, producerId: bigint): Buffer => key(PREFIX.producer, topic, u32(partition), u64(producerId));
export const producerIdCounterKey = (): Buffer => key(PREFIX.producerIdCounter);
export const transactionalIdPrefix = (): Buffer => key(PREFIX.transactionalId);
export const transactionalIdKey = (transactionalId: string): Buffer => key(PREFIX.transactionalId, transactionalId);
export const brokerConfigKey = (resource: string): Buffer => key(PREFIX.brokerConfig, resource);
export const quotaKey = (entity: string): Buffer => key(PREFIX.quota, entity);
export const openTxnKey = (topic: string, partition: number, producerId: bigint): Buffer => key(PREFIX.openTxn, topic, u32(partition), u64(producerId));
export const openTxnPrefix = (): Buffer => key(PREFIX.openTxn);
export const abortedKey = (topic: string, partition: number, markerOffset: number): Buffer => key(PREFIX.abortedTxn, topic, u32(partition), u64(markerOffset));
export const abortedPrefix = (): Buffer => key(PREFIX.abortedTxn);
export const leadershipKey = (topic: string): Buffer => key(PREFIX.leadership, topic);
export const aclPrefix = (): Buffer => key(PREFIX.acl);
export const aclKey = (binding: string): Buffer => key(PREFIX.acl, binding);
