import { md5OfAttributes } from '../../src/sqs/semantics/md5.js';
import { SqsService } from '../../src/sqs/semantics/service.js';
import { ctx, harnessPerTest } from './harness.js';

describe('messages', () => {
  const h = harnessPerTest();

  it('carries AWSTraceHeader from the system attribute or the request header', async () => {
    const url = await h.createQueue('q1');
    const trace = { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } };
    const sent = await h.send(url, 'a', { MessageSystemAttributes: trace });
    expect(sent.MD5OfMessageSystemAttributes).toBe(md5OfAttributes(trace));
    const fromHeader = await (h.sqs as SqsService).call('SendMessage', { QueueUrl: url, MessageBody: 'b' }, { ...ctx, traceHeader: 'Root=1-hdr' });
    expect(fromHeader.MD5OfMessageSystemAttributes).toBeUndefined();
    const got = await h.receive(url, { MessageSystemAttributeNames: ['AWSTraceHeader'] });
    expect(got.map((m) => m.Attributes.AWSTraceHeader)).toEqual(['Root=1-abc', 'Root=1-hdr']);
  });

  it('returns all system attributes for All', async () => {
    const url = await h.createQueue('q1');
    await h.send(url, 'a');
    const [m] = await h.receive(url, { AttributeNames: ['All'] });
    expect(m.Attributes).toEqual({
      SenderId: ctx.accountId,
      SentTimestamp: String(h.clock.now()),
      ApproximateReceiveCount: '1',
      ApproximateFirstReceiveTimestamp: String(h.clock.now()),
    });
  });

  it('filters message attributes by prefix and hashes only what it returns', async () => {
    const url = await h.createQueue('q1');
    const attrs = {
      'order.id': { DataType: 'String', StringValue: '1' },
      'order.total': { DataType: 'Number.float', StringValue: '2.5' },
      other: { DataType: 'Binary', BinaryValue: Buffer.from('xyz') },
    };
    const sent = await h.send(url, 'a', { MessageAttributes: attrs });
    expect(sent.MD5OfMessageAttributes).toBe(md5OfAttributes(attrs));
    const [m] = await h.receive(url, { MessageAttributeNames: ['order.*'] });
    expect(Object.keys(m.MessageAttributes).sort()).toEqual(['order.id', 'order.total']);
    expect(m.MD5OfMessageAttributes).toBe(md5OfAttributes({ 'order.id': attrs['order.id'], 'order.total': attrs['order.total'] }));
    await h.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
    const [bare] = await h.receive(url);
    expect(bare.MessageAttributes).toBeUndefined();
    expect(bare.MD5OfMessageAttributes).toBeUndefined();
  });

  it('validates bodies and attributes', async () => {
    const url = await h.createQueue('q1', { MaximumMessageSize: '1024' });
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: '' })).message).toBe('The request must contain the parameter MessageBody.');
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'a\uD800' })).code).toBe('InvalidMessageContents');
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageAttributes: eleven })).message).toBe(
      'Number of message attributes [11] exceeds the allowed maximum [10].',
    );
    const notNumber = { n: { DataType: 'Number', StringValue: 'abc' } };
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageAttributes: notNumber })).message).toBe(
      "Can't cast the value of message (user) attribute 'n' to a number.",
    );
    const badType = { n: { DataType: 'Integer', StringValue: '1' } };
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageAttributes: badType })).code).toBe('InvalidParameterValue');
    // 1000 body bytes + name (1) + type (6) + value (17) = 1024: at the limit; one more byte is over.
    const attr = { k: { DataType: 'String', StringValue: 'v'.repeat(17) } };
    await h.send(url, 'b'.repeat(1000), { MessageAttributes: attr });
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'b'.repeat(1001), MessageAttributes: attr })).code).toBe('InvalidParameterValue');
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })).message).toBe(
      'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
    );
  });

  it('reports per-entry results of DeleteMessageBatch and ChangeMessageVisibilityBatch', async () => {
    const url = await h.createQueue('q1');
    await h.send(url, 'a');
    const [m] = await h.receive(url);
    const vis = await h.call('ChangeMessageVisibilityBatch', {
      QueueUrl: url,
      Entries: [
        { Id: 'ok', ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 100 },
        { Id: 'bad', ReceiptHandle: 'garbage', VisibilityTimeout: 100 },
      ],
    });
    expect(vis.Successful).toEqual([{ Id: 'ok' }]);
    expect(vis.Failed).toEqual([{ Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle "garbage" is not a valid receipt handle.' }]);
    h.clock.advance(99_000);
    expect(await h.receive(url)).toEqual([]);
    const del = await h.call('DeleteMessageBatch', { QueueUrl: url, Entries: [{ Id: 'a', ReceiptHandle: m.ReceiptHandle }] });
    expect(del).toEqual({ Successful: [{ Id: 'a' }], Failed: [] }); // the JSON encoder leaves the empty list out (json.test.ts)
    expect(await h.counts(url)).toEqual([0, 0, 0]);
  });

  it('limits a message to 12 hours in flight from its receive', async () => {
    const url = await h.createQueue('q1');
    await h.send(url, 'a');
    const [m] = await h.receive(url);
    h.clock.advance(20_000);
    await h.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 43180 });
    const err = await h.error('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 43181 });
    expect(err.code).toBe('InvalidParameterValue');
  });

  it('applies a shortened retention period to messages already stored', async () => {
    const url = await h.createQueue('q1');
    await h.send(url, 'a');
    h.clock.advance(100_000);
    await h.call('SetQueueAttributes', { QueueUrl: url, Attributes: { MessageRetentionPeriod: '60' } });
    await h.settle();
    expect(await h.counts(url)).toEqual([0, 0, 0]);
  });
});
