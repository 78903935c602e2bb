/**
 * The SQS side of the fuzzer: a valid seed for each of the 23 actions, mutated in its values
 * (types, lengths, unicode, control characters, huge and nested values, attribute maps, batch
 * entries, missing and unknown members), then encoded as AWS JSON 1.0 or as Query (POST form,
 * GET on `/` or on the queue URL), and sometimes mutated again as bytes (invalid UTF-8, cuts).
 *
 * Judged against AWS's shapes: every answer is 2xx with a body of its protocol, an error in that
 * protocol's AWS error shape (JSON `__type`, Query `<ErrorResponse>`), the bare 413 of an
 * oversized body, or the bare 404 of a Query request without a known action.
 */
import { XMLValidator } from 'fast-xml-parser';
import { OPERATIONS } from '../../emulator/src/sqs/model/generated.js';
import { OPERATION_MODELS, type Shape } from '../../emulator/src/sqs/protocol/model.js';
import { mutateBytes, Rng } from './common.js';

export interface Fixture {
  endpoint: string;
  std: string;
  fifo: string;
  dlqArn: string;
  receipts: string[];
}

export interface SqsInput {
  op: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  protocol: 'json' | 'query';
  label: string;
}

const ATTR = { DataType: 'String', StringValue: 'v' };

/** One valid input per action, on the fixture's queues. */
function seed(op: string, f: Fixture, rng: Rng): Record<string, unknown> {
  const q = rng.chance(0.7) ? f.std : f.fifo;
  const fifo = q === f.fifo ? { MessageGroupId: 'g' + rng.int(3), MessageDeduplicationId: 'd' + rng.int(1e9) } : {};
  const rh = rng.pick(f.receipts);
  switch (op) {
    case 'AddPermission':
      return { QueueUrl: q, Label: 'l' + rng.int(5), AWSAccountIds: ['123456789012'], Actions: ['SendMessage'] };
    case 'CancelMessageMoveTask':
      return { TaskHandle: 'eyJ0YXNrSWQiOiIxIn0=' };
    case 'ChangeMessageVisibility':
      return { QueueUrl: q, ReceiptHandle: rh, VisibilityTimeout: rng.range(0, 60) };
    case 'ChangeMessageVisibilityBatch':
      return { QueueUrl: q, Entries: [{ Id: 'a', ReceiptHandle: rh, VisibilityTimeout: 5 }] };
    case 'CreateQueue':
      return { QueueName: 'fz-' + rng.int(20) + (rng.chance(0.3) ? '.fifo' : ''), Attributes: { VisibilityTimeout: '30' }, tags: { t: 'v' } };
    case 'DeleteMessage':
      return { QueueUrl: q, ReceiptHandle: rh };
    case 'DeleteMessageBatch':
      return { QueueUrl: q, Entries: [{ Id: 'a', ReceiptHandle: rh }] };
    case 'DeleteQueue':
      return { QueueUrl: f.endpoint + '/000000000000/fz-' + rng.int(20) };
    case 'GetQueueAttributes':
      return { QueueUrl: q, AttributeNames: ['All'] };
    case 'GetQueueUrl':
      return { QueueName: 'fuzz-std' };
    case 'ListDeadLetterSourceQueues':
      return { QueueUrl: q, MaxResults: 10 };
    case 'ListMessageMoveTasks':
      return { SourceArn: f.dlqArn, MaxResults: 10 };
    case 'ListQueueTags':
      return { QueueUrl: q };
    case 'ListQueues':
      return { QueueNamePrefix: 'f', MaxResults: 100 };
    case 'PurgeQueue':
      return { QueueUrl: f.endpoint + '/000000000000/fz-' + rng.int(20) };
    case 'ReceiveMessage':
      return { QueueUrl: q, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 1, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] };
    case 'RemovePermission':
      return { QueueUrl: q, Label: 'l' + rng.int(5) };
    case 'SendMessage':
      return { QueueUrl: q, MessageBody: 'hello', MessageAttributes: { a: ATTR }, ...fifo };
    case 'SendMessageBatch':
      return { QueueUrl: q, Entries: [{ Id: '1', MessageBody: 'b', MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } }, ...fifo }] };
    case 'SetQueueAttributes':
      return { QueueUrl: q, Attributes: { VisibilityTimeout: String(rng.range(0, 60)) } };
    case 'StartMessageMoveTask':
      return { SourceArn: f.dlqArn, MaxNumberOfMessagesPerSecond: 10 };
    case 'TagQueue':
      return { QueueUrl: q, Tags: { k: 'v' } };
    case 'UntagQueue':
      return { QueueUrl: q, TagKeys: ['k'] };
    default:
      throw new Error(`no seed for ${op}`);
  }
}

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u0001\u0008\u001f',
  '\uFFFE\uFFFF',
  '\uD800',
  '\u{1F600}',
  '<![CDATA[x]]>&<>"\'',
  '__proto__',
  'constructor',
  '%00%ff',
  '-1',
  '1e309',
  'NaN',
  '99999999999999999999',
  'All',
  '.fifo',
];

function nastyValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(12)) {
    case 0:
      return rng.pick(NASTY_STRINGS);
    case 1:
      return 'x'.repeat(rng.pick([256, 1024, 65_536, 262_145, 300_000]));
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308]);
    case 3:
      return rng.chance(0.5);
    case 4:
      return null;
    case 5:
      return depth < 3 ? [nastyValue(rng, depth + 1), nastyValue(rng, depth + 1)] : [];
    case 6:
      return depth < 3 ? { [rng.pick(NASTY_STRINGS)]: nastyValue(rng, depth + 1) } : {};
    case 7: {
      // deeply nested
      let v: unknown = 1;
      for (let i = 0; i < rng.pick([10, 100, 1000]); i++) v = rng.chance(0.5) ? [v] : { a: v };
      return v;
    }
    case 8: {
      // a big attribute map
      const m: Record<string, unknown> = {};
      for (let i = 0; i < rng.pick([11, 50, 1000]); i++) m['k' + i] = { DataType: rng.pick(['String', 'Number', 'Binary', 'String.x', 'Bogus']), StringValue: String(i) };
      return m;
    }
    case 9:
      return Array.from({ length: rng.pick([0, 11, 100]) }, (_, i) => ({ Id: rng.chance(0.5) ? 'dup' : String(i), MessageBody: 'b', ReceiptHandle: 'r' }));
    case 10:
      return { DataType: rng.pick(['String', 'Number', 'Binary', 'Number.int']), [rng.pick(['StringValue', 'BinaryValue', 'StringListValues'])]: nastyValue(rng, depth + 1) };
    default:
      return rng.bytes(rng.range(1, 16)).toString('latin1');
  }
}

/** An own property even for `__proto__` (a plain assignment would change the prototype). */
function set(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Replace, drop or add one member somewhere in the value tree. */
function mutateValue(rng: Rng, v: Record<string, unknown>): void {
  let node: Record<string, unknown> = v;
  for (let d = 0; d < 4; d++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = rng.pick(keys);
    const child = node[k];
    if (child && typeof child === 'object' && rng.chance(0.5)) {
      node = child as Record<string, unknown>;
      continue;
    }
    switch (rng.int(4)) {
      case 0:
        delete node[k];
        return;
      case 1:
        set(node, rng.pick(['Unknown', '__proto__', 'QueueUrl', 'Attributes', 'MessageAttributes', 'Entries', 'WaitTimeSeconds']), nastyValue(rng));
        return;
      default:
        set(node, k, nastyValue(rng));
        return;
    }
  }
  set(node, rng.pick(['x', 'Entries', 'Tags']), nastyValue(rng));
}

/** Query parameters of a JSON-shaped value, by the model's wire names; off-model values are stringified. */
function flatten(out: [string, string][], prefix: string, shape: Shape | undefined, v: unknown): void {
  if (v === undefined) return;
  if (shape?.type === 'structure' && v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) {
      const m = shape.members.find((mm) => mm.name === k);
      flatten(out, `${prefix}${m?.wireName ?? k}`, m?.shape, x);
    }
    return;
  }
  if (shape?.type === 'list' && Array.isArray(v)) {
    v.forEach((x, i) => flatten(out, `${prefix}${shape.flattened ? '' : '.member'}.${i + 1}`, shape.member, x));
    return;
  }
  if (shape?.type === 'map' && v && typeof v === 'object' && !Array.isArray(v)) {
    Object.entries(v).forEach(([k, x], i) => {
      const p = `${prefix}${shape.flattened ? '' : '.entry'}.${i + 1}.`;
      out.push([p + shape.keyName, k]);
      flatten(out, p + shape.valueName, shape.value, x);
    });
    return;
  }
  if (v !== null && typeof v === 'object') {
    // Off the model: nested names (the `a.a.a…` kind of input).
    for (const [k, x] of Object.entries(v)) flatten(out, `${prefix}.${k}`, undefined, x);
    return;
  }
  out.push([prefix, String(v)]);
}

