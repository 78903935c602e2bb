/**
 * Messages through real clients: body and attribute MD5s (AWS's recorded vectors), attribute
 * types, the 1 MiB size limit in bytes (body + attributes), invalid characters, batches, delays,
 * retention, long polling that wakes on send, system attributes and AWSTraceHeader.
 */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import {
  boto,
  caught,
  md5,
  md5OfAttributes,
  PY_JSON,
  settlesWithin,
  uniq,
  v2,
  v3,
  v3q,
  VECTORS,
  type Attr,
  useSuite,
} from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

async function newQueue(prefix: string, Attributes?: Record<string, string>): Promise<string> {
  return (await js.send(new CreateQueueCommand({ QueueName: uniq(prefix), Attributes }))).QueueUrl!;
}

async function counts(QueueUrl: string): Promise<[number, number, number]> {
  const r = await js.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = r.Attributes ?? {};
  return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible), Number(a.ApproximateNumberOfMessagesDelayed)];
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('bodies and MD5s', () => {
  it('send/receive/delete round-trips; MD5OfMessageBody matches AWS (JSON and Query)', async () => {
    const QueueUrl = await newQueue('rt');
    const sj = await js.send(new SendMessageCommand({ QueueUrl, MessageBody: VECTORS.bodyTest.body }));
    expect(sj.MD5OfMessageBody).toBe(VECTORS.bodyTest.md5);
    expect(sj.MessageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sj.SequenceNumber).toBeUndefined();
    const sq = await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'second' }));
    expect(sq.MD5OfMessageBody).toBe(md5('second'));

    const r1 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const got = r1.Messages ?? [];
    expect(got.map((m) => m.Body).sort()).toEqual(['second', 'test']);
    const first = got.find((m) => m.Body === 'test')!;
    expect(first.MessageId).toBe(sj.MessageId);
    expect(first.MD5OfBody).toBe(VECTORS.bodyTest.md5);
    expect(first.ReceiptHandle).toBeTruthy();
    expect(first.MD5OfMessageAttributes).toBeUndefined();

    for (const m of got) await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    await emu.advance(31_000);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
  });

  it('MD5OfMessageAttributes matches the vectors recorded from AWS (Number and Binary; JSON, Query, boto3)', async () => {
    // Our implementation of the algorithm agrees with AWS's vectors...
    expect(md5OfAttributes(VECTORS.numberAttr.attrs)).toBe(VECTORS.numberAttr.md5);
    expect(md5OfAttributes(VECTORS.binaryAttr.attrs)).toBe(VECTORS.binaryAttr.md5);
    // ...and so does the emulator, on send and on receive.
    const QueueUrl = await newQueue('vec');
    const n = await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'n', MessageAttributes: VECTORS.numberAttr.attrs }));
    expect(n.MD5OfMessageAttributes).toBe(VECTORS.numberAttr.md5);
    const b = await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'b', MessageAttributes: VECTORS.binaryAttr.attrs }));
    expect(b.MD5OfMessageAttributes).toBe(VECTORS.binaryAttr.md5);
    const bin = VECTORS.binaryAttr.attrs.attr1.BinaryValue!;
    const res = await boto(emu.sqsEndpoint, [
      { op: 'send_message', params: { QueueUrl, MessageBody: 'pb', MessageAttributes: { attr1: { DataType: 'Binary', BinaryValue: { $b64: b64(bin) } } } } },
      { op: 'send_message', params: { QueueUrl, MessageBody: 'pn', MessageAttributes: VECTORS.numberAttr.attrs } },
    ]);
    expect(res[0].ok.MD5OfMessageAttributes).toBe(VECTORS.binaryAttr.md5);
    expect(res[1].ok.MD5OfMessageAttributes).toBe(VECTORS.numberAttr.md5);

    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    const byBody = new Map((r.Messages ?? []).map((m) => [m.Body, m]));
    expect([...byBody.keys()].sort()).toEqual(['b', 'n', 'pb', 'pn']);
    for (const k of ['b', 'pb']) {
      expect(byBody.get(k)!.MD5OfMessageAttributes).toBe(VECTORS.binaryAttr.md5);
      expect(Buffer.from(byBody.get(k)!.MessageAttributes!.attr1.BinaryValue!)).toEqual(Buffer.from(bin));
      expect(byBody.get(k)!.MessageAttributes!.attr1.DataType).toBe('Binary');
    }
    for (const k of ['n', 'pn']) {
      expect(byBody.get(k)!.MD5OfMessageAttributes).toBe(VECTORS.numberAttr.md5);
      expect(byBody.get(k)!.MessageAttributes).toEqual({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } });
    }
  });

  it('String, Number, Binary and custom-typed attributes round-trip with AWS MD5s through every client', async () => {
    const attrs: Record<string, Attr> = {
      str: { DataType: 'String', StringValue: 'héllo ✓ "q" <x> & y' },
      num: { DataType: 'Number', StringValue: '-12.5e3' },
      bin: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 254, 255]) },
      'custom.kind': { DataType: 'String.custom', StringValue: 'c' },
      flt: { DataType: 'Number.float', StringValue: '3.14' },
      img: { DataType: 'Binary.png', BinaryValue: Buffer.from('\x89PNG', 'latin1') },
    };
    const expected = md5OfAttributes(attrs);
    const QueueUrl = await newQueue('types');
    const s1 = await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'v3', MessageAttributes: attrs }));
    const s2 = await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'v3q', MessageAttributes: attrs }));
    const old = v2(emu);
    const s3 = await old.sendMessage({ QueueUrl, MessageBody: 'v2', MessageAttributes: attrs as any }).promise();
    const pyAttrs = Object.fromEntries(
      Object.entries(attrs).map(([k, a]) => [k, a.BinaryValue ? { DataType: a.DataType, BinaryValue: { $b64: b64(a.BinaryValue) } } : a]),
    );
    const pq = await boto(emu.sqsEndpoint, [{ op: 'send_message', params: { QueueUrl, MessageBody: 'py-query', MessageAttributes: pyAttrs } }]);
    const pj = await boto(emu.sqsEndpoint, [{ op: 'send_message', params: { QueueUrl, MessageBody: 'py-json', MessageAttributes: pyAttrs } }], PY_JSON);
    expect([s1.MD5OfMessageAttributes, s2.MD5OfMessageAttributes, s3.MD5OfMessageAttributes, pq[0].ok?.MD5OfMessageAttributes, pj[0].ok?.MD5OfMessageAttributes]).toEqual(
      [expected, expected, expected, expected, expected],
    );

    const check = (got: Record<string, any> | undefined, binOf: (v: any) => Buffer) => {
      expect(Object.keys(got ?? {}).sort()).toEqual(Object.keys(attrs).sort());
      for (const [k, a] of Object.entries(attrs)) {
        expect(got![k].DataType).toBe(a.DataType);
        if (a.BinaryValue) expect(binOf(got![k].BinaryValue)).toEqual(Buffer.from(a.BinaryValue));
        else expect(got![k].StringValue).toBe(a.StringValue);
      }
    };
    // Receive through Query (v3 3.445), v2 (JSON) and boto3 (Query), each sees its messages with the same MD5.
    const rq = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2, MessageAttributeNames: ['All'], VisibilityTimeout: 0 }));
    expect(rq.Messages?.length).toBeGreaterThan(0);
    for (const m of rq.Messages ?? []) {
      expect(m.MD5OfMessageAttributes).toBe(expected);
      check(m.MessageAttributes, (v) => Buffer.from(v));
    }
    const r2 = await old.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 0 }).promise();
    expect(r2.Messages?.length).toBe(5);
    for (const m of r2.Messages ?? []) {
      expect(m.MD5OfMessageAttributes).toBe(expected);
      check(m.MessageAttributes, (v) => Buffer.from(v));
    }
    const [pr] = await boto(emu.sqsEndpoint, [{ op: 'receive_message', params: { QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] } }]);
    expect(pr.ok.Messages.length).toBe(5);
    for (const m of pr.ok.Messages) {
      expect(m.MD5OfMessageAttributes).toBe(expected);
      check(m.MessageAttributes, (v) => Buffer.from(v.$b64, 'base64'));
    }
  });

  it('MD5OfMessageAttributes is omitted when there are no attributes (send and receive, JSON and Query)', async () => {
    const QueueUrl = await newQueue('nomd5');
    const s = await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'plain' }));
    expect(s).not.toHaveProperty('MD5OfMessageAttributes');
    const [ps, pr] = await boto(emu.sqsEndpoint, [
      { op: 'send_message', params: { QueueUrl, MessageBody: 'plain2' } },
      { op: 'receive_message', params: { QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 0 } },
    ]);
    expect(ps.ok).not.toHaveProperty('MD5OfMessageAttributes');
    expect(pr.ok.Messages).toHaveLength(2);
    for (const m of pr.ok.Messages) {
      expect(m).not.toHaveProperty('MD5OfMessageAttributes');
      expect(m).not.toHaveProperty('MessageAttributes');
    }
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    for (const m of r.Messages ?? []) {
      expect(m.MD5OfMessageAttributes).toBeUndefined();
      expect(m.MessageAttributes).toBeUndefined();
    }
  });

  it('receive returns only the requested attributes (names and prefix.*), MD5 over that subset', async () => {
    const QueueUrl = await newQueue('subset');
    const attrs: Record<string, Attr> = {
      'pre.a': { DataType: 'String', StringValue: '1' },
      'pre.b': { DataType: 'Number', StringValue: '2' },
      other: { DataType: 'String', StringValue: '3' },
      last: { DataType: 'Binary', BinaryValue: Buffer.from('4') },
    };
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes: attrs }));
    const pick = (...names: string[]) => Object.fromEntries(names.map((n) => [n, attrs[n]]));

    const r1 = await js.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['other', 'last', 'missing'], VisibilityTimeout: 0 }));
    expect(Object.keys(r1.Messages![0].MessageAttributes ?? {}).sort()).toEqual(['last', 'other']);
    expect(r1.Messages![0].MD5OfMessageAttributes).toBe(md5OfAttributes(pick('other', 'last')));

    const r2 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['pre.*'], VisibilityTimeout: 0 }));
    expect(Object.keys(r2.Messages![0].MessageAttributes ?? {}).sort()).toEqual(['pre.a', 'pre.b']);
    expect(r2.Messages![0].MD5OfMessageAttributes).toBe(md5OfAttributes(pick('pre.a', 'pre.b')));

    const r3 = await js.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
    expect(r3.Messages![0].MessageAttributes).toBeUndefined();
    expect(r3.Messages![0].MD5OfMessageAttributes).toBeUndefined();

    const r4 = await js.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }));
    expect(r4.Messages![0].MD5OfMessageAttributes).toBe(md5OfAttributes(attrs));
  });
});

