/**
 * FIFO queues through real clients: order per message group, a group blocked while one of its
 * messages is in flight, the 5-minute deduplication window (by id and by content),
 * DeduplicationScope, SequenceNumber, ReceiveRequestAttemptId and FIFO-only validation.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import { boto, caught, settlesWithin, uniq, useSuite } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

async function fifo(prefix: string, Attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq(prefix, true), Attributes: { FifoQueue: 'true', ...Attributes } }));
  return QueueUrl!;
}

async function send(QueueUrl: string, body: string, group: string, dedup = body): Promise<string> {
  const r = await js.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }));
  return r.MessageId!;
}

async function receiveAll(QueueUrl: string, max = 10): Promise<Message[]> {
  const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: max, MessageSystemAttributeNames: ['All'] }));
  return r.Messages ?? [];
}

async function total(QueueUrl: string): Promise<number> {
  const r = await js.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(r.Attributes?.ApproximateNumberOfMessages) + Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible);
}

describe('ordering and group locking', () => {
  it('messages come out in send order within each group (JSON send, Query receive and delete)', async () => {
    const QueueUrl = await fifo('order');
    for (let i = 0; i < 6; i++) {
      await send(QueueUrl, `A${i}`, 'A');
      await send(QueueUrl, `B${i}`, 'B');
    }
    await qs.send(
      new Q.SendMessageBatchCommand({
        QueueUrl,
        Entries: [0, 1, 2].map((i) => ({ Id: `c${i}`, MessageBody: `C${i}`, MessageGroupId: 'C', MessageDeduplicationId: `C${i}` })),
      }),
    );
    const got: string[] = [];
    for (let round = 0; round < 10 && got.length < 15; round++) {
      const r = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      for (const m of r.Messages ?? []) {
        got.push(m.Body!);
        await qs.send(new Q.DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    expect(got).toHaveLength(15);
    for (const g of ['A', 'B']) expect(got.filter((b) => b[0] === g)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `${g}${i}`));
    expect(got.filter((b) => b[0] === 'C')).toEqual(['C0', 'C1', 'C2']);
  });

  it('a group is blocked while one of its messages is in flight; other groups flow', async () => {
    const QueueUrl = await fifo('lock');
    await send(QueueUrl, 'A1', 'A');
    await send(QueueUrl, 'A2', 'A');
    await send(QueueUrl, 'B1', 'B');
    await send(QueueUrl, 'B2', 'B');
    const [first] = await receiveAll(QueueUrl, 1);
    const g = first.Attributes!.MessageGroupId!;
    expect(first.Body).toBe(`${g}1`);
    const other = g === 'A' ? 'B' : 'A';
    // Group g is locked: the next receive only gets the other group's messages, in order.
    const next = await receiveAll(QueueUrl, 10);
    expect(next.map((m) => m.Body)).toEqual([`${other}1`, `${other}2`]);
    expect(await receiveAll(QueueUrl, 10)).toEqual([]);
    // Deleting g1 unlocks g.
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle }));
    expect((await receiveAll(QueueUrl, 10)).map((m) => m.Body)).toEqual([`${g}2`]);
  });

  it('when an in-flight message times out it is redelivered before the rest of its group', async () => {
    const QueueUrl = await fifo('redeliver', { VisibilityTimeout: '10' });
    await send(QueueUrl, 'X1', 'X');
    await send(QueueUrl, 'X2', 'X');
    const [m1] = await receiveAll(QueueUrl, 1);
    expect(m1.Body).toBe('X1');
    await emu.advance(9_000);
    expect(await receiveAll(QueueUrl)).toEqual([]);
    await emu.advance(1_500);
    const again = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, AttributeNames: ['ApproximateReceiveCount' as any] }));
    expect(again.Messages![0].Body).toBe('X1');
    expect(again.Messages![0].Attributes?.ApproximateReceiveCount).toBe('2');
    // ChangeMessageVisibility to 0 releases the group at once.
    await js.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: again.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    const third = await receiveAll(QueueUrl, 10);
    expect(third.map((m) => m.Body)).toEqual(['X1', 'X2']);
  });
});

it('a FIFO long poll wakes when the group it waits on is unlocked by a delete', async () => {
  const QueueUrl = await fifo('lp');
  await send(QueueUrl, 'A1', 'A');
  await send(QueueUrl, 'A2', 'A');
  const [a1] = await receiveAll(QueueUrl, 1);
  expect(a1.Body).toBe('A1');
  const poll = qs.send(new Q.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }));
  expect(await settlesWithin(poll, 100)).toBe(false);
  await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: a1.ReceiptHandle }));
  expect((await poll).Messages?.map((m) => m.Body)).toEqual(['A2']);
});

it('on FIFO queues DeleteMessage with an expired receipt handle fails (InvalidParameterValue) and the message stays', async () => {
  const QueueUrl = await fifo('expired', { VisibilityTimeout: '5' });
  await send(QueueUrl, 'e', 'g');
  const [m] = await receiveAll(QueueUrl, 1);
  await emu.advance(6_000);
  const e = await caught(() => js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle })));
  expect([e.Code, e.status]).toEqual(['InvalidParameterValue', 400]);
  expect(e.message).toMatch(/Reason: The receipt handle has expired\.$/);
  expect((await receiveAll(QueueUrl)).map((x) => x.Body)).toEqual(['e']);
});

describe('deduplication', () => {
  it('the same MessageDeduplicationId within 5 minutes is accepted but not delivered again (JSON, Query, boto3)', async () => {
    const QueueUrl = await fifo('dedupid');
    const id1 = await send(QueueUrl, 'first', 'g', 'd1');
    const dup = await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'second', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
    expect(dup.MessageId).toBeTruthy();
    const [p] = await boto(emu.sqsEndpoint, [
      { op: 'send_message', params: { QueueUrl, MessageBody: 'third', MessageGroupId: 'other', MessageDeduplicationId: 'd1' } },
    ]);
    expect(p.ok.MessageId).toBeTruthy();
    expect(await total(QueueUrl)).toBe(1);
    const r = await receiveAll(QueueUrl);
    expect(r.map((m) => [m.Body, m.MessageId])).toEqual([['first', id1]]);
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r[0].ReceiptHandle }));

    // Still inside the window after the message is gone.
    await emu.advance(4 * 60_000);
    await send(QueueUrl, 'fourth', 'g', 'd1');
    expect(await total(QueueUrl)).toBe(0);
    // 5 minutes after the first send the id can be used again.
    await emu.advance(61_000);
    await send(QueueUrl, 'fifth', 'g', 'd1');
    expect((await receiveAll(QueueUrl)).map((m) => m.Body)).toEqual(['fifth']);
  });

  it('duplicates inside one SendMessageBatch are deduplicated too', async () => {
    const QueueUrl = await fifo('dedupbatch');
    const r = await js.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one', MessageGroupId: 'g', MessageDeduplicationId: 'same' },
          { Id: 'b', MessageBody: 'two', MessageGroupId: 'g', MessageDeduplicationId: 'same' },
          { Id: 'c', MessageBody: 'three', MessageGroupId: 'g', MessageDeduplicationId: 'other' },
        ],
      }),
    );
    expect((r.Successful ?? []).map((s) => s.Id).sort()).toEqual(['a', 'b', 'c']);
    expect((await receiveAll(QueueUrl)).map((m) => m.Body)).toEqual(['one', 'three']);
  });

  it('ContentBasedDeduplication uses the body; an explicit id takes precedence', async () => {
    const QueueUrl = await fifo('cbd', { ContentBasedDeduplication: 'true' });
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g', MessageDeduplicationId: 'explicit' }));
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'different', MessageGroupId: 'g' }));
    // Only the body counts, not the attributes.
    await js.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g', MessageAttributes: { a: { DataType: 'String', StringValue: 'x' } } }),
    );
    const got = await receiveAll(QueueUrl);
    expect(got.map((m) => m.Body)).toEqual(['same', 'same', 'different']);
    expect(got[1].Attributes?.MessageDeduplicationId).toBe('explicit');
    await emu.advance(5 * 60_000 + 1_000);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g2' }));
    expect(await total(QueueUrl)).toBe(4);
  });

  it("DeduplicationScope=messageGroup deduplicates per group; 'queue' across groups", async () => {
    const perGroup = await fifo('scope-group', { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    await send(perGroup, 'g1', 'g1', 'd');
    await send(perGroup, 'g2', 'g2', 'd');
    await send(perGroup, 'g1-dup', 'g1', 'd');
    const got = (await receiveAll(perGroup)).map((m) => m.Body).sort();
    expect(got).toEqual(['g1', 'g2']);

    const perQueue = await fifo('scope-queue', { DeduplicationScope: 'queue' });
    await send(perQueue, 'g1', 'g1', 'd');
    await send(perQueue, 'g2', 'g2', 'd');
    expect((await receiveAll(perQueue)).map((m) => m.Body)).toEqual(['g1']);

    // boto3 (Query) against the per-group queue: a new group with the same id is accepted, a repeat is not.
    const res = await boto(emu.sqsEndpoint, [
      { op: 'send_message', params: { QueueUrl: perGroup, MessageBody: 'g3', MessageGroupId: 'g3', MessageDeduplicationId: 'd' } },
      { op: 'send_message', params: { QueueUrl: perGroup, MessageBody: 'g3-dup', MessageGroupId: 'g3', MessageDeduplicationId: 'd' } },
      { op: 'receive_message', params: { QueueUrl: perGroup, MaxNumberOfMessages: 10 } },
    ]);
    expect(res[2].ok.Messages.map((m: any) => m.Body)).toEqual(['g3']);

    const a = await js.send(new GetQueueAttributesCommand({ QueueUrl: perGroup, AttributeNames: ['DeduplicationScope', 'FifoThroughputLimit'] }));
    expect(a.Attributes).toEqual({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
  });
});

describe('sequence numbers and receive attempts', () => {
  it('SequenceNumber is returned on send and receive, a decimal string increasing within a group', async () => {
    const QueueUrl = await fifo('seq');
    const seqs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await js.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}`, MessageGroupId: 'g', MessageDeduplicationId: `m${i}` }));
      seqs.push(r.SequenceNumber!);
    }
    const b = await qs.send(
      new Q.SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'x', MessageBody: 'm3', MessageGroupId: 'g', MessageDeduplicationId: 'm3' }] }),
    );
    seqs.push(b.Successful![0].SequenceNumber!);
    for (const s of seqs) expect(s).toMatch(/^[0-9]+$/);
    for (let i = 1; i < seqs.length; i++) expect(BigInt(seqs[i]) > BigInt(seqs[i - 1])).toBe(true);

    const got = await receiveAll(QueueUrl);
    expect(got.map((m) => m.Attributes?.SequenceNumber)).toEqual(seqs);
    expect(got[0].Attributes).toMatchObject({ MessageGroupId: 'g', MessageDeduplicationId: 'm0', ApproximateReceiveCount: '1' });

    const [p] = await boto(emu.sqsEndpoint, [
      { op: 'send_message', params: { QueueUrl, MessageBody: 'py', MessageGroupId: 'g', MessageDeduplicationId: 'py' } },
    ]);
    expect(BigInt(p.ok.SequenceNumber) > BigInt(seqs[3])).toBe(true);
  });

  it('ReceiveRequestAttemptId: a retried receive returns the same messages and receipt handles', async () => {
    const QueueUrl = await fifo('attempt');
    await send(QueueUrl, 'a', 'g1');
    await send(QueueUrl, 'b', 'g2');
    const first = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'attempt-1' }));
    expect(first.Messages?.map((m) => m.Body).sort()).toEqual(['a', 'b']);
    const retry = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'attempt-1' }));
    expect(retry.Messages?.map((m) => [m.MessageId, m.ReceiptHandle])).toEqual(first.Messages?.map((m) => [m.MessageId, m.ReceiptHandle]));
    // A different attempt finds both groups locked.
    const other = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'attempt-2' }));
    expect(other.Messages ?? []).toEqual([]);
    // The handles from the retried call work.
    for (const m of retry.Messages!) await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    expect(await total(QueueUrl)).toBe(0);

    // The same through the Query protocol.
    await send(QueueUrl, 'c', 'g3');
    const q1 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'attempt-q' }));
    const q2 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'attempt-q' }));
    expect(q1.Messages?.map((m) => m.Body)).toEqual(['c']);
    expect(q2.Messages?.map((m) => [m.MessageId, m.ReceiptHandle])).toEqual(q1.Messages?.map((m) => [m.MessageId, m.ReceiptHandle]));
  });
});

describe('FIFO validation', () => {
  it('MessageGroupId is required; a deduplication id is required without ContentBasedDeduplication (JSON, boto3 Query)', async () => {
    const QueueUrl = await fifo('val');
    const noGroup = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageDeduplicationId: 'd' })));
    expect([noGroup.Code, noGroup.status, noGroup.message]).toEqual(['MissingParameter', 400, 'The request must contain the parameter MessageGroupId.']);
    const noDedup = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageGroupId: 'g' })));
    expect([noDedup.Code, noDedup.status]).toEqual(['InvalidParameterValue', 400]);
    // Group and deduplication ids are at most 128 characters.
    const longGroup = await caught(() =>
      js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageGroupId: 'g'.repeat(129), MessageDeduplicationId: 'd' })),
    );
    expect([longGroup.Code, longGroup.status]).toEqual(['InvalidParameterValue', 400]);
    const longDedup = await caught(() =>
      js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd'.repeat(129) })),
    );
    expect([longDedup.Code, longDedup.status]).toEqual(['InvalidParameterValue', 400]);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'max', MessageGroupId: 'g'.repeat(128), MessageDeduplicationId: 'd'.repeat(128) }));
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: (await receiveAll(QueueUrl))[0].ReceiptHandle }));
    const res = await boto(emu.sqsEndpoint, [
      { op: 'send_message', params: { QueueUrl, MessageBody: 'x', MessageDeduplicationId: 'd' } },
      { op: 'send_message', params: { QueueUrl, MessageBody: 'x', MessageGroupId: 'g' } },
    ]);
    expect([res[0].error?.Code, res[0].error?.HTTPStatusCode, res[0].error?.Message]).toEqual([
      'MissingParameter',
      400,
      'The request must contain the parameter MessageGroupId.',
    ]);
    expect(res[1].error?.Code).toBe('InvalidParameterValue');
    expect(await total(QueueUrl)).toBe(0);
  });

  it('per-message DelaySeconds other than 0 is rejected on FIFO queues; 0 is accepted; queue DelaySeconds applies', async () => {
    const QueueUrl = await fifo('delay');
    const e = await caught(() =>
      qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'x', DelaySeconds: 5 })),
    );
    expect([e.name, e.status]).toEqual(['InvalidParameterValue', 400]);
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'zero', MessageGroupId: 'g', MessageDeduplicationId: 'zero', DelaySeconds: 0 }));
    expect((await receiveAll(QueueUrl)).map((m) => m.Body)).toEqual(['zero']);

    const delayed = await fifo('qdelay', { DelaySeconds: '10' });
    await send(delayed, 'later', 'g');
    expect(await receiveAll(delayed)).toEqual([]);
    await emu.advance(10_500);
    expect((await receiveAll(delayed)).map((m) => m.Body)).toEqual(['later']);
  });

  it('FIFO-only attributes on standard queues, and changing FifoQueue, are rejected', async () => {
    const scope = await caught(() => js.send(new CreateQueueCommand({ QueueName: uniq('std'), Attributes: { DeduplicationScope: 'messageGroup' } })));
    expect([scope.name, scope.status, scope.message]).toEqual([
      'InvalidAttributeName',
      400,
      'You can specify the DeduplicationScope only when FifoQueue is set to true.',
    ]);
    const cbd = await caught(() => qs.send(new Q.CreateQueueCommand({ QueueName: uniq('std'), Attributes: { ContentBasedDeduplication: 'true' } })));
    expect([cbd.name, cbd.status]).toEqual(['InvalidAttributeName', 400]);

    const QueueUrl = await fifo('change');
    const change = await caught(() => js.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { FifoQueue: 'false' } })));
    expect([change.name, change.status, change.message]).toEqual([
      'InvalidAttributeValue',
      400,
      'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
    ]);
    const { QueueUrl: std } = await js.send(new CreateQueueCommand({ QueueName: uniq('std') }));
    const toFifo = await caught(() => js.send(new SetQueueAttributesCommand({ QueueUrl: std, Attributes: { FifoQueue: 'true' } })));
    expect([toFifo.name, toFifo.status]).toEqual(['InvalidAttributeName', 400]);

    const badScope = await caught(() => js.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { DeduplicationScope: 'everything' } })));
    expect([badScope.name, badScope.status]).toEqual(['InvalidAttributeValue', 400]);
  });
});
