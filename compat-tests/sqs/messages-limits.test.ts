/**
 * Message validation through real clients: the 1 MiB size limit in bytes (body + attributes),
 * MaximumMessageSize, invalid characters, attribute rules, DelaySeconds range, and batches
 * (per-entry failures and batch-level errors).
 */
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import { boto, caught, counts, md5, md5OfAttributes, newQueue, v3, VECTORS, useSuite } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

describe('limits and validation', () => {
  it('the 1 MiB limit counts bytes of body plus attribute names, types and values (JSON and Query)', async () => {
    const QueueUrl = await newQueue(js, 'size');
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
    expect(await counts(js, QueueUrl)).toEqual([2, 0, 0]);
  });

  it("a queue's MaximumMessageSize is enforced", async () => {
    const QueueUrl = await newQueue(js, 'maxsize', { MaximumMessageSize: '1024' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(1024) }));
    const e = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(1025) })));
    expect([e.Code, e.status]).toEqual(['InvalidParameterValue', 400]);
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'send_message', params: { QueueUrl, MessageBody: 'y'.repeat(1025) } }]);
    expect(p.error?.Code).toBe('InvalidParameterValue');
  });

  it('characters outside the allowed set are rejected with InvalidMessageContents (JSON, Query)', async () => {
    const QueueUrl = await newQueue(js, 'chars');
    for (const MessageBody of ['nul\u0000', 'bell\u0007', 'bs\u0008', 'nonchar\uFFFE', 'ffff\uFFFF']) {
      const e = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody })));
      expect([JSON.stringify(MessageBody), e.name, e.status]).toEqual([JSON.stringify(MessageBody), 'InvalidMessageContents', 400]);
    }
    const res = await boto(emu.sqsEndpoint, [
      { op: 'send_message', params: { QueueUrl, MessageBody: 'nul\u0000' } },
      { op: 'send_message', params: { QueueUrl, MessageBody: 'esc\u001b' } },
    ]);
    for (const r of res) expect([r.error?.Code, r.error?.HTTPStatusCode]).toEqual(['InvalidMessageContents', 400]);
    expect(await counts(js, QueueUrl)).toEqual([0, 0, 0]);
  });

  it('allowed edge characters (tab, CR, LF, quotes, XML specials, U+D7FF, U+E000, U+FFFD, astral) round-trip exactly', async () => {
    const QueueUrl = await newQueue(js, 'edge');
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
    const QueueUrl = await newQueue(js, 'invalid');
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
    expect(await counts(js, QueueUrl)).toEqual([1, 0, 0]);
  });
});

describe('batches', () => {
  it('SendMessageBatch reports per-entry success and failure (JSON, Query)', async () => {
    const QueueUrl = await newQueue(js, 'batch', { MaximumMessageSize: '1024' });
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
        params: { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'three' }, { Id: 'b', MessageBody: 'x'.repeat(1025) }] },
      },
    ]);
    expect(p.ok.Successful.map((s: any) => s.Id)).toEqual(['a']);
    expect(p.ok.Failed).toHaveLength(1);
    expect(p.ok.Failed[0]).toMatchObject({ Id: 'b', SenderFault: true });
    expect(await counts(js, QueueUrl)).toEqual([3, 0, 0]);
  });

  it('batch-level errors: too many, empty, duplicate ids, invalid ids, too long', async () => {
    const QueueUrl = await newQueue(js, 'batcherr');
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
    expect(await counts(js, QueueUrl)).toEqual([0, 0, 0]);
  });
});