describe('limits and validation', () => {
  it('the 1 MiB limit counts bytes of body plus attribute names, types and values (JSON and Query)', async () => {
    const QueueUrl = await newQueue('size');
    const MiB = 1048576;
    // Exactly 1 MiB of ASCII is accepted and comes back intact (v3 checks the MD5 itself).
    const big = 'a'.repeat(MiB);
    const s = await js.send(new SendMessageCommand({ QueueUrl, MessageBody: big }));
    expect(s.MD5OfMessageBody).toBe(md5(big));
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(r.Messages![0].Body!.length).toBe(MiB);
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle }));

    const tooBig = [
      'a'.repeat(MiB + 1),
      // 524289 characters, but 1048578 UTF-8 bytes.
      'é'.repeat(MiB / 2 + 1),
    ];
    for (const MessageBody of tooBig) {
      const e = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody })));
      expect([e.Code, e.status]).toEqual(['InvalidParameterValue', 400]);
      const q = await caught(() => qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody })));
      expect([q.name, q.status]).toEqual(['InvalidParameterValue', 400]);
    }
    // Body + attribute: 'k' (1) + 'String' (6) + value.
    const body = 'b'.repeat(MiB - 10);
    const over = await caught(() =>
      js.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: { k: { DataType: 'String', StringValue: 'abcd' } } })),
    );
    expect([over.Code, over.status]).toEqual(['InvalidParameterValue', 400]);
    const fits = await qs.send(
      new Q.SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: { k: { DataType: 'String', StringValue: 'abc' } } }),
    );
    expect(fits.MD5OfMessageBody).toBe(md5(body));
    // Attribute values count in bytes too: 'éé' is 2 characters but 4 bytes.
    const multiByte = await caught(() =>
      js.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: { k: { DataType: 'String', StringValue: 'éé' } } })),
    );
    expect([multiByte.Code, multiByte.status]).toEqual(['InvalidParameterValue', 400]);
    // Binary values count their raw bytes (not their base64 text): 'Binary' (6) + 'k' (1) + 3 bytes fits exactly.
    await js.send(
      new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: { k: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) } } }),
    );
    const binOver = await caught(() =>
      js.send(
        new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: { k: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3, 4]) } } }),
      ),
    );
    expect([binOver.Code, binOver.status]).toEqual(['InvalidParameterValue', 400]);
    expect(await counts(QueueUrl)).toEqual([2, 0, 0]);
  });

  it("a queue's MaximumMessageSize is enforced", async () => {
    const QueueUrl = await newQueue('maxsize', { MaximumMessageSize: '1024' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(1024) }));
    const e = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(1025) })));
    expect([e.Code, e.status]).toEqual(['InvalidParameterValue', 400]);
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'send_message', params: { QueueUrl, MessageBody: 'y'.repeat(1025) } }]);
    expect(p.error?.Code).toBe('InvalidParameterValue');
  });

  it('characters outside the allowed set are rejected with InvalidMessageContents (JSON, Query)', async () => {
    const QueueUrl = await newQueue('chars');
    for (const MessageBody of ['nul\u0000', 'bell\u0007', 'bs\u0008', 'nonchar\uFFFE', 'ffff\uFFFF']) {
      const e = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody })));
      expect([JSON.stringify(MessageBody), e.name, e.status]).toEqual([JSON.stringify(MessageBody), 'InvalidMessageContents', 400]);
    }
    const res = await boto(emu.sqsEndpoint, [
      { op: 'send_message', params: { QueueUrl, MessageBody: 'nul\u0000' } },
      { op: 'send_message', params: { QueueUrl, MessageBody: 'esc\u001b' } },
    ]);
    for (const r of res) expect([r.error?.Code, r.error?.HTTPStatusCode]).toEqual(['InvalidMessageContents', 400]);
    expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
  });

  it('allowed edge characters (tab, CR, LF, quotes, XML specials, U+D7FF, U+E000, U+FFFD, astral) round-trip exactly', async () => {
    const QueueUrl = await newQueue('edge');
    const body = 'tab\there\r\nCRLF\rCR "dq" \'sq\' <a>&amp; ]]> \uD7FF\uE000\uFFFD 😀 \u0085 end';
    const s1 = await js.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    expect(s1.MD5OfMessageBody).toBe(md5(body));
    const rq = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
    expect(rq.Messages![0].Body).toBe(body);
    expect(rq.Messages![0].MD5OfBody).toBe(md5(body));
    const [pr] = await boto(emu.sqsEndpoint, [{ op: 'receive_message', params: { QueueUrl, VisibilityTimeout: 0 } }]);
    expect(pr.ok.Messages[0].Body).toBe(body);
    const s2 = await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: { a: { DataType: 'String', StringValue: body } } }));
    expect(s2.MD5OfMessageBody).toBe(md5(body));
    expect(s2.MD5OfMessageAttributes).toBe(md5OfAttributes({ a: { DataType: 'String', StringValue: body } }));
    const r2 = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    expect(r2.Messages).toHaveLength(2);
    for (const m of r2.Messages!) expect(m.Body).toBe(body);
  });

  it('empty body, more than 10 attributes, empty attribute values and out-of-range DelaySeconds are rejected', async () => {
    const QueueUrl = await newQueue('invalid');
    const empty = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody: '' })));
    expect([empty.Code, empty.status]).toEqual(['MissingParameter', 400]);
    const missing = await caught(() => js.send(new SendMessageCommand({ QueueUrl } as any)));
    expect([missing.Code, missing.status, missing.message]).toEqual(['MissingParameter', 400, 'The request must contain the parameter MessageBody.']);

    const eleven: Record<string, MessageAttributeValue> = {};
    for (let i = 0; i < 11; i++) eleven[`a${i}`] = { DataType: 'String', StringValue: 'v' };
    const tooMany = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes: eleven })));
    expect([tooMany.Code, tooMany.status]).toEqual(['InvalidParameterValue', 400]);
    delete eleven.a10;
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'ten', MessageAttributes: eleven }));

    const emptyValue = await caught(() =>
      js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes: { e: { DataType: 'String', StringValue: '' } } })),
    );
    expect([emptyValue.Code, emptyValue.status]).toEqual(['InvalidParameterValue', 400]);

    // Attribute names: no AWS./Amazon. prefix, no leading/trailing dot; types: String/Number/Binary prefixes; Number values numeric.
    const badAttrs: Array<Record<string, MessageAttributeValue>> = [
      { 'AWS.reserved': { DataType: 'String', StringValue: 'v' } },
      { 'Amazon.reserved': { DataType: 'String', StringValue: 'v' } },
      { '.leading': { DataType: 'String', StringValue: 'v' } },
      { 'trailing.': { DataType: 'String', StringValue: 'v' } },
      { t: { DataType: 'Text', StringValue: 'v' } },
      { n: { DataType: 'Number', StringValue: 'not-a-number' } },
    ];
    for (const MessageAttributes of badAttrs) {
      const e = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes })));
      expect([Object.keys(MessageAttributes)[0], e.Code, e.status]).toEqual([Object.keys(MessageAttributes)[0], 'InvalidParameterValue', 400]);
    }

    const d = await caught(() => qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'x', DelaySeconds: 901 })));
    expect([d.name, d.status]).toEqual(['InvalidParameterValue', 400]);
    expect(await counts(QueueUrl)).toEqual([1, 0, 0]);
  });
});