export function sqsInput(seedNo: number, i: number, f: Fixture): SqsInput {
  const rng = new Rng((seedNo * 2246822519 + i * 3266489917) >>> 0);
  const op = rng.chance(0.02) ? rng.pick(['', 'Bogus', 'sendmessage', '__proto__']) : rng.pick(OPERATIONS);
  const valid = OPERATIONS.includes(op as (typeof OPERATIONS)[number]);
  const value = valid ? seed(op, f, rng) : {};
  let label = 'valid';
  if (rng.chance(0.75)) {
    label = 'mutated';
    for (let n = rng.range(1, 3); n > 0; n--) mutateValue(rng, value);
  }
  const protocol = rng.chance(0.5) ? 'json' : 'query';
  let body: Buffer;
  let method: 'GET' | 'POST' = 'POST';
  let path = '/';
  const headers: Record<string, string> = {};
  if (protocol === 'json') {
    headers['content-type'] = 'application/x-amz-json-1.0';
    headers['x-amz-target'] = `AmazonSQS.${op}`;
    body = Buffer.from(JSON.stringify(value));
  } else {
    const params: [string, string][] = [['Action', op], ['Version', '2012-11-05']];
    flatten(params, '', OPERATION_MODELS.get(op)?.input, value);
    const form = params.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join('&');
    if (rng.chance(0.3) && form.length < 6000) {
      method = 'GET';
      path = (rng.chance(0.5) ? '/000000000000/fuzz-std' : '/') + '?' + form;
      body = Buffer.alloc(0);
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = Buffer.from(form);
    }
  }
  if (body.length > 0 && rng.chance(0.2)) {
    label += '+bytes';
    // Invalid UTF-8, cut bodies, stray bytes.
    body = rng.chance(0.4) ? Buffer.concat([body.subarray(0, body.length >> 1), Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), body.subarray(body.length >> 1)]) : mutateBytes(rng, body);
  }
  return { op, method, path, headers, body, protocol, label };
}

/** Form encoding of the UTF-8 bytes (a lone surrogate becomes U+FFFD, as any client's encoder does). */
function formEncode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : b === 0x20 ? '+' : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** undefined when the answer is in a shape AWS could send; else what is wrong. */
export function checkSqs(input: SqsInput, status: number, contentType: string, body: string): string | undefined {
  if (status === 413 && body.startsWith('HTTP content length exceeded')) return undefined;
  const xml = body.startsWith('<?xml') || body.startsWith('<');
  // A Query request naming no known action: AWS's bare 404 (see respond.ts unknownOperationResponse).
  if (status === 404 && body === '<UnknownOperationException/>' && input.protocol === 'query') return undefined;
  if (xml !== (input.protocol === 'query')) return `a ${input.protocol} request answered in the other protocol (${status}): ${body.slice(0, 200)}`;
  if (status >= 200 && status < 300) {
    if (xml) return XMLValidator.validate(body) === true ? undefined : 'malformed XML in a success';
    try {
      JSON.parse(body || '{}');
      return contentType.includes('json') ? undefined : `success with content-type ${contentType}`;
    } catch {
      return 'malformed JSON in a success';
    }
  }
  if (xml) {
    if (XMLValidator.validate(body) !== true) return `malformed XML error (${status})`;
    if (!/^<\?xml[^>]*\?><ErrorResponse[^>]*><Error><Type>(Sender|Receiver)<\/Type><Code>[^<]+<\/Code>/.test(body)) return `XML error not in AWS's shape (${status})`;
    if (status >= 500 && !/<Code>(InternalError|InternalFailure|ServiceUnavailable)<\/Code>/.test(body)) return `5xx with a non-internal code (${status})`;
    return undefined;
  }
  try {
    const j = JSON.parse(body) as { __type?: unknown };
    if (typeof j.__type !== 'string') return `JSON error without __type (${status})`;
    if (status >= 500 && !/#(InternalError|InternalFailure|ServiceUnavailable)$/.test(j.__type)) return `5xx with ${j.__type}`;
    return undefined;
  } catch {
    return `error body is neither AWS JSON nor XML (${status}): ${body.slice(0, 200)}`;
  }
}
