/**
 * Dead-letter queues through real clients: redrive by maxReceiveCount, RedrivePolicy validation,
 * RedriveAllowPolicy enforcement, ListDeadLetterSourceQueues, and the message move tasks
 * (Start/List/CancelMessageMoveTask).
 */
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import { boto, caught, queueArn, uniq, VECTORS, useSuite } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

interface Q2 {
  url: string;
  arn: string;
  name: string;
}

async function create(prefix: string, Attributes?: Record<string, string>, fifo = false): Promise<Q2> {
  const name = uniq(prefix, fifo);
  const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true', ...Attributes } : Attributes }));
  return { url: QueueUrl!, arn: queueArn(name), name };
}

const redrive = (dlq: Q2, maxReceiveCount: number | string) => JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount });

async function count(url: string): Promise<number> {
  const r = await js.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(r.Attributes?.ApproximateNumberOfMessages) + Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible);
}

/** Dead-letters `bodies` into dlq through src (maxReceiveCount 1): receive once, let it time out, receive again. */
async function deadLetter(src: Q2, bodies: string[]): Promise<void> {
  for (const b of bodies) await js.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: b }));
  for (let i = 0; i < 3; i++) await js.send(new ReceiveMessageCommand({ QueueUrl: src.url, MaxNumberOfMessages: 10, VisibilityTimeout: 1 }));
  await emu.advance(1_100);
  const r = await js.send(new ReceiveMessageCommand({ QueueUrl: src.url, MaxNumberOfMessages: 10 }));
  expect(r.Messages).toBeUndefined();
}

describe('redrive by maxReceiveCount', () => {
  it('a message received maxReceiveCount times moves to the DLQ on the next receive, intact (JSON, Query)', async () => {
    const dlq = await create('dlq');
    const src = await create('src', { RedrivePolicy: redrive(dlq, 2) });
    const policy = JSON.parse(
      (await js.send(new GetQueueAttributesCommand({ QueueUrl: src.url, AttributeNames: ['RedrivePolicy'] }))).Attributes!.RedrivePolicy!,
    );
    expect(policy.deadLetterTargetArn).toBe(dlq.arn);
    expect(Number(policy.maxReceiveCount)).toBe(2);

    const sent = await js.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: 'poison', MessageAttributes: VECTORS.numberAttr.attrs }));
    const r1 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl: src.url }));
    expect(r1.Messages![0].MessageId).toBe(sent.MessageId);
    await emu.advance(31_000);
    const r2 = await js.send(new ReceiveMessageCommand({ QueueUrl: src.url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(r2.Messages![0].Attributes?.ApproximateReceiveCount).toBe('2');
    await emu.advance(31_000);
    expect((await qs.send(new Q.ReceiveMessageCommand({ QueueUrl: src.url, MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();
    expect(await count(src.url)).toBe(0);

    const d = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl: dlq.url, MessageAttributeNames: ['All'] }));
    expect(d.Messages).toHaveLength(1);
    expect(d.Messages![0]).toMatchObject({ MessageId: sent.MessageId, Body: 'poison', MD5OfMessageAttributes: VECTORS.numberAttr.md5 });
  });

  it('boto3 (Query) sees the same redrive with maxReceiveCount 1', async () => {
    const dlq = await create('dlq-py');
    const res = await boto(emu.sqsEndpoint, [
      { op: 'create_queue', params: { QueueName: uniq('src-py'), Attributes: { RedrivePolicy: redrive(dlq, 1), VisibilityTimeout: '5' } } },
      { op: 'send_message', params: { QueueUrl: { $ref: '0.QueueUrl' }, MessageBody: 'once' } },
      { op: 'receive_message', params: { QueueUrl: { $ref: '0.QueueUrl' } } },
      { op: '_advance', ms: 5_500 },
      { op: 'receive_message', params: { QueueUrl: { $ref: '0.QueueUrl' } } },
      { op: 'receive_message', params: { QueueUrl: dlq.url } },
      { op: 'list_dead_letter_source_queues', params: { QueueUrl: dlq.url } },
    ]);
    expect(res[2].ok.Messages[0].Body).toBe('once');
    expect(res[4].ok.Messages).toBeUndefined();
    expect(res[5].ok.Messages[0].Body).toBe('once');
    expect(res[6].ok.queueUrls).toEqual([res[0].ok.QueueUrl]);
  });

  it('FIFO queues redrive to a FIFO DLQ', async () => {
    const dlq = await create('fdlq', {}, true);
    const src = await create('fsrc', { RedrivePolicy: redrive(dlq, 1), VisibilityTimeout: '5' }, true);
    await js.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: 'f', MessageGroupId: 'g', MessageDeduplicationId: 'f' }));
    await js.send(new ReceiveMessageCommand({ QueueUrl: src.url }));
    await emu.advance(5_500);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl: src.url }))).Messages).toBeUndefined();
    const d = await js.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageSystemAttributeNames: ['MessageGroupId'] }));
    expect(d.Messages![0].Body).toBe('f');
    expect(d.Messages![0].Attributes?.MessageGroupId).toBe('g');
  });
});

