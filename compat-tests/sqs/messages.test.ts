/**
 * Messages through real clients: send/receive/delete round-trips, body and attribute MD5s (AWS's
 * recorded vectors), attribute types and selection, system attributes and AWSTraceHeader.
 * Size limits and batches: messages-limits.test.ts; delays, retention, long polling: messages-timing.test.ts.
 */
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import { boto, counts, md5, md5OfAttributes, newQueue, PY_JSON, v2, v3, v3q, VECTORS, type Attr, useSuite } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('bodies and MD5s', () => {
  it('send/receive/delete round-trips; MD5OfMessageBody matches AWS (JSON and Query)', async () => {
    const QueueUrl = await newQueue(js, 'rt');
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
    expect(await counts(js, QueueUrl)).toEqual([0, 0, 0]);
  });

  it('MD5OfMessageAttributes matches the vectors recorded from AWS (Number and Binary; JSON, Query, boto3)', async () => {
    // Our implementation of the algorithm agrees with AWS's vectors...
    expect(md5OfAttributes(VECTORS.numberAttr.attrs)).toBe(VECTORS.numberAttr.md5);
    expect(md5OfAttributes(VECTORS.binaryAttr.attrs)).toBe(VECTORS.binaryAttr.md5);
    // ...and so does the emulator, on send and on receive.
    const QueueUrl = await newQueue(js, 'vec');
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
    const QueueUrl = await newQueue(js, 'types');
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
    const QueueUrl = await newQueue(js, 'nomd5');
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
    const QueueUrl = await newQueue(js, 'subset');
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

describe('system attributes', () => {
  it('SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp, SenderId (JSON, Query)', async () => {
    const QueueUrl = await newQueue(js, 'sysattr');
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
    const QueueUrl = await newQueue(js, 'trace');
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
    const QueueUrl = await newQueue(js, 'approx');
    for (let i = 0; i < 4; i++) await js.send(new SendMessageCommand({ QueueUrl, MessageBody: `v${i}` }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'd', DelaySeconds: 60 }));
    expect(await counts(js, QueueUrl)).toEqual([4, 0, 1]);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 3 }));
    expect(r.Messages).toHaveLength(3);
    expect(await counts(js, QueueUrl)).toEqual([1, 3, 1]);
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle }));
    expect(await counts(js, QueueUrl)).toEqual([1, 2, 1]);
    await emu.advance(31_000);
    expect(await counts(js, QueueUrl)).toEqual([3, 0, 1]);
    await emu.advance(30_000);
    expect(await counts(js, QueueUrl)).toEqual([4, 0, 0]);
    const [p] = await boto(emu.sqsEndpoint, [
      { op: 'get_queue_attributes', params: { QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] } },
    ]);
    expect(p.ok.Attributes).toEqual({ ApproximateNumberOfMessages: '4', ApproximateNumberOfMessagesNotVisible: '0' });
  });
});
