import { harnessPerTest } from './harness.js';

const arn = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;

describe('message move tasks', () => {
  const h = harnessPerTest();

  async function deadLetter(n: number): Promise<{ src: string; dlq: string }> {
    const dlq = await h.createQueue('dlq');
    const src = await h.createQueue('src', { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('dlq'), maxReceiveCount: 1 }) });
    for (let i = 0; i < n; i++) await h.send(src, `m${i}`);
    await h.receive(src);
    await h.settle();
    await h.receive(src);
    return { src, dlq };
  }

  it('refuses a source that is not a dead-letter queue', async () => {
    await h.createQueue('plain');
    const err = await h.error('StartMessageMoveTask', { SourceArn: arn('plain') });
    expect(err.message).toBe('Source queue must be configured as a Dead Letter Queue.');
  });

  it('moves messages back to their source at the requested rate, surviving a restart', async () => {
    const { src, dlq } = await deadLetter(4);
    expect(await h.counts(dlq)).toEqual([4, 0, 0]);
    const { TaskHandle } = await h.call('StartMessageMoveTask', { SourceArn: arn('dlq'), MaxNumberOfMessagesPerSecond: 2 });
    expect(TaskHandle).toBeTruthy();
    await h.settle();
    expect(await h.counts(src)).toEqual([2, 0, 0]);
    const again = await h.error('StartMessageMoveTask', { SourceArn: arn('dlq') });
    expect(again.message).toBe('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');

    await h.reopen();
    await h.settle();
    h.clock.advance(1000);
    await h.settle();
    expect(await h.counts(src)).toEqual([4, 0, 0]);
    expect(await h.counts(dlq)).toEqual([0, 0, 0]);
    const { Results } = await h.call('ListMessageMoveTasks', { SourceArn: arn('dlq') });
    expect(Results).toEqual([
      expect.objectContaining({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 4, ApproximateNumberOfMessagesToMove: 4 }),
    ]);
    expect(Results[0].TaskHandle).toBeUndefined();
  });

  it('cancels a running task', async () => {
    await deadLetter(4);
    const { TaskHandle } = await h.call('StartMessageMoveTask', { SourceArn: arn('dlq'), DestinationArn: arn('src'), MaxNumberOfMessagesPerSecond: 1 });
    await h.settle();
    const r = await h.call('CancelMessageMoveTask', { TaskHandle });
    expect(r.ApproximateNumberOfMessagesMoved).toBe(1);
    h.clock.advance(5000);
    await h.settle();
    const { Results } = await h.call('ListMessageMoveTasks', { SourceArn: arn('dlq') });
    expect(Results[0]).toMatchObject({ Status: 'CANCELLED', ApproximateNumberOfMessagesMoved: 1 });
    expect((await h.error('CancelMessageMoveTask', { TaskHandle: 'nope' })).message).toBe('Value for parameter TaskHandle is invalid.');
  });
});
