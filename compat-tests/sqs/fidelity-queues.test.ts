/**
 * AWS behaviours of the second fidelity pass (issue 12) about queues rather than single messages,
 * through the current @aws-sdk/client-sqs (JSON) and the pinned 3.445.0 client (Query): FIFO purge
 * and dedup window, FIFO delay, a DeduplicationScope fixed at creation, FifoQueue=false on a
 * standard queue, AddPermission's policy version and RemovePermission's unknown-label text, and the
 * move-task errors. Texts are AWS's, from LocalStack's AWS-validated snapshots
 * (tests/aws/services/sqs/test_sqs*.snapshot.json).
 */
import {
  AddPermissionCommand,
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import { ACCOUNT, caught, queueArn, uniq, useSuite, type CaughtError } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

const err = (c: CaughtError) => [c.Code, c.status, c.text];

async function fifo(Attributes: Record<string, string> = {}): Promise<{ url: string; name: string }> {
  const name = uniq('ff', true);
  const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true', ...Attributes } }));
  return { url: QueueUrl!, name };
}

describe('FIFO queues', () => {
  it('PurgeQueue also clears the deduplication window', async () => {
    for (const client of ['json', 'query'] as const) {
      const { url: QueueUrl } = await fifo();
      const first = await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd' }));
      if (client === 'json') await js.send(new PurgeQueueCommand({ QueueUrl }));
      else await qs.send(new Q.PurgeQueueCommand({ QueueUrl }));
      const again = await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd' }));
      expect(again.MessageId).not.toBe(first.MessageId);
      const r = await js.send(new ReceiveMessageCommand({ QueueUrl }));
      expect(r.Messages?.map((m) => m.Body)).toEqual(['b']);
    }
  });

  it("a per-message DelaySeconds=0 does not override the queue's delay", async () => {
    const { url: QueueUrl } = await fifo({ DelaySeconds: '5' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'j', MessageGroupId: 'g1', MessageDeduplicationId: 'j', DelaySeconds: 0 }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'q', MessageGroupId: 'g2', MessageDeduplicationId: 'q', DelaySeconds: 0 }));
    const a = await js.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }));
    expect(a.Attributes?.ApproximateNumberOfMessagesDelayed).toBe('2');
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();
    await emu.advance(5_000);
    const r = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r.Messages?.map((m) => m.Body).sort()).toEqual(['j', 'q']);
  });

  it('changing DeduplicationScope after creation keeps the scope the queue was created with', async () => {
    // Created queue-wide: a dedup id seen in one group is still a duplicate in another afterwards.
    const wide = (await fifo({ DeduplicationScope: 'queue' })).url;
    const m1 = await js.send(new SendMessageCommand({ QueueUrl: wide, MessageBody: 'T1', MessageGroupId: 'g1', MessageDeduplicationId: 'same' }));
    await js.send(new SetQueueAttributesCommand({ QueueUrl: wide, Attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' } }));
    const a = await qs.send(new Q.GetQueueAttributesCommand({ QueueUrl: wide, AttributeNames: ['DeduplicationScope'] }));
    expect(a.Attributes?.DeduplicationScope).toBe('messageGroup');
    const m2 = await qs.send(new Q.SendMessageCommand({ QueueUrl: wide, MessageBody: 'T3', MessageGroupId: 'g3', MessageDeduplicationId: 'same' }));
    expect(m2.MessageId).toBe(m1.MessageId);

    // Created per group: the same id in another group is still a new message after switching to queue.
    const perGroup = (await fifo({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' })).url;
    const p1 = await js.send(new SendMessageCommand({ QueueUrl: perGroup, MessageBody: 'T1', MessageGroupId: 'g1', MessageDeduplicationId: 'same' }));
    await js.send(new SetQueueAttributesCommand({ QueueUrl: perGroup, Attributes: { DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' } }));
    const p2 = await js.send(new SendMessageCommand({ QueueUrl: perGroup, MessageBody: 'T2', MessageGroupId: 'g2', MessageDeduplicationId: 'same' }));
    expect(p2.MessageId).not.toBe(p1.MessageId);
  });

  it('FifoQueue=false on CreateQueue of a standard queue is InvalidAttributeName', async () => {
    const expected = ['InvalidAttributeName', 400, 'Unknown Attribute FifoQueue.'];
    expect(err(await caught(() => js.send(new CreateQueueCommand({ QueueName: uniq('nf'), Attributes: { FifoQueue: 'false' } }))))).toEqual(expected);
    expect(err(await caught(() => qs.send(new Q.CreateQueueCommand({ QueueName: uniq('nf'), Attributes: { FifoQueue: 'false' } }))))).toEqual(expected);
  });
});

describe('permissions', () => {
  it('AddPermission writes a 2008-10-17 policy; RemovePermission of an unknown label uses AWS text', async () => {
    const name = uniq('perm');
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
    await js.send(new AddPermissionCommand({ QueueUrl, Label: 'crossaccountpermission', AWSAccountIds: [ACCOUNT], Actions: ['ReceiveMessage'] }));
    const policy = JSON.parse((await qs.send(new Q.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }))).Attributes!.Policy!);
    expect(policy).toEqual({
      Version: '2008-10-17',
      Id: `${queueArn(name)}/SQSDefaultPolicy`,
      Statement: [
        {
          Sid: 'crossaccountpermission',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'SQS:ReceiveMessage',
          Resource: queueArn(name),
        },
      ],
    });
    const expected = ['InvalidParameterValue', 400, "Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label."];
    expect(err(await caught(() => js.send(new RemovePermissionCommand({ QueueUrl, Label: 'crossaccountpermission2' }))))).toEqual(expected);
    expect(err(await caught(() => qs.send(new Q.RemovePermissionCommand({ QueueUrl, Label: 'crossaccountpermission2' }))))).toEqual(expected);
  });
});

describe('move task errors', () => {
  const handle = (taskId: string, sourceArn: string) => Buffer.from(JSON.stringify({ taskId, sourceArn })).toString('base64');

  it('CancelMessageMoveTask: malformed handle, a source that does not exist, a task that does not', async () => {
    const malformed = ['InvalidParameterValue', 400, 'Value for parameter TaskHandle is invalid.'];
    expect(err(await caught(() => js.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'foobared' }))))).toEqual(malformed);
    expect(err(await caught(() => qs.send(new Q.CancelMessageMoveTaskCommand({ TaskHandle: 'foobared' }))))).toEqual(malformed);

    const noSource = handle('10f57157-fc38-4da9-a113-4de7e12d05dd', queueArn('test-queue-doesnt-exist-123456'));
    const notFound = ['ResourceNotFoundException', 404, "The resource that you specified for the SourceArn parameter doesn't exist."];
    expect(err(await caught(() => js.send(new CancelMessageMoveTaskCommand({ TaskHandle: noSource }))))).toEqual(notFound);
    expect(err(await caught(() => qs.send(new Q.CancelMessageMoveTaskCommand({ TaskHandle: noSource }))))).toEqual(notFound);

    const name = uniq('mt-src');
    await js.send(new CreateQueueCommand({ QueueName: name }));
    const noTask = handle('10f57157-fc38-4da9-a113-4de7e12d05aa', queueArn(name));
    expect(err(await caught(() => js.send(new CancelMessageMoveTaskCommand({ TaskHandle: noTask }))))).toEqual([
      'ResourceNotFoundException',
      404,
      'Task does not exist.',
    ]);
  });

  it('a second StartMessageMoveTask on a source with a running task is InvalidParameterValue', async () => {
    const dlqName = uniq('mt-dlq');
    const srcName = uniq('mt-src');
    const { QueueUrl: dlq } = await js.send(new CreateQueueCommand({ QueueName: dlqName }));
    await js.send(
      new CreateQueueCommand({
        QueueName: srcName,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(dlqName), maxReceiveCount: 1 }) },
      }),
    );
    for (const b of ['a', 'b', 'c']) await js.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: b }));
    // One message a second on a manual clock: the task is still running when the second start arrives.
    await js.send(new StartMessageMoveTaskCommand({ SourceArn: queueArn(dlqName), DestinationArn: queueArn(srcName), MaxNumberOfMessagesPerSecond: 1 }));
    const expected = ['InvalidParameterValue', 400, 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.'];
    const started = await caught(() => js.send(new StartMessageMoveTaskCommand({ SourceArn: queueArn(dlqName), MaxNumberOfMessagesPerSecond: 1 })));
    expect(err(started)).toEqual(expected);
    expect(err(await caught(() => qs.send(new Q.StartMessageMoveTaskCommand({ SourceArn: queueArn(dlqName), MaxNumberOfMessagesPerSecond: 1 }))))).toEqual(expected);
  });
});