describe('RedrivePolicy and RedriveAllowPolicy', () => {
  it('ListDeadLetterSourceQueues lists every queue that uses the DLQ (JSON, Query)', async () => {
    const dlq = await create('lsdlq');
    const a = await create('lsa', { RedrivePolicy: redrive(dlq, 3) });
    const b = await create('lsb');
    await qs.send(new Q.SetQueueAttributesCommand({ QueueUrl: b.url, Attributes: { RedrivePolicy: redrive(dlq, '5') } }));
    await create('lsc');
    const r = await js.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }));
    expect([...(r.queueUrls ?? [])].sort()).toEqual([a.url, b.url].sort());
    const rq = await qs.send(new Q.ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }));
    expect([...(rq.queueUrls ?? [])].sort()).toEqual([a.url, b.url].sort());
    // Pagination.
    const p1 = await js.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url, MaxResults: 1 }));
    expect(p1.queueUrls).toHaveLength(1);
    expect(p1.NextToken).toBeTruthy();
    const p2 = await js.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url, MaxResults: 1, NextToken: p1.NextToken }));
    expect([...p1.queueUrls!, ...p2.queueUrls!].sort()).toEqual([a.url, b.url].sort());
    expect(p2.NextToken).toBeUndefined();
    // RedrivePolicy "" removes the policy.
    await js.send(new SetQueueAttributesCommand({ QueueUrl: b.url, Attributes: { RedrivePolicy: '' } }));
    expect((await js.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }))).queueUrls).toEqual([a.url]);
    const attrs = await js.send(new GetQueueAttributesCommand({ QueueUrl: b.url, AttributeNames: ['All'] }));
    expect(attrs.Attributes).not.toHaveProperty('RedrivePolicy');
  });

  it('invalid RedrivePolicies are rejected: maxReceiveCount range, missing target, FIFO/standard mismatch', async () => {
    const dlq = await create('vdlq');
    const fdlq = await create('vfdlq', {}, true);
    const src = await create('vsrc');
    const cases = [
      redrive(dlq, 0),
      redrive(dlq, 1001),
      JSON.stringify({ deadLetterTargetArn: queueArn(uniq('missing')), maxReceiveCount: 3 }),
      redrive(fdlq, 3),
    ];
    for (const RedrivePolicy of cases) {
      const e = await caught(() => js.send(new SetQueueAttributesCommand({ QueueUrl: src.url, Attributes: { RedrivePolicy } })));
      expect([RedrivePolicy, e.Code, e.status]).toEqual([RedrivePolicy, 'InvalidParameterValue', 400]);
    }
    const missing = JSON.stringify({ deadLetterTargetArn: queueArn('no-such-dlq-queue'), maxReceiveCount: 3 });
    const e = await caught(() => qs.send(new Q.SetQueueAttributesCommand({ QueueUrl: src.url, Attributes: { RedrivePolicy: missing } })));
    expect(e.status).toBe(400);
    expect(e.text).toBe(`Value ${missing} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`);
    expect((await js.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }))).queueUrls ?? []).toEqual([]);
  });

  it('RedriveAllowPolicy denyAll / byQueue is enforced when a source sets its RedrivePolicy', async () => {
    const deny = await create('deny', { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
    const src1 = await create('allowed');
    const src2 = await create('notallowed');
    const byQueue = await create('byqueue', {
      RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [src1.arn] }),
    });
    const allow = await create('allowall', { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'allowAll' }) });

    const denied = await caught(() => js.send(new SetQueueAttributesCommand({ QueueUrl: src1.url, Attributes: { RedrivePolicy: redrive(deny, 3) } })));
    expect([denied.Code, denied.status]).toEqual(['InvalidParameterValue', 400]);
    const notListed = await caught(() =>
      qs.send(new Q.SetQueueAttributesCommand({ QueueUrl: src2.url, Attributes: { RedrivePolicy: redrive(byQueue, 3) } })),
    );
    expect([notListed.name, notListed.status]).toEqual(['InvalidParameterValue', 400]);
    // CreateQueue with a RedrivePolicy is checked too.
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'create_queue', params: { QueueName: uniq('newsrc'), Attributes: { RedrivePolicy: redrive(deny, 3) } } }]);
    expect(p.error?.Code).toBe('InvalidParameterValue');

    await js.send(new SetQueueAttributesCommand({ QueueUrl: src1.url, Attributes: { RedrivePolicy: redrive(byQueue, 3) } }));
    await js.send(new SetQueueAttributesCommand({ QueueUrl: src2.url, Attributes: { RedrivePolicy: redrive(allow, 3) } }));
    expect((await js.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: byQueue.url }))).queueUrls).toEqual([src1.url]);
    expect((await js.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: deny.url }))).queueUrls ?? []).toEqual([]);

    const rap = JSON.parse(
      (await js.send(new GetQueueAttributesCommand({ QueueUrl: byQueue.url, AttributeNames: ['RedriveAllowPolicy'] }))).Attributes!.RedriveAllowPolicy!,
    );
    expect(rap).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: [src1.arn] });
  });
});

