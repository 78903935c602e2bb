import { harnessPerTest } from './harness.js';

describe('queue management', () => {
  const h = harnessPerTest();

  it('creates idempotently and reports the differing attribute', async () => {
    const url = await h.createQueue('q1', { DelaySeconds: '5' });
    expect(url).toBe('http://localhost:9324/123456789012/q1');
    expect(await h.createQueue('q1', { DelaySeconds: '5' })).toBe(url);
    const err = await h.error('CreateQueue', { QueueName: 'q1', Attributes: { DelaySeconds: '6' } });
    expect(err.code).toBe('QueueNameExists');
    expect(err.message).toBe('A queue already exists with the same name and a different value for attribute DelaySeconds');
  });

  it('reports AWS defaults and validates attributes with AWS texts', async () => {
    const url = await h.createQueue('q1');
    const { Attributes: a } = await h.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] });
    expect(a).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:123456789012:q1',
      VisibilityTimeout: '30',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      DelaySeconds: '0',
      ReceiveMessageWaitTimeSeconds: '0',
      SqsManagedSseEnabled: 'true',
    });
    expect(a.FifoQueue).toBeUndefined();
    const bad = await h.error('SetQueueAttributes', { QueueUrl: url, Attributes: { VisibilityTimeout: '43201' } });
    expect([bad.code, bad.message]).toEqual(['InvalidAttributeValue', 'Invalid value for the parameter VisibilityTimeout.']);
    const unknown = await h.error('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['FifoQueue'] });
    expect([unknown.code, unknown.message]).toEqual(['InvalidAttributeName', 'Unknown Attribute FifoQueue.']);
    const scope = await h.error('CreateQueue', { QueueName: 'q2', Attributes: { DeduplicationScope: 'queue' } });
    expect(scope.message).toBe('You can specify the DeduplicationScope only when FifoQueue is set to true.');
    const fifo = await h.createQueue('f.fifo', { FifoQueue: 'true' });
    const change = await h.error('SetQueueAttributes', { QueueUrl: fifo, Attributes: { FifoQueue: 'false' } });
    expect(change.message).toBe('Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.');
  });

  it('lists queues by prefix with pagination', async () => {
    for (const n of ['a1', 'a2', 'a3', 'b1']) await h.createQueue(n);
    const all = await h.call('ListQueues', { QueueNamePrefix: 'a' });
    expect(all.QueueUrls).toHaveLength(3);
    expect(all.NextToken).toBeUndefined();
    const p1 = await h.call('ListQueues', { QueueNamePrefix: 'a', MaxResults: 2 });
    expect(p1.QueueUrls.map((u: string) => u.split('/').pop())).toEqual(['a1', 'a2']);
    const p2 = await h.call('ListQueues', { QueueNamePrefix: 'a', MaxResults: 2, NextToken: p1.NextToken });
    expect(p2.QueueUrls.map((u: string) => u.split('/').pop())).toEqual(['a3']);
    expect(p2.NextToken).toBeUndefined();
  });

  it('tags queues', async () => {
    const url = await h.createQueue('q1');
    await h.call('TagQueue', { QueueUrl: url, Tags: { a: '1', b: '2' } });
    await h.call('UntagQueue', { QueueUrl: url, TagKeys: ['a'] });
    expect((await h.call('ListQueueTags', { QueueUrl: url })).Tags).toEqual({ b: '2' });
  });

  it('reflects AddPermission/RemovePermission in the Policy attribute', async () => {
    const url = await h.createQueue('q1');
    await h.call('AddPermission', { QueueUrl: url, Label: 'L1', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] });
    const policy = JSON.parse((await h.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Policy'] })).Attributes.Policy);
    expect(policy.Statement).toEqual([
      { Sid: 'L1', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'SQS:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:q1' },
    ]);
    expect((await h.error('AddPermission', { QueueUrl: url, Label: 'L1', AWSAccountIds: ['1'], Actions: ['SendMessage'] })).code).toBe('InvalidParameterValue');
    await h.call('RemovePermission', { QueueUrl: url, Label: 'L1' });
    expect((await h.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Policy'] })).Attributes).toBeUndefined(); // AWS omits an empty Attributes map
  });

  it('scopes queues by account and resolves URLs by path', async () => {
    const url = await h.createQueue('q1');
    await h.send('https://elsewhere.example/123456789012/q1', 'x');
    expect(await h.counts(url)).toEqual([1, 0, 0]);
    expect((await h.error('SendMessage', { QueueUrl: 'http://localhost:9324/999999999999/q1', MessageBody: 'x' })).code).toBe('QueueDoesNotExist');
    expect((await h.error('SendMessage', { QueueUrl: 'http://localhost:9324/123456789012/%E0%A4%A', MessageBody: 'x' })).code).toBe('QueueDoesNotExist');
    expect((await h.error('SendMessage', { QueueUrl: 'not a url', MessageBody: 'x' })).code).toBe('QueueDoesNotExist');
  });
});

describe('relaxed timers', () => {
  const h = harnessPerTest(true);

  it('turns off the purge and recreate cooldowns', async () => {
    const url = await h.createQueue('q1');
    await h.call('PurgeQueue', { QueueUrl: url });
    await h.call('PurgeQueue', { QueueUrl: url });
    await h.call('DeleteQueue', { QueueUrl: url });
    expect(await h.createQueue('q1')).toBe(url);
  });
});

describe('queue lookup', () => {
  const h = harnessPerTest();

  it('finds queues by name, with tags given at creation', async () => {
    const url = (await h.call('CreateQueue', { QueueName: 'q1', tags: { env: 'test' } })).QueueUrl;
    expect((await h.call('GetQueueUrl', { QueueName: 'q1' })).QueueUrl).toBe(url);
    expect((await h.call('GetQueueUrl', { QueueName: 'q1', QueueOwnerAWSAccountId: '123456789012' })).QueueUrl).toBe(url);
    const missing = await h.error('GetQueueUrl', { QueueName: 'nope' });
    expect([missing.code, missing.message]).toEqual(['QueueDoesNotExist', 'The specified queue does not exist.']);
    expect((await h.call('ListQueueTags', { QueueUrl: url })).Tags).toEqual({ env: 'test' });
  });

  it('rejects invalid queue names', async () => {
    expect((await h.error('CreateQueue', { QueueName: 'bad name' })).code).toBe('InvalidParameterValue');
    expect((await h.error('CreateQueue', { QueueName: 'x'.repeat(81) })).code).toBe('InvalidParameterValue');
    expect((await h.error('CreateQueue', { QueueName: 'f.fifo' })).message).toBe(
      'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
    );
  });

  it('paginates dead-letter source queues', async () => {
    await h.createQueue('dlq');
    const policy = JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:dlq', maxReceiveCount: 3 });
    for (const n of ['s1', 's2', 's3']) await h.createQueue(n, { RedrivePolicy: policy });
    const dlq = 'http://localhost:9324/123456789012/dlq';
    const p1 = await h.call('ListDeadLetterSourceQueues', { QueueUrl: dlq, MaxResults: 2 });
    expect(p1.queueUrls.map((u: string) => u.split('/').pop())).toEqual(['s1', 's2']);
    const p2 = await h.call('ListDeadLetterSourceQueues', { QueueUrl: dlq, MaxResults: 2, NextToken: p1.NextToken });
    expect(p2.queueUrls.map((u: string) => u.split('/').pop())).toEqual(['s3']);
    const bad = await h.error('SetQueueAttributes', { QueueUrl: 'http://x/123456789012/s1', Attributes: { RedrivePolicy: '{"maxReceiveCount":1}' } });
    expect(bad.message).toBe('Value {"maxReceiveCount":1} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
    const missing = await h.error('SetQueueAttributes', {
      QueueUrl: 'http://x/123456789012/s1',
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:none', maxReceiveCount: 1 }) },
    });
    expect(missing.message).toContain('Reason: Dead letter target does not exist.');
  });
});