describe('batches', () => {
  it('SendMessageBatch reports per-entry success and failure (JSON, Query)', async () => {
    const QueueUrl = await newQueue('batch');
    const r = await js.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'ok-1', MessageBody: 'one' },
          { Id: 'bad', MessageBody: 'nul\u0000' },
          { Id: 'ok_2', MessageBody: 'two', MessageAttributes: VECTORS.numberAttr.attrs },
        ],
      }),
    );
    expect((r.Successful ?? []).map((s) => s.Id).sort()).toEqual(['ok-1', 'ok_2']);
    const ok2 = r.Successful!.find((s) => s.Id === 'ok_2')!;
    expect(ok2.MD5OfMessageBody).toBe(md5('two'));
    expect(ok2.MD5OfMessageAttributes).toBe(VECTORS.numberAttr.md5);
    expect(r.Successful!.find((s) => s.Id === 'ok-1')!.MD5OfMessageAttributes).toBeUndefined();
    expect(r.Failed).toHaveLength(1);
    expect(r.Failed![0]).toMatchObject({ Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents' });

    const [p] = await boto(emu.sqsEndpoint, [
      {
        op: 'send_message_batch',
        params: { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'three' }, { Id: 'b', MessageBody: 'x'.repeat(1048577) }] },
      },
    ]);
    expect(p.ok.Successful.map((s: any) => s.Id)).toEqual(['a']);
    expect(p.ok.Failed).toHaveLength(1);
    expect(p.ok.Failed[0]).toMatchObject({ Id: 'b', SenderFault: true });
    expect(await counts(QueueUrl)).toEqual([3, 0, 0]);
  });

  it('batch-level errors: too many, empty, duplicate ids, invalid ids, too long', async () => {
    const QueueUrl = await newQueue('batcherr');
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` }));

    const many = await caught(() => js.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries(11) })));
    expect([many.name, many.Code, many.status, many.message]).toEqual([
      'TooManyEntriesInBatchRequest',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      400,
      'Maximum number of entries per request are 10. You have sent 11.',
    ]);
    const manyQ = await caught(() => qs.send(new Q.SendMessageBatchCommand({ QueueUrl, Entries: entries(20) })));
    expect([manyQ.name, manyQ.status, manyQ.text]).toEqual([
      'TooManyEntriesInBatchRequest',
      400,
      'Maximum number of entries per request are 10. You have sent 20.',
    ]);

    const empty = await caught(() => js.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] })));
    expect([empty.name, empty.Code, empty.status]).toEqual(['EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 400]);

    const dup = await caught(() =>
      js.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'x', MessageBody: '1' }, { Id: 'x', MessageBody: '2' }] })),
    );
    expect([dup.name, dup.Code, dup.status]).toEqual(['BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400]);

    for (const Id of ['has space', 'x'.repeat(81), 'dot.id']) {
      const bad = await caught(() => qs.send(new Q.SendMessageBatchCommand({ QueueUrl, Entries: [{ Id, MessageBody: '1' }] })));
      expect([Id, bad.name, bad.status, bad.text]).toEqual([
        Id,
        'InvalidBatchEntryId',
        400,
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      ]);
    }

    const half = 'z'.repeat(600_000);
    const long = await caught(() =>
      js.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: half }, { Id: 'b', MessageBody: half }] })),
    );
    expect([long.name, long.Code, long.status]).toEqual(['BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', 400]);
    expect(long.message).toMatch(/^Batch requests cannot be longer than 1048576 bytes\. You have sent \d+ bytes\.$/);

    const [p] = await boto(emu.sqsEndpoint, [{ op: 'send_message_batch', params: { QueueUrl, Entries: entries(11) } }]);
    expect([p.error?.Code, p.error?.HTTPStatusCode]).toEqual(['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400]);
    expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
  });
});

describe('delays and retention', () => {
  it('per-message DelaySeconds hides a message until the delay passes (JSON, Query)', async () => {
    const QueueUrl = await newQueue('msgdelay');
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 10 }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'much-later', DelaySeconds: 900 }));
    await qs.send(new Q.SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'b', MessageBody: 'batch-later', DelaySeconds: 20 }] }));
    expect(await counts(QueueUrl)).toEqual([0, 0, 3]);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    await emu.advance(9_500);
    expect((await qs.send(new Q.ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    await emu.advance(600);
    const r = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r.Messages?.map((m) => m.Body)).toEqual(['later']);
    expect(await counts(QueueUrl)).toEqual([0, 1, 2]);
    await emu.advance(10_000);
    const r2 = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r2.Messages?.map((m) => m.Body)).toEqual(['batch-later']);
    await emu.advance(880_000);
    expect(await counts(QueueUrl)).toEqual([3, 0, 0]);
  });

  it('queue DelaySeconds delays every message unless the message sets its own', async () => {
    const QueueUrl = await newQueue('qdelay', { DelaySeconds: '30' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'queue-delay' }));
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'no-delay', DelaySeconds: 0 }));
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'send_message', params: { QueueUrl, MessageBody: 'py-queue-delay' } }]);
    expect(p.ok.MessageId).toBeTruthy();
    expect(await counts(QueueUrl)).toEqual([1, 0, 2]);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r.Messages?.map((m) => m.Body)).toEqual(['no-delay']);
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle }));
    await emu.advance(29_000);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();
    await emu.advance(1_500);
    const r2 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r2.Messages?.map((m) => m.Body).sort()).toEqual(['py-queue-delay', 'queue-delay']);
  });

  it('changing the queue DelaySeconds is not retroactive for messages already sent', async () => {
    const QueueUrl = await newQueue('qdelaychange', { DelaySeconds: '60' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'sent-with-60' }));
    await qs.send(new Q.SetQueueAttributesCommand({ QueueUrl, Attributes: { DelaySeconds: '0' } }));
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'sent-with-0' }));
    expect(await counts(QueueUrl)).toEqual([1, 0, 1]);
    await emu.advance(59_000);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))).Messages?.map((m) => m.Body)).toEqual([
      'sent-with-0',
    ]);
    await emu.advance(1_500);
    expect(await counts(QueueUrl)).toEqual([2, 0, 0]);
  });

  it('messages expire after MessageRetentionPeriod (60 s queue, and the 4-day default)', async () => {
    const short = await newQueue('ret60', { MessageRetentionPeriod: '60' });
    const dflt = await newQueue('retdefault');
    await js.send(new SendMessageCommand({ QueueUrl: short, MessageBody: 'short' }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl: dflt, MessageBody: 'default' }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl: dflt, MessageBody: 'inflight' }));
    await emu.advance(59_000);
    expect(await counts(short)).toEqual([1, 0, 0]);
    await emu.advance(2_000);
    expect(await counts(short)).toEqual([0, 0, 0]);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl: short }))).Messages).toBeUndefined();

    // 4 days = 345600 s.
    await emu.advance(345_600_000 - 61_000 - 1_000);
    expect(await counts(dflt)).toEqual([2, 0, 0]);
    // In-flight messages expire too.
    const inflight = await js.send(new ReceiveMessageCommand({ QueueUrl: dflt, MaxNumberOfMessages: 1, VisibilityTimeout: 600 }));
    expect(inflight.Messages).toHaveLength(1);
    expect(await counts(dflt)).toEqual([1, 1, 0]);
    await emu.advance(2_000);
    expect(await counts(dflt)).toEqual([0, 0, 0]);
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'receive_message', params: { QueueUrl: dflt } }]);
    expect(p.ok.Messages).toBeUndefined();
  });

  it('reducing MessageRetentionPeriod expires messages already older than the new period (AWS: within 15 minutes)', async () => {
    const QueueUrl = await newQueue('retreduce');
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'old' }));
    await emu.advance(120_000);
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'young' }));
    await js.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MessageRetentionPeriod: '600' } }));
    await emu.advance(15 * 60_000 - 120_000);
    // 'old' is now 15 min old (> 10 min); 'young' 13 min old: both past the new period.
    expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
  });
});

describe('long polling', () => {
  it('a JSON long poll (WaitTimeSeconds=20) returns as soon as a Query client sends', async () => {
    const QueueUrl = await newQueue('lp');
    const t0 = Date.now();
    const poll = js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'wake' }));
    const r = await poll;
    expect(r.Messages?.map((m) => m.Body)).toEqual(['wake']);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a Query long poll is woken by a JSON send and by boto3; it ends empty only when the wait elapses', async () => {
    const QueueUrl = await newQueue('lpq');
    const poll = qs.send(new Q.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake-q' }));
    expect((await poll).Messages?.map((m) => m.Body)).toEqual(['wake-q']);

    const poll2 = qs.send(new Q.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    expect(await settlesWithin(poll2, 100)).toBe(false);
    await emu.advance(4_000);
    expect(await settlesWithin(poll2, 100)).toBe(false);
    await emu.advance(1_100);
    expect((await poll2).Messages).toBeUndefined();

    const poll3 = js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(poll3, 100)).toBe(false);
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'send_message', params: { QueueUrl, MessageBody: 'from-python' } }]);
    expect(p.ok.MessageId).toBeTruthy();
    expect((await poll3).Messages?.map((m) => m.Body)).toEqual(['from-python']);
  });

  it('ReceiveMessageWaitTimeSeconds on the queue makes receives long polls; a delayed message wakes one when its delay ends', async () => {
    const QueueUrl = await newQueue('lpattr', { ReceiveMessageWaitTimeSeconds: '20' });
    const poll = js.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'delayed', DelaySeconds: 5 }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await emu.advance(5_000);
    expect((await poll).Messages?.map((m) => m.Body)).toEqual(['delayed']);
    // WaitTimeSeconds=0 overrides the queue's long polling.
    expect(await settlesWithin(js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 })), 2_000)).toBe(true);
  });
});

describe('long polling wakes on every way a message becomes available', () => {
  it('when an in-flight message times out, or is released with ChangeMessageVisibility 0', async () => {
    const QueueUrl = await newQueue('lpvis', { VisibilityTimeout: '10' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    const first = await js.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(first.Messages).toHaveLength(1);
    const poll = qs.send(new Q.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, AttributeNames: ['ApproximateReceiveCount' as any] }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await emu.advance(10_000);
    const r = await poll;
    expect(r.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['again', '2']]);

    const poll2 = js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(poll2, 100)).toBe(false);
    await qs.send(new Q.ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    expect((await poll2).Messages?.map((m) => m.Body)).toEqual(['again']);
  });

  it('two waiting receivers and one message: exactly one gets it, the other keeps waiting for the next', async () => {
    const QueueUrl = await newQueue('lptwo');
    const a = js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    const b = qs.send(new Q.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(Promise.race([a, b]), 100)).toBe(false);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'only-one' }));
    const winner = await Promise.race([a.then((r) => ['a', r] as const), b.then((r) => ['b', r] as const)]);
    expect(winner[1].Messages?.map((m) => m.Body)).toEqual(['only-one']);
    const loser = winner[0] === 'a' ? b : a;
    expect(await settlesWithin(loser, 100)).toBe(false);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'second' }));
    expect((await loser).Messages?.map((m) => m.Body)).toEqual(['second']);
  });
});

describe('system attributes', () => {
  it('SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp, SenderId (JSON, Query)', async () => {
    const QueueUrl = await newQueue('sysattr');
    const sent = await emu.now();
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 's' }));
    await emu.advance(2_000);
    const received = await emu.now();
    const r1 = await js.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'], VisibilityTimeout: 5 }));
    const a1 = r1.Messages![0].Attributes!;
    expect(Number(a1.SentTimestamp)).toBeGreaterThanOrEqual(sent - 1);
    expect(Number(a1.SentTimestamp)).toBeLessThan(sent + 1_000);
    expect(a1.ApproximateReceiveCount).toBe('1');
    expect(Math.abs(Number(a1.ApproximateFirstReceiveTimestamp) - received)).toBeLessThan(1_000);
    expect(a1.SenderId).toBeTruthy();
    expect(a1).not.toHaveProperty('SequenceNumber');
    await emu.advance(5_000);
    const r2 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, AttributeNames: ['All'] }));
    const a2 = r2.Messages![0].Attributes!;
    expect(a2.ApproximateReceiveCount).toBe('2');
    expect(a2.ApproximateFirstReceiveTimestamp).toBe(a1.ApproximateFirstReceiveTimestamp);
    expect(a2.SentTimestamp).toBe(a1.SentTimestamp);
    // Only the named ones come back.
    await emu.advance(30_000);
    const r3 = await js.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(r3.Messages![0].Attributes).toEqual({ ApproximateReceiveCount: '3' });
  });

  it('AWSTraceHeader from MessageSystemAttributes (with MD5OfMessageSystemAttributes) and from the X-Amzn-Trace-Id header', async () => {
    const QueueUrl = await newQueue('trace');
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const s = await js.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'explicit',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
      }),
    );
    expect(s.MD5OfMessageSystemAttributes).toBe(md5OfAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: trace } }));
    expect(s.MD5OfMessageAttributes).toBeUndefined();

    const headerTrace = 'Root=1-67891233-abcdef012345678912345678;Sampled=0';
    const withHeader = v3(emu);
    withHeader.middlewareStack.add(
      (next) => async (args: any) => {
        args.request.headers['X-Amzn-Trace-Id'] = headerTrace;
        return next(args);
      },
      { step: 'build', name: 'addTraceHeader' },
    );
    try {
      await withHeader.send(new SendMessageCommand({ QueueUrl, MessageBody: 'from-header' }));
    } finally {
      withHeader.destroy();
    }
    const pyTrace = 'Root=1-11111111-222222222222222222222222;Sampled=1';
    const [p] = await boto(emu.sqsEndpoint, [
      { op: 'send_message', params: { QueueUrl, MessageBody: 'py-header' }, headers: { 'X-Amzn-Trace-Id': pyTrace } },
    ]);
    expect(p.ok.MessageId).toBeTruthy();

    const r = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, AttributeNames: ['AWSTraceHeader' as any] }));
    const traces = Object.fromEntries((r.Messages ?? []).map((m) => [m.Body, m.Attributes?.AWSTraceHeader]));
    expect(traces).toEqual({ explicit: trace, 'from-header': headerTrace, 'py-header': pyTrace });
  });

  it('ApproximateNumberOfMessages / NotVisible / Delayed track visible, in-flight and delayed messages', async () => {
    const QueueUrl = await newQueue('approx');
    for (let i = 0; i < 4; i++) await js.send(new SendMessageCommand({ QueueUrl, MessageBody: `v${i}` }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'd', DelaySeconds: 60 }));
    expect(await counts(QueueUrl)).toEqual([4, 0, 1]);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 3 }));
    expect(r.Messages).toHaveLength(3);
    expect(await counts(QueueUrl)).toEqual([1, 3, 1]);
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle }));
    expect(await counts(QueueUrl)).toEqual([1, 2, 1]);
    await emu.advance(31_000);
    expect(await counts(QueueUrl)).toEqual([3, 0, 1]);
    await emu.advance(30_000);
    expect(await counts(QueueUrl)).toEqual([4, 0, 0]);
    const [p] = await boto(emu.sqsEndpoint, [
      { op: 'get_queue_attributes', params: { QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] } },
    ]);
    expect(p.ok.Attributes).toEqual({ ApproximateNumberOfMessages: '4', ApproximateNumberOfMessagesNotVisible: '0' });
  });
});
