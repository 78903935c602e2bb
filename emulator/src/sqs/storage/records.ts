/**
 * How SQS state is laid out in LevelDB (see keys.ts): the only place that encodes and decodes
 * SQS records. A message is two keys so that receive/visibility changes rewrite 20 bytes, not the body:
 *   m/<queueId>\0<u64 seq>       -> the immutable message (JSON)
 *   m/<queueId>\0<u64 seq>\x01   -> its mutable state (visibleAt, receiveCount, firstReceiveAt, receivedAt)
 */
import { key, u64 } from '../../core/storage/keys.js';
import { PREFIX } from './keys.js';
import type { Op } from '../../core/storage/store.js';
import type { AttributeMap } from '../semantics/md5.js';
import type { Content, Message } from '../semantics/messages.js';

export interface QueueRecord {
  /** Permanent id of this incarnation of the queue: prefixes its dedup keys. */
  id: string;
  /** Storage id: prefixes the queue's message and dedup keys; a purge gives the queue a new one. */
  sid: string;
  region: string;
  account: string;
  name: string;
  attrs: Record<string, string>;
  tags: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
  /** PurgeQueue refuses until then (ms). */
  purgeUntil?: number;
  /**
   * FIFO: the DeduplicationScope the queue was created with. AWS keeps deduplicating by it when the
   * attribute is changed later (records written before this field fall back to the attribute).
   */
  dedupScope?: string;
}

export interface DedupRecord {
  messageId: string;
  sequenceNumber: string;
  expiresAt: number;
}

export interface MoveTaskRecord {
  taskId: string;
  sourceArn: string;
  destinationArn?: string;
  maxPerSecond?: number;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  moved: number;
  toMove: number;
  startedAt: number;
  failureReason?: string;
}

/** A FIFO receive that a retry with the same ReceiveRequestAttemptId answers again (5 minutes). */
export interface AttemptRecord {
  /** The queue's storage id the messages were received under (a purge makes them stale). */
  sid: string;
  items: { seq: number; receiveCount: number; handle: string }[];
  system: string[];
  attributes: string[];
  expiresAt: number;
}

export interface TombstoneRecord {
  deletedAt: number;
}

const STATE_SUFFIX = Buffer.from([1]);

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const parse = <T>(b: Buffer): T => JSON.parse(b.toString('utf8')) as T;

export const queueKey = (region: string, account: string, name: string): Buffer => key(PREFIX.queue, region, account, name);
export const messageRange = (sid: string): Buffer => key(PREFIX.message, sid);
/**
 * `key(PREFIX.message, sid, u64(seq))`, built without the generic key builder's concat and
 * BigInt: every send, receive and delete makes one. The `m/<sid>\0` prefix is cached per storage id.
 */
export function messageKey(sid: string, seq: number): Buffer {
  let prefix = messagePrefixes.get(sid);
  if (!prefix) {
    if (messagePrefixes.size >= 10_000) messagePrefixes.clear();
    messagePrefixes.set(sid, (prefix = key(PREFIX.message, sid)));
  }
  const k = Buffer.allocUnsafe(prefix.length + 8);
  prefix.copy(k, 0);
  // seq < 2^53: high and low 32 bits, big-endian, as u64() writes them.
  k.writeUInt32BE(Math.floor(seq / 0x100000000), prefix.length);
  k.writeUInt32BE(seq >>> 0, prefix.length + 4);
  return k;
}
const messagePrefixes = new Map<string, Buffer>();
export const messageStateKey = (sid: string, seq: number): Buffer => Buffer.concat([messageKey(sid, seq), STATE_SUFFIX]);
export const dedupRange = (sid: string): Buffer => key(PREFIX.dedup, sid);
export const dedupKey = (sid: string, dedupKey: string): Buffer => key(PREFIX.dedup, sid, dedupKey);
export const moveTaskKey = (taskId: string): Buffer => key(PREFIX.moveTask, taskId);
export const attemptRange = (queueId: string): Buffer => key(PREFIX.attempt, queueId);
export const putAttempt = (queueId: string, attemptId: string, r: AttemptRecord): Op => ({ type: 'put', key: key(PREFIX.attempt, queueId, attemptId), value: json(r) });
export const delAttempt = (queueId: string, attemptId: string): Op => ({ type: 'del', key: key(PREFIX.attempt, queueId, attemptId) });
export const decodeAttempt = (v: Buffer): AttemptRecord => parse<AttemptRecord>(v);

export const putQueue = (r: QueueRecord): Op => ({ type: 'put', key: queueKey(r.region, r.account, r.name), value: json(r) });
export const delQueue = (r: QueueRecord): Op => ({ type: 'del', key: queueKey(r.region, r.account, r.name) });
export const decodeQueue = (v: Buffer): QueueRecord => parse<QueueRecord>(v);

export const putTombstone = (region: string, account: string, name: string, t: TombstoneRecord): Op => ({
  type: 'put',
  key: key(PREFIX.tombstone, region, account, name),
  value: json(t),
});
export const delTombstone = (region: string, account: string, name: string): Op => ({ type: 'del', key: key(PREFIX.tombstone, region, account, name) });
export const decodeTombstone = (v: Buffer): TombstoneRecord => parse<TombstoneRecord>(v);

interface StoredAttr {
  t: string;
  s?: string;
  b?: string;
}