describe('message move tasks', () => {
  async function waitForStatus(client: 'js' | 'qs', SourceArn: string, done: (s: string | undefined) => boolean) {
    let last: any;
    for (let i = 0; i < 30; i++) {
      const r = client === 'js'
        ? await js.send(new ListMessageMoveTasksCommand({ SourceArn }))
        : await qs.send(new Q.ListMessageMoveTasksCommand({ SourceArn }));
      last = r.Results?.[0];
      if (done(last?.Status)) return last;
      await emu.advance(1_000);
    }
    throw new Error(`move task did not finish: ${JSON.stringify(last)}`);
  }

  it('StartMessageMoveTask without DestinationArn returns messages to their source; ListMessageMoveTasks reports it (JSON)', async () => {
    const dlq = await create('mdlq');
    const src = await create('msrc', { RedrivePolicy: redrive(dlq, 1) });
    await deadLetter(src, ['m1', 'm2', 'm3']);
    expect(await count(dlq.url)).toBe(3);

    const started = await js.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    expect(typeof started.TaskHandle).toBe('string');
    expect(started.TaskHandle!.length).toBeGreaterThan(0);
    const task = await waitForStatus('js', dlq.arn, (s) => s === 'COMPLETED');
    expect(task).toMatchObject({ Status: 'COMPLETED', SourceArn: dlq.arn, ApproximateNumberOfMessagesMoved: 3, ApproximateNumberOfMessagesToMove: 3 });
    expect(task.TaskHandle).toBeUndefined();
    expect(typeof task.StartedTimestamp).toBe('number');
    expect(await count(dlq.url)).toBe(0);
    const back = await js.send(new ReceiveMessageCommand({ QueueUrl: src.url, MaxNumberOfMessages: 10 }));
    expect((back.Messages ?? []).map((m) => m.Body).sort()).toEqual(['m1', 'm2', 'm3']);

    // Only a RUNNING task can be cancelled (AWS API reference); which of the operation's modelled errors AWS
    // sends for a finished task is not recorded, so accept either of them.
    const c = await caught(() => js.send(new CancelMessageMoveTaskCommand({ TaskHandle: started.TaskHandle })));
    expect([['ResourceNotFoundException', 404], ['UnsupportedOperation', 400]]).toContainEqual([c.name, c.status]);
  });

  it('StartMessageMoveTask with DestinationArn moves to that queue (Query)', async () => {
    const dlq = await create('ddlq');
    const src = await create('dsrc', { RedrivePolicy: redrive(dlq, 1) });
    const dest = await create('ddest');
    await deadLetter(src, ['x', 'y']);
    const started = await qs.send(new Q.StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: dest.arn }));
    expect(started.TaskHandle).toBeTruthy();
    const task = await waitForStatus('qs', dlq.arn, (s) => s === 'COMPLETED');
    expect(task).toMatchObject({ Status: 'COMPLETED', DestinationArn: dest.arn, ApproximateNumberOfMessagesMoved: 2 });
    expect(await count(dest.url)).toBe(2);
    expect(await count(src.url)).toBe(0);
    expect(await count(dlq.url)).toBe(0);
  });

  it('CancelMessageMoveTask stops a running task; only one task per source at a time', async () => {
    const dlq = await create('cdlq');
    const src = await create('csrc', { RedrivePolicy: redrive(dlq, 1) });
    await deadLetter(src, Array.from({ length: 10 }, (_, i) => `c${i}`));
    const started = await js.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: 1 }));
    const running = (await js.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }))).Results?.[0];
    expect(running).toMatchObject({ Status: 'RUNNING', TaskHandle: started.TaskHandle, MaxNumberOfMessagesPerSecond: 1 });

    const second = await caught(() => qs.send(new Q.StartMessageMoveTaskCommand({ SourceArn: dlq.arn })));
    expect(second.status).toBe(400);
    expect(second.text).toBe('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');

    const cancelled = await js.send(new CancelMessageMoveTaskCommand({ TaskHandle: started.TaskHandle }));
    expect(typeof cancelled.ApproximateNumberOfMessagesMoved).toBe('number');
    const task = await waitForStatus('js', dlq.arn, (s) => s === 'CANCELLED');
    expect(task.Status).toBe('CANCELLED');
    const moved = await count(src.url);
    expect(moved).toBeLessThan(10);
    expect(moved + (await count(dlq.url))).toBe(10);
    await emu.advance(20_000);
    expect(await count(src.url)).toBe(moved);
  });

  it('ListMessageMoveTasks returns the most recent task by default and up to MaxResults (10), newest first', async () => {
    const dlq = await create('ldlq');
    const src = await create('lsrc', { RedrivePolicy: redrive(dlq, 1) });
    await deadLetter(src, ['one']);
    const t1 = await js.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    await waitForStatus('js', dlq.arn, (s) => s === 'COMPLETED');
    await emu.advance(2_000);
    await deadLetter(src, ['two']);
    const t2 = await qs.send(new Q.StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    expect(t2.TaskHandle).not.toBe(t1.TaskHandle);
    await waitForStatus('js', dlq.arn, (s) => s === 'COMPLETED');
    const latest = await js.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
    expect(latest.Results).toHaveLength(1);
    const both = await qs.send(new Q.ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 10 }));
    expect(both.Results).toHaveLength(2);
    expect(both.Results!.map((r) => r.Status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(both.Results![0].StartedTimestamp! > both.Results![1].StartedTimestamp!).toBe(true);
    expect(latest.Results![0].StartedTimestamp).toBe(both.Results![0].StartedTimestamp);
  });

  it('move task errors: source not a DLQ, unknown destination', async () => {
    const plain = await create('plain');
    const e = await caught(() => js.send(new StartMessageMoveTaskCommand({ SourceArn: plain.arn })));
    expect([e.Code, e.status, e.message]).toEqual(['InvalidParameterValue', 400, 'Source queue must be configured as a Dead Letter Queue.']);

    const dlq = await create('edlq');
    await create('esrc', { RedrivePolicy: redrive(dlq, 1) });
    const d = await caught(() => qs.send(new Q.StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: queueArn(uniq('nowhere')) })));
    expect([d.name, d.status, d.text]).toEqual([
      'ResourceNotFoundException',
      404,
      "The resource that you specified for the DestinationArn parameter doesn't exist.",
    ]);
  });
});
