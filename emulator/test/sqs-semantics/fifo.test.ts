import { harnessPerTest, type Harness } from './harness.js';

describe('FIFO queues', () => {
  const h = harnessPerTest();

  const fifo = (h: Harness, name = 'f.fifo', attrs: Record<string, string> = {}) =>
    h.createQueue(name, { FifoQueue: 'true', ContentBasedDeduplication: 'true', ...attrs });

  it('delivers in order per group and blocks a group while its head is in flight', async () => {
    const url = await fifo(h);
    for (const b of ['a1', 'a2', 'a3']) await h.send(url, b, { MessageGroupId: 'A' });
    await h.send(url, 'b1', { MessageGroupId: 'B' });
    const first = await h.receive(url, { MaxNumberOfMessages: 2, VisibilityTimeout: 10 });
    expect(first.map((m) => m.Body)).toEqual(['a1', 'a2']);
    expect((await h.receive(url)).map((m) => m.Body)).toEqual(['b1']);
    expect(await h.receive(url)).toEqual([]);
    await h.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: first[0].ReceiptHandle });
    // a2 is still in flight: the group stays blocked.
    expect(await h.receive(url)).toEqual([]);
    await h.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: first[1].ReceiptHandle });
    expect((await h.receive(url)).map((m) => m.Body)).toEqual(['a3']);
  });

  it('makes a group readable only up to its first invisible message', async () => {
    const url = await fifo(h);
    for (const b of ['1', '2', '3']) await h.send(url, b, { MessageGroupId: 'g' });
    const got = await h.receive(url, { VisibilityTimeout: 30 });
    expect(got.map((m) => m.Body)).toEqual(['1', '2', '3']);
    await h.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: got[0].ReceiptHandle, VisibilityTimeout: 0 });
    expect((await h.receive(url)).map((m) => m.Body)).toEqual(['1']);
  });

  it('deduplicates within 5 minutes, by content or by id, per group when scoped', async () => {
    const url = await fifo(h);
    const a = await h.send(url, 'same', { MessageGroupId: 'g' });
    const b = await h.send(url, 'same', { MessageGroupId: 'g' });
    expect(b.MessageId).toBe(a.MessageId);
    expect(BigInt(a.SequenceNumber)).toBeGreaterThan(0n);
    h.clock.advance(5 * 60 * 1000);
    const c = await h.send(url, 'same', { MessageGroupId: 'g' });
    expect(c.MessageId).not.toBe(a.MessageId);
    expect(BigInt(c.SequenceNumber)).toBeGreaterThan(BigInt(a.SequenceNumber));
    expect((await h.receive(url)).map((m) => m.Body)).toEqual(['same', 'same']);

    const scoped = await fifo(h, 's.fifo', { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    const x = await h.send(scoped, 'm', { MessageGroupId: 'g1', MessageDeduplicationId: 'd' });
    const y = await h.send(scoped, 'm', { MessageGroupId: 'g2', MessageDeduplicationId: 'd' });
    const z = await h.send(scoped, 'm', { MessageGroupId: 'g1', MessageDeduplicationId: 'd' });
    expect(y.MessageId).not.toBe(x.MessageId);
    expect(z.MessageId).toBe(x.MessageId);
  });

  it('returns the same messages for a retried ReceiveRequestAttemptId', async () => {
    const url = await fifo(h);
    await h.send(url, 'one', { MessageGroupId: 'g' });
    const a = await h.receive(url, { ReceiveRequestAttemptId: 'try-1' });
    const b = await h.receive(url, { ReceiveRequestAttemptId: 'try-1' });
    expect(b).toEqual(a);
    expect(await h.receive(url, { ReceiveRequestAttemptId: 'try-2' })).toEqual([]);
  });

  it('validates FIFO sends', async () => {
    const url = await h.createQueue('v.fifo', { FifoQueue: 'true' });
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })).message).toBe(
      'The request must contain the parameter MessageGroupId.',
    );
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })).code).toBe('InvalidParameterValue');
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 5 })).message).toBe(
      'Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
    );
  });

  it('rejects an expired receipt handle on delete', async () => {
    const url = await fifo(h);
    await h.send(url, 'x', { MessageGroupId: 'g' });
    const [m] = await h.receive(url, { VisibilityTimeout: 1 });
    h.clock.advance(1000);
    const err = await h.error('DeleteMessage', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
    expect(err.message).toBe(`Value ${m.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`);
  });
});

describe('FIFO dead-lettering and long polling', () => {
  const h = harnessPerTest();

  it('dead-letters the head of a group and unblocks the next message', async () => {
    await h.createQueue('dlq.fifo', { FifoQueue: 'true' });
    const dlqArn = 'arn:aws:sqs:us-east-1:123456789012:dlq.fifo';
    const url = await h.createQueue('src.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
    });
    await h.send(url, 'first', { MessageGroupId: 'g' });
    await h.send(url, 'second', { MessageGroupId: 'g' });
    expect((await h.receive(url, { MaxNumberOfMessages: 1 })).map((m) => m.Body)).toEqual(['first']);
    h.clock.advance(1000);
    expect((await h.receive(url, { MaxNumberOfMessages: 1 })).map((m) => m.Body)).toEqual(['second']);
    const [dead] = await h.receive('http://x/123456789012/dlq.fifo', { AttributeNames: ['MessageGroupId'] });
    expect(dead.Body).toBe('first');
    expect(dead.Attributes.MessageGroupId).toBe('g');
  });

  it('rejects a standard dead-letter queue for a FIFO source', async () => {
    await h.createQueue('std');
    const err = await h.error('CreateQueue', {
      QueueName: 'src.fifo',
      Attributes: { FifoQueue: 'true', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:std', maxReceiveCount: 1 }) },
    });
    expect(err.code).toBe('InvalidParameterValue');
  });

  it('wakes a long poll when a blocked group is released', async () => {
    const url = await h.createQueue('f.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    await h.send(url, 'a', { MessageGroupId: 'g' });
    await h.send(url, 'b', { MessageGroupId: 'g' });
    const [a] = await h.receive(url, { MaxNumberOfMessages: 1 });
    const waiting = h.receive(url, { WaitTimeSeconds: 20 });
    await h.settle();
    await h.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: a.ReceiptHandle });
    expect((await waiting).map((m) => m.Body)).toEqual(['b']);
  });
});
