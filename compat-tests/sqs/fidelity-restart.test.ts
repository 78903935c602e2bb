/**
 * Issue 12 items that must also hold across a restart, through the current @aws-sdk/client-sqs
 * (JSON) and the pinned 3.445.0 client (Query): a dead-lettered message keeps counting
 * ApproximateReceiveCount (as AWS shows), and a FIFO ReceiveRequestAttemptId retried after a restart
 * returns the same messages and receipt handles. Each test owns its emulator, which it restarts.
 */
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import { Emulator } from '../harness/emulator.js';
import { queueArn, uniq, v3, v3q } from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const count = (m: { Attributes?: Record<string, string> } | undefined) => m?.Attributes?.ApproximateReceiveCount;

describe('dead-letter moves keep the receive count', () => {
  it('ApproximateReceiveCount keeps counting in the DLQ, also after a restart', async () => {
    emu = await Emulator.start();
    let js = v3(emu);
    let qs = v3q(emu);
    const dlqName = uniq('kdlq');
    const { QueueUrl: dlq } = await js.send(new CreateQueueCommand({ QueueName: dlqName }));
    const { QueueUrl: src } = await js.send(
      new CreateQueueCommand({
        QueueName: uniq('ksrc'),
        Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(dlqName), maxReceiveCount: 2 }) },
      }),
    );
    await js.send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'poison' }));
    for (const n of ['1', '2']) {
      const r = await js.send(new ReceiveMessageCommand({ QueueUrl: src, MessageSystemAttributeNames: ['ApproximateReceiveCount' as any] }));
      expect(count(r.Messages?.[0])).toBe(n);
      await emu.advance(1_000);
    }
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages).toBeUndefined();
    const d1 = await js.send(new ReceiveMessageCommand({ QueueUrl: dlq, VisibilityTimeout: 1, MessageSystemAttributeNames: ['ApproximateReceiveCount' as any] }));
    expect(count(d1.Messages?.[0])).toBe('3');
    await emu.advance(1_000);
    const d2 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl: dlq, VisibilityTimeout: 1, AttributeNames: ['ApproximateReceiveCount' as any] }));
    expect(count(d2.Messages?.[0])).toBe('4');
    js.destroy();
    qs.destroy();

    emu = await emu.restart();
    js = v3(emu);
    qs = v3q(emu);
    const url = (u: string) => `${emu!.sqsEndpoint}${new URL(u).pathname}`;
    await emu.advance(1_000);
    const d3 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl: url(dlq!), AttributeNames: ['ApproximateReceiveCount' as any] }));
    expect(count(d3.Messages?.[0])).toBe('5');
    js.destroy();
    qs.destroy();
  });
});

describe('ReceiveRequestAttemptId', () => {
  it('a retry after a restart returns the same messages and receipt handles (JSON, then Query)', async () => {
    emu = await Emulator.start();
    let js = v3(emu);
    const name = uniq('attempt', true);
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }));
    for (const b of ['a', 'b']) await js.send(new SendMessageCommand({ QueueUrl, MessageBody: b, MessageGroupId: 'g' }));
    const first = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, ReceiveRequestAttemptId: 'try-1' }));
    expect(first.Messages?.map((m) => m.Body)).toEqual(['a', 'b']);
    js.destroy();

    emu = await emu.restart();
    js = v3(emu);
    const qs = v3q(emu);
    const url = `${emu.sqsEndpoint}${new URL(QueueUrl!).pathname}`;
    const again = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'try-1' }));
    expect(again.Messages?.map((m) => [m.MessageId, m.ReceiptHandle])).toEqual(first.Messages!.map((m) => [m.MessageId, m.ReceiptHandle]));
    // Another attempt id gets nothing: the group is in flight.
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl: url, ReceiveRequestAttemptId: 'try-2' }))).Messages).toBeUndefined();
    // After the 5-minute window the attempt is forgotten, also on disk.
    await emu.advance(300_000);
    js.destroy();
    qs.destroy();
    emu = await emu.restart();
    js = v3(emu);
    const later = await js.send(new ReceiveMessageCommand({ QueueUrl: url.replace(/:\d+\//, `:${emu.sqsPort}/`), MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'try-1' }));
    expect(later.Messages?.map((m) => m.ReceiptHandle)).not.toEqual(first.Messages!.map((m) => m.ReceiptHandle));
    js.destroy();
  });
});
