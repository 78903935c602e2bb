/**
 * How a received message is shown: system attributes asked for, message attributes filtered, MD5s
 * over what is returned. Two steps: what the receive itself decides (handle, counts) is captured when
 * it takes the message; the contents (body, attributes) are added once they are read from the store.
 */
import type { Message as ReceivedMessage, ReceiveMessageRequest } from '../model/generated.js';
import { md5OfAttributes, type AttributeMap } from './md5.js';
import type { Content, Message } from './messages.js';

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

export interface Selection {
  system: Set<string>;
  /** Exact names, `All`/`*`/`.*`, or `prefix.*`. */
  attributes: string[];
}

export function selection(input: ReceiveMessageRequest): Selection {
  const system = new Set<string>();
  for (const n of [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])]) {
    if (n === 'All' || n === '*') SYSTEM_ATTRIBUTES.forEach((a) => system.add(a));
    else if ((SYSTEM_ATTRIBUTES as readonly string[]).includes(n)) system.add(n);
  }
  return { system, attributes: input.MessageAttributeNames ?? [] };
}

function systemValue(m: Message, name: string): string | undefined {
  switch (name) {
    case 'SentTimestamp':
      return String(m.sentAt);
    case 'ApproximateReceiveCount':
      return String(m.receiveCount);
    case 'ApproximateFirstReceiveTimestamp':
      return String(m.firstReceiveAt);
    case 'SequenceNumber':
      return m.sequenceNumber;
    case 'MessageDeduplicationId':
      return m.dedup;
    case 'MessageGroupId':
      return m.group;
    case 'DeadLetterQueueSourceArn':
      return m.sourceArn;
    default:
      return undefined;
  }
}

/** The attributes asked for; `attrs` itself when that is all of them. */
function filterAttributes(attrs: AttributeMap | undefined, wanted: string[]): AttributeMap | undefined {
  if (!attrs || wanted.length === 0) return undefined;
  if (wanted.some((w) => w === 'All' || w === '.*' || w === '*')) return Object.keys(attrs).length > 0 ? attrs : undefined;
  const out: AttributeMap = Object.create(null) as AttributeMap;
  for (const [name, v] of Object.entries(attrs)) {
    // `Hel.*` is a plain prefix, as AWS applies it: it selects `Hello` as well as `Help.Me`.
    const hit = wanted.some((w) => (w.endsWith('.*') ? name.startsWith(w.slice(0, -2)) : w === name));
    if (hit) out[name] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** What the receive decides, as it takes the message (its count may change again before the body is read). */
export interface Head {
  handle: string;
  /** System attributes asked for, in selection order; SenderId and AWSTraceHeader come from the contents. */
  system: [string, string | undefined][];
}

export function formatHead(m: Message, receiptHandle: string, sel: Selection): Head {
  const system: [string, string | undefined][] = [];
  for (const name of sel.system) system.push([name, systemValue(m, name)]);
  return { handle: receiptHandle, system };
}

export function formatMessage(h: Head, c: Content, sel: Selection): ReceivedMessage {
  const out: ReceivedMessage = { MessageId: c.id, ReceiptHandle: h.handle, MD5OfBody: c.md5Body, Body: c.body };
  if (h.system.length > 0) {
    const attrs: Record<string, string> = {};
    for (const [name, value] of h.system) {
      const v = name === 'AWSTraceHeader' ? c.trace : name === 'SenderId' ? c.senderId : value;
      if (v !== undefined) attrs[name] = v;
    }
    if (Object.keys(attrs).length > 0) out.Attributes = attrs;
  }
  const attrs = filterAttributes(c.attrs, sel.attributes);
  if (attrs) {
    // The digest made at send covers every attribute; only a subset needs hashing again.
    out.MD5OfMessageAttributes = attrs === c.attrs && c.md5Attrs ? c.md5Attrs : md5OfAttributes(attrs);
    out.MessageAttributes = attrs;
  }
  return out;
}
