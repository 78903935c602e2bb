import { harnessPerTest } from './harness.js';

describe('persistence across restart', () => {
  const h = harnessPerTest();

  it('restores queues, messages, in-flight state, delays and their timers', async () => {
    const url = await h.createQueue('q1', { VisibilityTimeout: '10' });
    await h.call('TagQueue', { QueueUrl: url, Tags: { team: 'x' } });
    await h.send(url, 'inflight', { MessageAttributes: { k: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) } } });
    const [m] = await h.receive(url);
    await h.send(url, 'delayed', { DelaySeconds: 20 });
    await h.send(url, 'ready');

    await h.reopen();
    expect(await h.counts(url)).toEqual([1, 1, 1]);
    expect((await h.call('ListQueueTags', { QueueUrl: url })).Tags).toEqual({ team: 'x' });
    const [ready] = await h.receive(url);
    expect(ready.Body).toBe('ready');
    await h.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: ready.ReceiptHandle });
    h.clock.advance(10_000);
    const [back] = await h.receive(url, { AttributeNames: ['ApproximateReceiveCount'], MessageAttributeNames: ['All'] });
    expect(back.MessageId).toBe(m.MessageId);
    expect(back.Attributes.ApproximateReceiveCount).toBe('2');
    expect(back.MessageAttributes.k.BinaryValue).toEqual(Buffer.from([1, 2, 3]));
    await h.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: back.ReceiptHandle });
    h.clock.advance(10_000);
    expect((await h.receive(url)).map((x) => x.Body)).toEqual(['delayed']);
  });

  it('keeps receipt handles valid and deletes durable', async () => {
    const url = await h.createQueue('q1');
    await h.send(url, 'a');
    await h.send(url, 'b');
    const [a] = await h.receive(url, { MaxNumberOfMessages: 1 });
    await h.reopen();
    await h.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: a.ReceiptHandle });
    await h.reopen();
    expect(await h.counts(url)).toEqual([1, 0, 0]);
  });

  it('restores FIFO dedup windows, sequence numbers and the cooldowns', async () => {
    const f = await h.createQueue('f.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const first = await h.send(f, 'x', { MessageGroupId: 'g' });
    const gone = await h.createQueue('gone');
    await h.call('DeleteQueue', { QueueUrl: gone });
    await h.call('PurgeQueue', { QueueUrl: await h.createQueue('p') });

    await h.reopen();
    expect((await h.send(f, 'x', { MessageGroupId: 'g' })).MessageId).toBe(first.MessageId);
    const next = await h.send(f, 'y', { MessageGroupId: 'g' });
    expect(BigInt(next.SequenceNumber)).toBeGreaterThan(BigInt(first.SequenceNumber));
    expect((await h.error('CreateQueue', { QueueName: 'gone' })).code).toBe('QueueDeletedRecently');
    expect((await h.error('PurgeQueue', { QueueUrl: 'http://h/123456789012/p' })).code).toBe('PurgeQueueInProgress');
    h.clock.advance(5 * 60 * 1000);
    expect((await h.send(f, 'x', { MessageGroupId: 'g' })).MessageId).not.toBe(first.MessageId);
    await h.createQueue('gone');
  });

  it('does not bring back purged or deleted messages', async () => {
    const url = await h.createQueue('q1');
    await h.send(url, 'a');
    await h.call('PurgeQueue', { QueueUrl: url });
    await h.send(url, 'b');
    await h.reopen();
    expect((await h.receive(url)).map((x) => x.Body)).toEqual(['b']);
  });
});
