import { harnessPerTest } from './harness.js';

describe('standard queues', () => {
  const h = harnessPerTest();

  it('hides a received message for the visibility timeout, then redelivers it', async () => {
    const url = await h.createQueue('q1', { VisibilityTimeout: '10' });
    await h.send(url, 'hello');
    const [m] = await h.receive(url, { AttributeNames: ['All'] });
    expect(m.Body).toBe('hello');
    expect(m.Attributes.ApproximateReceiveCount).toBe('1');
    expect(await h.receive(url)).toEqual([]);
    expect(await h.counts(url)).toEqual([0, 1, 0]);
    h.clock.advance(9999);
    expect(await h.receive(url)).toEqual([]);
    h.clock.advance(1);
    const [again] = await h.receive(url, { AttributeNames: ['ApproximateReceiveCount'] });
    expect(again.MessageId).toBe(m.MessageId);
    expect(again.ReceiptHandle).not.toBe(m.ReceiptHandle);
    expect(again.Attributes).toEqual({ ApproximateReceiveCount: '2' });
  });

  it('deletes by receipt handle; stale handles succeed, garbage is rejected', async () => {
    const url = await h.createQueue('q1', { VisibilityTimeout: '5' });
    await h.send(url, 'a');
    const [first] = await h.receive(url);
    h.clock.advance(5000);
    const [second] = await h.receive(url);
    await h.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: first.ReceiptHandle });
    await h.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: second.ReceiptHandle });
    expect(await h.counts(url)).toEqual([0, 0, 0]);
    const err = await h.error('DeleteMessage', { QueueUrl: url, ReceiptHandle: 'garbage' });
    expect(err.code).toBe('ReceiptHandleIsInvalid');
    expect(err.message).toBe('The input receipt handle "garbage" is not a valid receipt handle.');
  });

  it('changes visibility, and refuses it for a deleted message', async () => {
    const url = await h.createQueue('q1');
    await h.send(url, 'a');
    const [m] = await h.receive(url);
    await h.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
    const [again] = await h.receive(url);
    expect(again.MessageId).toBe(m.MessageId);
    await h.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: again.ReceiptHandle });
    const err = await h.error('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 10 });
    expect(err.code).toBe('InvalidParameterValue');
    expect(err.message).toBe(`Value ${again.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
  });

  it('delays messages per queue and per message', async () => {
    const url = await h.createQueue('q1', { DelaySeconds: '5' });
    await h.send(url, 'queue-delay');
    await h.send(url, 'msg-delay', { DelaySeconds: 1 });
    expect(await h.counts(url)).toEqual([0, 0, 2]);
    h.clock.advance(1000);
    expect((await h.receive(url)).map((m) => m.Body)).toEqual(['msg-delay']);
    h.clock.advance(4000);
    expect((await h.receive(url)).map((m) => m.Body)).toEqual(['queue-delay']);
  });

  it('long polling wakes on send and ends exactly at its deadline', async () => {
    const url = await h.createQueue('q1');
    const waiting = h.receive(url, { WaitTimeSeconds: 5 });
    await h.settle();
    await h.send(url, 'wake');
    expect((await waiting).map((m) => m.Body)).toEqual(['wake']);

    let done = false;
    const empty = h.receive(url, { WaitTimeSeconds: 3 }).then((r) => ((done = true), r));
    await h.settle();
    h.clock.advance(2999);
    await h.settle();
    expect(done).toBe(false);
    h.clock.advance(1);
    expect(await empty).toEqual([]);
  });

  it('expires messages after the retention period', async () => {
    const url = await h.createQueue('q1', { MessageRetentionPeriod: '60' });
    await h.send(url, 'old');
    h.clock.advance(30_000);
    await h.send(url, 'new');
    h.clock.advance(30_000);
    expect((await h.receive(url)).map((m) => m.Body)).toEqual(['new']);
  });

  it('moves a message to the DLQ after maxReceiveCount receives', async () => {
    const dlq = await h.createQueue('dlq');
    const dlqArn = (await h.call('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] })).Attributes.QueueArn;
    const src = await h.createQueue('src', { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    await h.send(src, 'poison');
    expect(await h.receive(src)).toHaveLength(1);
    h.clock.advance(1000);
    expect(await h.receive(src)).toHaveLength(1);
    h.clock.advance(1000);
    expect(await h.receive(src)).toEqual([]);
    const [m] = await h.receive(dlq, { MessageSystemAttributeNames: ['DeadLetterQueueSourceArn'] });
    expect(m.Body).toBe('poison');
    expect(m.Attributes.DeadLetterQueueSourceArn).toBe('arn:aws:sqs:us-east-1:123456789012:src');
    expect((await h.call('ListDeadLetterSourceQueues', { QueueUrl: dlq })).queueUrls).toEqual([src]);
  });

  it('enforces the DLQ RedriveAllowPolicy', async () => {
    const dlq = await h.createQueue('dlq', { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
    const dlqArn = 'arn:aws:sqs:us-east-1:123456789012:dlq';
    const err = await h.error('CreateQueue', { QueueName: 'src', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } });
    expect(err.code).toBe('InvalidParameterValue');
    await h.call('SetQueueAttributes', { QueueUrl: dlq, Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: ['arn:aws:sqs:us-east-1:123456789012:src'] }) } });
    await h.createQueue('src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
  });

  it('computes MD5s and filters message attributes on receive', async () => {
    const url = await h.createQueue('q1');
    const sent = await h.send(url, 'test', {
      MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' }, 'app.x': { DataType: 'String', StringValue: 'y' } },
    });
    expect(sent.MD5OfMessageBody).toBe('098f6bcd4621d373cade4e832627b4f6');
    const [m] = await h.receive(url, { MessageAttributeNames: ['timestamp'] });
    expect(m.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
    expect(Object.keys(m.MessageAttributes)).toEqual(['timestamp']);
    const plain = await h.send(url, 'no-attrs');
    expect(plain.MD5OfMessageAttributes).toBeUndefined();
  });

  it('purges, and refuses a second purge within 60 s', async () => {
    const url = await h.createQueue('q1');
    await h.send(url, 'a');
    await h.call('PurgeQueue', { QueueUrl: url });
    expect(await h.counts(url)).toEqual([0, 0, 0]);
    const err = await h.error('PurgeQueue', { QueueUrl: url });
    expect(err.code).toBe('PurgeQueueInProgress');
    expect(err.message).toBe('Only one PurgeQueue operation on q1 is allowed every 60 seconds.');
    h.clock.advance(60_000);
    await h.call('PurgeQueue', { QueueUrl: url });
  });

  it('refuses recreating a deleted queue for 60 s', async () => {
    const url = await h.createQueue('q1');
    await h.call('DeleteQueue', { QueueUrl: url });
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: 'x' })).code).toBe('QueueDoesNotExist');
    expect((await h.error('CreateQueue', { QueueName: 'q1' })).code).toBe('QueueDeletedRecently');
    h.clock.advance(60_000);
    await h.createQueue('q1');
  });

  it('rejects bad batches and reports per-entry failures', async () => {
    const url = await h.createQueue('q1');
    expect((await h.error('SendMessageBatch', { QueueUrl: url, Entries: [] })).code).toBe('EmptyBatchRequest');
    const many = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    expect((await h.error('SendMessageBatch', { QueueUrl: url, Entries: many })).message).toBe('Maximum number of entries per request are 10. You have sent 11.');
    expect((await h.error('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }] })).code).toBe('BatchEntryIdsNotDistinct');
    expect((await h.error('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: 'a!', MessageBody: 'x' }] })).code).toBe('InvalidBatchEntryId');
    const r = await h.call('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: 'ok', MessageBody: 'x' }, { Id: 'bad', MessageBody: 'x\u0000' }] });
    expect(r.Successful.map((s: any) => s.Id)).toEqual(['ok']);
    expect(r.Failed).toEqual([{ Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.stringContaining('Invalid characters found') }]);
  });

  it('validates request parameters with AWS texts', async () => {
    const url = await h.createQueue('q1');
    expect((await h.error('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 11 })).message).toBe(
      'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    );
    expect((await h.error('ReceiveMessage', { QueueUrl: url, WaitTimeSeconds: 21 })).message).toBe(
      'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.',
    );
    const big = 'x'.repeat(1024);
    await h.call('SetQueueAttributes', { QueueUrl: url, Attributes: { MaximumMessageSize: '1024' } });
    await h.send(url, big);
    expect((await h.error('SendMessage', { QueueUrl: url, MessageBody: big + 'x' })).message).toBe(
      'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
    );
  });
});
