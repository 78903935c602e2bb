/**
 * A message as the engines keep it, and the validation of what a sender hands us: body characters,
 * message attributes, system attributes, FIFO ids and the size limit. Every check throws AWS's error.
 */
import type { Timer } from '../../core/clock.js';
import type { SendMessageBatchRequestEntry, SendMessageRequest } from '../model/generated.js';
import { SqsError } from './api.js';
import { invalidParameter, missingParameter } from './errors.js';
import { md5Hex, md5OfAttributes, type AttributeMap, type AttributeValue } from './md5.js';

export type MessageState = 'delayed' | 'ready' | 'inflight' | 'gone';

/**
 * What a message carries that only a receive (or a peek) shows: kept in its LevelDB record, not on
 * the heap, so that a backlog costs memory per message, not per byte of body (ReceiveMessage reads
 * the contents of the messages it returns in one batched read).
 */
export interface Content {
  /** MessageId and SenderId are only ever shown, never scheduled on: ~80 bytes a message kept off the heap. */
  id: string;
  senderId: string;
  body: string;
  attrs?: AttributeMap;
  md5Body: string;
  md5Attrs?: string;
  trace?: string;
}

/** A message as the queue schedules it: its index entry, without its Content. */
export interface Message {
  /** Position in its queue (the LevelDB key suffix); increases with send order. */
  seq: number;
  sentAt: number;
  group?: string;
  dedup?: string;
  sequenceNumber?: string;
  /** ARN of the queue this message was dead-lettered from (move tasks without a destination return it there). */
  sourceArn?: string;
  /** When its retention period started: sent, or moved into a FIFO queue. */
  retainFrom: number;
  state: MessageState;
  visibleAt: number;
  /** Every receive, in this queue and in queues it was moved from (ApproximateReceiveCount). */
  receiveCount: number;
  /** `receiveCount` when the message moved into this queue: the redrive threshold counts receives here only. */
  countBase?: number;
  firstReceiveAt: number;
  /** When the current receive happened: a message stays in flight at most 12 hours from it. */
  receivedAt: number;
  timer?: Timer;
  /** Position in the queue's retention heap. */
  heapIndex: number;
  /** Position in a standard queue's ready heap (-1 or absent: not in it). */
  readyPos?: number;
}

/** What SendMessage(Batch) entries become once validated; the queue turns it into a Message. */
export interface Draft extends Omit<Content, 'id' | 'senderId'> {
  md5System?: string;
  delaySeconds?: number;
  group?: string;
  dedup?: string;
  size: number;
}

const INVALID_BODY =
  'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF';

// Lone surrogates fail the u-flag match, so they are rejected with the other invalid characters.
const VALID_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
/** MessageGroupId, MessageDeduplicationId and ReceiveRequestAttemptId: 1 to 128 printable ASCII characters. */
export const ID_CHARS = /^[!-~]{1,128}$/;
// Letters beyond ASCII are accepted (AWS takes `attr.1øßä`); punctuation other than _ - . is not.
const ATTRIBUTE_NAME = /^[\p{L}\p{N}_.-]{1,256}$/u;

/** A body with invalid characters is InvalidMessageContents; an attribute value with them, InvalidParameterValue. */
function checkChars(s: string, what: string): void {
  if (VALID_CHARS.test(s)) return;
  if (what === 'body') throw new SqsError('InvalidMessageContents', INVALID_BODY);
  throw new SqsError('InvalidParameterValue', `${what} contains invalid characters.`);
}

