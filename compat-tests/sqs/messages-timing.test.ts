/**
 * Message timing through real clients: per-message and queue delays, retention expiry, and long
 * polling that wakes on every way a message becomes available and ends at its exact deadline.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import { boto, counts, newQueue, settlesWithin, useSuite } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

describe('delays and retention', () => {
  it('per-message DelaySeconds hides a message until the delay passes (JSON, Query)', async () => {
    const QueueUrl = await newQueue(js, 'msgdelay');
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 10 }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'much-later', DelaySeconds: 900 }));
    await qs.send(new Q.SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'b', MessageBody: 'batch-later', DelaySeconds: 20 }] }));
    expect(await counts(js, QueueUrl)).toEqual([0, 0, 3]);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    await emu.advance(9_500);
    expect((await qs.send(new Q.ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    await emu.advance(600);
    const r = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r.Messages?.map((m) => m.Body)).toEqual(['later']);
    expect(await counts(js, QueueUrl)).toEqual([0, 1, 2]);
    await emu.advance(10_000);
    const r2 = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r2.Messages?.map((m) => m.Body)).toEqual(['batch-later']);
    await emu.advance(880_000);
    expect(await counts(js, QueueUrl)).toEqual([3, 0, 0]);
  });

  it('queue DelaySeconds delays every message unless the message sets its own', async () => {
    const QueueUrl = await newQueue(js, 'qdelay', { DelaySeconds: '30' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'queue-delay' }));
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'no-delay', DelaySeconds: 0 }));
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'send_message', params: { QueueUrl, MessageBody: 'py-queue-delay' } }]);
    expect(p.ok.MessageId).toBeTruthy();
    expect(await counts(js, QueueUrl)).toEqual([1, 0, 2]);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r.Messages?.map((m) => m.Body)).toEqual(['no-delay']);
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle }));
    await emu.advance(29_000);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();
    await emu.advance(1_500);
    const r2 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r2.Messages?.map((m) => m.Body).sort()).toEqual(['py-queue-delay', 'queue-delay']);
  });

  it('changing the queue DelaySeconds is not retroactive for messages already sent', async () => {
    const QueueUrl = await newQueue(js, 'qdelaychange', { DelaySeconds: '60' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'sent-with-60' }));
    await qs.send(new Q.SetQueueAttributesCommand({ QueueUrl, Attributes: { DelaySeconds: '0' } }));
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'sent-with-0' }));
    expect(await counts(js, QueueUrl)).toEqual([1, 0, 1]);
    await emu.advance(59_000);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))).Messages?.map((m) => m.Body)).toEqual([
      'sent-with-0',
    ]);
    await emu.advance(1_500);
    expect(await counts(js, QueueUrl)).toEqual([2, 0, 0]);
  });

  it('messages expire after MessageRetentionPeriod (60 s queue, and the 4-day default)', async () => {
    const short = await newQueue(js, 'ret60', { MessageRetentionPeriod: '60' });
    const dflt = await newQueue(js, 'retdefault');
    await js.send(new SendMessageCommand({ QueueUrl: short, MessageBody: 'short' }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl: dflt, MessageBody: 'default' }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl: dflt, MessageBody: 'inflight' }));
    await emu.advance(59_000);
    expect(await counts(js, short)).toEqual([1, 0, 0]);
    await emu.advance(2_000);
    expect(await counts(js, short)).toEqual([0, 0, 0]);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl: short }))).Messages).toBeUndefined();

    // 4 days = 345600 s.
    await emu.advance(345_600_000 - 61_000 - 1_000);
    expect(await counts(js, dflt)).toEqual([2, 0, 0]);
    // In-flight messages expire too.
    const inflight = await js.send(new ReceiveMessageCommand({ QueueUrl: dflt, MaxNumberOfMessages: 1, VisibilityTimeout: 600 }));
    expect(inflight.Messages).toHaveLength(1);
    expect(await counts(js, dflt)).toEqual([1, 1, 0]);
    await emu.advance(2_000);
    expect(await counts(js, dflt)).toEqual([0, 0, 0]);
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'receive_message', params: { QueueUrl: dflt } }]);
    expect(p.ok.Messages).toBeUndefined();
  });

  it('reducing MessageRetentionPeriod expires messages already older than the new period (AWS: within 15 minutes)', async () => {
    const QueueUrl = await newQueue(js, 'retreduce');
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'old' }));
    await emu.advance(120_000);
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'young' }));
    await js.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MessageRetentionPeriod: '600' } }));
    await emu.advance(15 * 60_000 - 120_000);
    // 'old' is now 15 min old (> 10 min); 'young' 13 min old: both past the new period.
    expect(await counts(js, QueueUrl)).toEqual([0, 0, 0]);
  });
});

describe('long polling', () => {
  it('a JSON long poll (WaitTimeSeconds=20) returns as soon as a Query client sends', async () => {
    const QueueUrl = await newQueue(js, 'lp');
    const t0 = Date.now();
    const poll = js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'wake' }));
    const r = await poll;
    expect(r.Messages?.map((m) => m.Body)).toEqual(['wake']);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a Query long poll is woken by a JSON send and by boto3; it ends empty only when the wait elapses', async () => {
    const QueueUrl = await newQueue(js, 'lpq');
    const poll = qs.send(new Q.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake-q' }));
    expect((await poll).Messages?.map((m) => m.Body)).toEqual(['wake-q']);

    const poll2 = qs.send(new Q.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    expect(await settlesWithin(poll2, 100)).toBe(false);
    await emu.advance(4_000);
    expect(await settlesWithin(poll2, 100)).toBe(false);
    await emu.advance(1_100);
    expect((await poll2).Messages).toBeUndefined();

    const poll3 = js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(poll3, 100)).toBe(false);
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'send_message', params: { QueueUrl, MessageBody: 'from-python' } }]);
    expect(p.ok.MessageId).toBeTruthy();
    expect((await poll3).Messages?.map((m) => m.Body)).toEqual(['from-python']);
  });

  it('ReceiveMessageWaitTimeSeconds on the queue makes receives long polls; a delayed message wakes one when its delay ends', async () => {
    const QueueUrl = await newQueue(js, 'lpattr', { ReceiveMessageWaitTimeSeconds: '20' });
    const poll = js.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'delayed', DelaySeconds: 5 }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await emu.advance(5_000);
    expect((await poll).Messages?.map((m) => m.Body)).toEqual(['delayed']);
    // WaitTimeSeconds=0 overrides the queue's long polling.
    expect(await settlesWithin(js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 })), 2_000)).toBe(true);
  });
});

describe('long polling wakes on every way a message becomes available', () => {
  it('when an in-flight message times out, or is released with ChangeMessageVisibility 0', async () => {
    const QueueUrl = await newQueue(js, 'lpvis', { VisibilityTimeout: '10' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    const first = await js.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(first.Messages).toHaveLength(1);
    const poll = qs.send(new Q.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, AttributeNames: ['ApproximateReceiveCount' as any] }));
    expect(await settlesWithin(poll, 100)).toBe(false);
    await emu.advance(10_000);
    const r = await poll;
    expect(r.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['again', '2']]);

    const poll2 = js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(poll2, 100)).toBe(false);
    await qs.send(new Q.ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    expect((await poll2).Messages?.map((m) => m.Body)).toEqual(['again']);
  });

  it('two waiting receivers and one message: exactly one gets it, the other keeps waiting for the next', async () => {
    const QueueUrl = await newQueue(js, 'lptwo');
    const a = js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    const b = qs.send(new Q.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    expect(await settlesWithin(Promise.race([a, b]), 100)).toBe(false);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'only-one' }));
    const winner = await Promise.race([a.then((r) => ['a', r] as const), b.then((r) => ['b', r] as const)]);
    expect(winner[1].Messages?.map((m) => m.Body)).toEqual(['only-one']);
    const loser = winner[0] === 'a' ? b : a;
    expect(await settlesWithin(loser, 100)).toBe(false);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'second' }));
    expect((await loser).Messages?.map((m) => m.Body)).toEqual(['second']);
  });
});