interface StoredMessage {
  id: string;
  body: string;
  attrs?: Record<string, StoredAttr>;
  md5Body: string;
  md5Attrs?: string;
  sentAt: number;
  sender: string;
  trace?: string;
  group?: string;
  dedup?: string;
  sn?: string;
  src?: string;
  /** Receives counted before the message moved into this queue (kept in ApproximateReceiveCount). */
  base?: number;
  retainFrom: number;
  visibleAt: number;
}

function encodeAttrs(a: AttributeMap | undefined): Record<string, StoredAttr> | undefined {
  if (!a) return undefined;
  // No prototype: an attribute named `__proto__` must survive the round trip.
  const out: Record<string, StoredAttr> = Object.create(null) as Record<string, StoredAttr>;
  for (const [n, v] of Object.entries(a)) out[n] = v.BinaryValue ? { t: v.DataType, b: v.BinaryValue.toString('base64') } : { t: v.DataType, s: v.StringValue };
  return out;
}

function decodeAttrs(a: Record<string, StoredAttr> | undefined): AttributeMap | undefined {
  if (!a) return undefined;
  const out: AttributeMap = Object.create(null) as AttributeMap;
  for (const [n, v] of Object.entries(a)) out[n] = v.b !== undefined ? { DataType: v.t, BinaryValue: Buffer.from(v.b, 'base64') } : { DataType: v.t, StringValue: v.s };
  return out;
}

function encodeMessage(m: Message, c: Content): Buffer {
  const r: StoredMessage = {
    id: c.id,
    body: c.body,
    attrs: encodeAttrs(c.attrs),
    md5Body: c.md5Body,
    md5Attrs: c.md5Attrs,
    sentAt: m.sentAt,
    sender: c.senderId,
    trace: c.trace,
    group: m.group,
    dedup: m.dedup,
    sn: m.sequenceNumber,
    src: m.sourceArn,
    base: m.countBase || undefined,
    retainFrom: m.retainFrom,
    visibleAt: m.visibleAt,
  };
  return json(r);
}

/** The message as first stored; its state key is written only once it changes. */
export const putMessage = (sid: string, m: Message, c: Content): Op => ({ type: 'put', key: messageKey(sid, m.seq), value: encodeMessage(m, c) });

/**
 * A message moved into queue `sid` as `m` (dead-lettering, move tasks): its contents are copied from
 * its record under `fromSid` when the batch is written, never brought onto the heap.
 */
export const copyMessage = (fromSid: string, fromSeq: number, sid: string, m: Message): Op => ({
  type: 'copy',
  from: messageKey(fromSid, fromSeq),
  to: messageKey(sid, m.seq),
  map: (v) => encodeMessage(m, decodeContent(v)),
});

/** The contents of a stored message (its body key's value). */
export function decodeContent(v: Buffer): Content {
  const r = parse<StoredMessage>(v);
  return { id: r.id, senderId: r.sender, body: r.body, attrs: decodeAttrs(r.attrs), md5Body: r.md5Body, md5Attrs: r.md5Attrs, trace: r.trace };
}

export function putMessageState(sid: string, m: Message): Op {
  const v = Buffer.allocUnsafe(28);
  v.writeDoubleBE(m.visibleAt, 0);
  v.writeUInt32BE(m.receiveCount, 8);
  v.writeDoubleBE(m.firstReceiveAt, 12);
  v.writeDoubleBE(m.receivedAt, 20);
  return { type: 'put', key: messageStateKey(sid, m.seq), value: v };
}

export function delMessage(sid: string, seq: number): Op[] {
  // Every delete (DeleteMessage, retention, dead-lettering) needs both keys: build the message key once.
  const k = messageKey(sid, seq);
  return [
    { type: 'del', key: k },
    { type: 'del', key: Buffer.concat([k, STATE_SUFFIX]) },
  ];
}

/** A message's index entry read back at load (its Content stays on disk); `state` is settled by the queue. */
export function decodeMessage(seq: number, v: Buffer): Message {
  const r = parse<StoredMessage>(v);
  return {
    seq,
    sentAt: r.sentAt,
    group: r.group,
    dedup: r.dedup,
    sequenceNumber: r.sn,
    sourceArn: r.src,
    countBase: r.base ?? 0,
    retainFrom: r.retainFrom,
    state: 'ready',
    visibleAt: r.visibleAt,
    // A moved-in message's count starts at its base; its state key, once written, overrides this.
    receiveCount: r.base ?? 0,
    firstReceiveAt: 0,
    receivedAt: 0,
    heapIndex: -1,
  };
}

export function applyMessageState(m: Message, v: Buffer): void {
  m.visibleAt = v.readDoubleBE(0);
  m.receiveCount = v.readUInt32BE(8);
  m.firstReceiveAt = v.readDoubleBE(12);
  m.receivedAt = v.readDoubleBE(20);
}

export const putDedup = (sid: string, k: string, r: DedupRecord): Op => ({ type: 'put', key: dedupKey(sid, k), value: json(r) });
export const delDedup = (sid: string, k: string): Op => ({ type: 'del', key: dedupKey(sid, k) });
export const decodeDedup = (v: Buffer): DedupRecord => parse<DedupRecord>(v);

export const putMoveTask = (t: MoveTaskRecord): Op => ({ type: 'put', key: moveTaskKey(t.taskId), value: json(t) });
export const delMoveTask = (taskId: string): Op => ({ type: 'del', key: moveTaskKey(taskId) });
export const decodeMoveTask = (v: Buffer): MoveTaskRecord => parse<MoveTaskRecord>(v);