function validateAttributes(attrs: Record<string, any> | undefined, kind: 'user' | 'system'): { map?: AttributeMap; size: number } {
  if (!attrs) return { size: 0 };
  const names = Object.keys(attrs);
  if (names.length === 0) return { size: 0 };
  if (kind === 'user' && names.length > 10) throw new SqsError('InvalidParameterValue', `Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  // No prototype: an attribute named `__proto__` is an attribute like any other.
  const map: AttributeMap = Object.create(null) as AttributeMap;
  let size = 0;
  for (const name of names) {
    const v = attrs[name] ?? {};
    if (kind === 'system') {
      if (name !== 'AWSTraceHeader') throw new SqsError('InvalidParameterValue', `Message system attribute name '${name}' is invalid.`);
      if (v.DataType !== 'String' || typeof v.StringValue !== 'string' || v.StringValue === '') {
        throw new SqsError('InvalidParameterValue', `Message (system) attribute '${name}' must contain a non-empty value of type 'String'.`);
      }
    } else {
      if (!ATTRIBUTE_NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
        throw new SqsError('InvalidParameterValue', `Message (user) attribute name '${name}' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.`);
      }
      if (/^(aws\.|amazon\.)/i.test(name)) {
        throw new SqsError('InvalidParameterValue', `Message (user) attribute name '${name}' is invalid. The 'AWS.' and 'Amazon.' prefixes are reserved for use by Amazon Web Services.`);
      }
    }
    const type = v.DataType;
    if (typeof type !== 'string' || type === '') throw new SqsError('InvalidParameterValue', `The message (${kind}) attribute '${name}' must contain a non-empty message attribute type.`);
    const base = /^(String|Number|Binary)(\.[^\s]{1,256})?$/.exec(type)?.[1];
    if (!base) {
      throw new SqsError('InvalidParameterValue', `The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    const value: AttributeValue = { DataType: type };
    let valueBytes: number;
    if (base === 'Binary') {
      const b = v.BinaryValue;
      if (!Buffer.isBuffer(b) || b.length === 0 || v.StringValue !== undefined) {
        throw new SqsError('InvalidParameterValue', `Message (${kind}) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
      }
      value.BinaryValue = b;
      valueBytes = b.length;
    } else {
      const s = v.StringValue;
      if (typeof s !== 'string' || s === '' || v.BinaryValue !== undefined) {
        throw new SqsError('InvalidParameterValue', `Message (${kind}) attribute '${name}' must contain a non-empty value of type '${base}'.`);
      }
      checkChars(s, `Message (${kind}) attribute '${name}'`);
      if (base === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim())) {
        throw new SqsError('InvalidParameterValue', `Can't cast the value of message (${kind}) attribute '${name}' to a number.`);
      }
      value.StringValue = s;
      valueBytes = Buffer.byteLength(s, 'utf8');
    }
    map[name] = value;
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(type, 'utf8') + valueBytes;
  }
  return { map, size };
}

/** The bytes an entry counts against the 1 MiB batch limit: body and every attribute's name, type and value. */
export function entryBytes(entry: Record<string, any>): number {
  let n = typeof entry.MessageBody === 'string' ? Buffer.byteLength(entry.MessageBody, 'utf8') : 0;
  for (const [name, v] of Object.entries((entry.MessageAttributes ?? {}) as Record<string, any>)) {
    n += Buffer.byteLength(name, 'utf8') + (typeof v?.DataType === 'string' ? Buffer.byteLength(v.DataType, 'utf8') : 0);
    if (typeof v?.StringValue === 'string') n += Buffer.byteLength(v.StringValue, 'utf8');
    if (Buffer.isBuffer(v?.BinaryValue)) n += v.BinaryValue.length;
  }
  return n;
}

export interface QueueLimits {
  fifo: boolean;
  contentBasedDedup: boolean;
  maxMessageSize: number;
}

/** Validate one SendMessage or SendMessageBatch entry against its queue. */
export function validateEntry(entry: SendMessageBatchRequestEntry | SendMessageRequest, q: QueueLimits, traceHeader: string | undefined): Draft {
  const body = entry.MessageBody;
  if (typeof body !== 'string' || body === '') throw missingParameter('MessageBody');
  checkChars(body, 'body');
  const delay = entry.DelaySeconds;
  if (delay !== undefined && delay !== null) {
    if (!Number.isInteger(delay) || delay < 0 || delay > 900) throw invalidParameter('DelaySeconds', delay, 'DelaySeconds must be >= 0 and <= 900.');
    if (q.fifo && delay !== 0) throw invalidParameter('DelaySeconds', delay, 'The request include parameter that is not valid for this queue type.');
  }
  const user = validateAttributes(entry.MessageAttributes, 'user');
  const system = validateAttributes(entry.MessageSystemAttributes, 'system');
  const size = Buffer.byteLength(body, 'utf8') + user.size;
  if (size > q.maxMessageSize) {
    throw new SqsError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${q.maxMessageSize} bytes.`);
  }
  const group = entry.MessageGroupId;
  const dedup = entry.MessageDeduplicationId;
  if (group !== undefined && !ID_CHARS.test(group)) {
    throw invalidParameter('MessageGroupId', group, 'MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  }
  if (dedup !== undefined && !ID_CHARS.test(dedup)) {
    throw invalidParameter('MessageDeduplicationId', dedup, 'MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  }
  if (q.fifo) {
    if (group === undefined) throw missingParameter('MessageGroupId');
    if (dedup === undefined && !q.contentBasedDedup) {
      throw new SqsError('InvalidParameterValue', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
  } else if (dedup !== undefined) {
    throw invalidParameter('MessageDeduplicationId', dedup, 'The request includes a parameter that is not valid for this queue type.');
  }
  const systemTrace = system.map?.AWSTraceHeader?.StringValue;
  return {
    body,
    attrs: user.map,
    md5Body: md5Hex(body),
    md5Attrs: md5OfAttributes(user.map),
    md5System: md5OfAttributes(system.map),
    trace: systemTrace ?? traceHeader,
    delaySeconds: delay ?? undefined,
    group,
    dedup,
    size,
  };
}
