/**
 * Visibility timeouts through real clients: in-flight messages, redelivery with growing receive
 * counts, ChangeMessageVisibility(+Batch), DeleteMessage(+Batch) and receipt-handle errors.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import { boto, caught, cli, CLI_TIMEOUT, PY_JSON, uniq, v2, useSuite } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

async function queueWith(prefix: string, bodies: string[], Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq(prefix), Attributes }));
  for (let i = 0; i < bodies.length; i += 10) {
    await js.send(
      new SendMessageBatchCommand({ QueueUrl, Entries: bodies.slice(i, i + 10).map((b, j) => ({ Id: `m${i + j}`, MessageBody: b })) }),
    );
  }
  return QueueUrl!;
}

async function visibleBodies(QueueUrl: string): Promise<string[]> {
  // VisibilityTimeout=0 peeks without hiding the messages.
  const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  return (r.Messages ?? []).map((m) => m.Body!).sort();
}

async function inFlight(QueueUrl: string): Promise<number> {
  const r = await js.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }));
  return Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible);
}

describe('visibility timeout', () => {
  it('a received message stays invisible for the queue VisibilityTimeout, then returns with a new handle and count+1', async () => {
    const QueueUrl = await queueWith('vis', ['a']);
    const r1 = await js.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount' as any] }));
    expect(r1.Messages![0].Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await inFlight(QueueUrl)).toBe(1);
    await emu.advance(29_000);
    expect((await qs.send(new Q.ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    await emu.advance(1_500);
    const r2 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, AttributeNames: ['ApproximateReceiveCount' as any] }));
    expect(r2.Messages![0].MessageId).toBe(r1.Messages![0].MessageId);
    expect(r2.Messages![0].Attributes?.ApproximateReceiveCount).toBe('2');
    expect(r2.Messages![0].ReceiptHandle).not.toBe(r1.Messages![0].ReceiptHandle);
  });

  it('with a queue VisibilityTimeout of 0 a received message is immediately receivable again', async () => {
    const QueueUrl = await queueWith('vis0', ['z'], { VisibilityTimeout: '0' });
    const r1 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl }));
    const r2 = await js.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(r1.Messages?.[0].Body).toBe('z');
    expect(r2.Messages?.[0].MessageId).toBe(r1.Messages?.[0].MessageId);
    expect(r2.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it("ReceiveMessage's VisibilityTimeout overrides the queue's, and the queue attribute applies otherwise (JSON, boto3 Query)", async () => {
    const QueueUrl = await queueWith('visparam', ['a', 'b'], { VisibilityTimeout: '100' });
    await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 5 }));
    const res = await boto(emu.sqsEndpoint, [
      { op: 'receive_message', params: { QueueUrl, MaxNumberOfMessages: 1 } },
      { op: '_advance', ms: 5_500 },
      { op: 'receive_message', params: { QueueUrl, MaxNumberOfMessages: 10 } },
      { op: '_advance', ms: 95_000 },
      { op: 'receive_message', params: { QueueUrl, MaxNumberOfMessages: 10 } },
    ]);
    expect(res[0].ok.Messages).toHaveLength(1);
    const bodyB = res[0].ok.Messages[0].Body;
    // After 5.5 s the message received with VisibilityTimeout=5 is back; the other is not (100 s).
    expect(res[2].ok.Messages.map((m: any) => m.Body)).toEqual([bodyB === 'a' ? 'b' : 'a']);
    // At 100.5 s the one hidden for the queue's 100 s is back; the other, re-received at 5.5 s, is due at 105.5 s.
    expect(res[4].ok.Messages.map((m: any) => m.Body)).toEqual([bodyB]);
  });

  it('ChangeMessageVisibility counts from the call: extend, shorten, make visible now (JSON, Query, boto3)', async () => {
    const QueueUrl = await queueWith('cmv', ['a', 'b', 'c']);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r.Messages).toHaveLength(3);
    const h = Object.fromEntries(r.Messages!.map((m) => [m.Body!, m.ReceiptHandle!]));
    await emu.advance(20_000);
    await js.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: h.a, VisibilityTimeout: 100 }));
    await qs.send(new Q.ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: h.b, VisibilityTimeout: 15 }));
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'change_message_visibility', params: { QueueUrl, ReceiptHandle: h.c, VisibilityTimeout: 0 } }]);
    expect(p.ok).toBeDefined();
    expect(await visibleBodies(QueueUrl)).toEqual(['c']);
    await emu.advance(14_000); // t=34: b is due at 35, not at 15
    expect(await visibleBodies(QueueUrl)).toEqual(['c']);
    await emu.advance(2_000); // t=36
    expect(await visibleBodies(QueueUrl)).toEqual(['b', 'c']);
    await emu.advance(83_000); // t=119: a is due at 120
    expect(await visibleBodies(QueueUrl)).toEqual(['b', 'c']);
    await emu.advance(2_000);
    expect(await visibleBodies(QueueUrl)).toEqual(['a', 'b', 'c']);
  });

  it('ChangeMessageVisibilityBatch changes each entry and reports bad handles in Failed[] (JSON, Query)', async () => {
    const QueueUrl = await queueWith('cmvb', ['a', 'b', 'c']);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const h = Object.fromEntries(r.Messages!.map((m) => [m.Body!, m.ReceiptHandle!]));
    const out = await js.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', ReceiptHandle: h.a, VisibilityTimeout: 0 },
          { Id: 'b', ReceiptHandle: h.b, VisibilityTimeout: 300 },
          { Id: 'bad', ReceiptHandle: 'garbage', VisibilityTimeout: 0 },
        ],
      }),
    );
    expect((out.Successful ?? []).map((s) => s.Id).sort()).toEqual(['a', 'b']);
    expect(out.Failed).toHaveLength(1);
    expect(out.Failed![0]).toMatchObject({ Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid' });
    expect(await visibleBodies(QueueUrl)).toEqual(['a']);

    const q = await qs.send(
      new Q.ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: [{ Id: 'c0', ReceiptHandle: h.c, VisibilityTimeout: 0 }] }),
    );
    expect(q.Successful?.map((s) => s.Id)).toEqual(['c0']);
    expect(await visibleBodies(QueueUrl)).toEqual(['a', 'c']);
    await emu.advance(301_000);
    expect(await visibleBodies(QueueUrl)).toEqual(['a', 'b', 'c']);

    const many = await caught(() =>
      js.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, ReceiptHandle: h.a, VisibilityTimeout: 0 })),
        }),
      ),
    );
    expect([many.name, many.status]).toEqual(['TooManyEntriesInBatchRequest', 400]);
  });

  it('ChangeMessageVisibility errors: out of range, invalid handle (404), deleted message', async () => {
    const QueueUrl = await queueWith('cmverr', ['a']);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl }));
    const handle = r.Messages![0].ReceiptHandle!;

    const range = await caught(() => js.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 43201 })));
    expect([range.Code, range.status]).toEqual(['InvalidParameterValue', 400]);

    const garbage = await caught(() => js.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: 'garbage', VisibilityTimeout: 10 })));
    expect([garbage.name, garbage.Code, garbage.status]).toEqual(['ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', 404]);
    expect(garbage.message).toBe('The input receipt handle "garbage" is not a valid receipt handle.');

    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: handle }));
    const gone = await caught(() => qs.send(new Q.ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 10 })));
    expect([gone.name, gone.status]).toEqual(['InvalidParameterValue', 400]);
    expect(gone.message).toBe(
      `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
    );
  });
});

describe('deleting', () => {
  it('DeleteMessage removes the message; deleting twice or with a stale handle is not an error (standard queue)', async () => {
    const QueueUrl = await queueWith('del', ['a', 'b']);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 5 }));
    const h = Object.fromEntries(r.Messages!.map((m) => [m.Body!, m.ReceiptHandle!]));
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: h.a }));
    await qs.send(new Q.DeleteMessageCommand({ QueueUrl, ReceiptHandle: h.a }));
    await emu.advance(6_000);
    // b's first handle has expired; deleting with it still succeeds on a standard queue.
    await v2(emu).deleteMessage({ QueueUrl, ReceiptHandle: h.b }).promise();
    const c = await cli(emu.sqsEndpoint, ['delete-message', '--queue-url', QueueUrl, '--receipt-handle', h.a]);
    expect(c.code).toBe(0);
    const left = await js.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    // 'a' is gone for good; whatever happened to 'b', 'a' must not come back.
    const bodies = await visibleBodies(QueueUrl);
    expect(bodies).not.toContain('a');
    expect(Number(left.Attributes?.ApproximateNumberOfMessages) + Number(left.Attributes?.ApproximateNumberOfMessagesNotVisible)).toBe(bodies.length);
  }, CLI_TIMEOUT);

  it('DeleteMessage with a garbage handle is 404 ReceiptHandleIsInvalid (JSON, Query, v2, boto3, CLI)', async () => {
    const QueueUrl = await queueWith('delbad', []);
    const j = await caught(() => js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'garbage' })));
    expect([j.name, j.Code, j.status, j.message]).toEqual([
      'ReceiptHandleIsInvalid',
      'ReceiptHandleIsInvalid',
      404,
      'The input receipt handle "garbage" is not a valid receipt handle.',
    ]);
    const q = await caught(() => qs.send(new Q.DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'garbage' })));
    expect([q.name, q.status]).toEqual(['ReceiptHandleIsInvalid', 404]);
    const o = await caught(() => v2(emu).deleteMessage({ QueueUrl, ReceiptHandle: 'garbage' }).promise());
    expect([o.code, o.status]).toEqual(['ReceiptHandleIsInvalid', 404]);
    const [p] = await boto(emu.sqsEndpoint, [{ op: 'delete_message', params: { QueueUrl, ReceiptHandle: 'garbage' } }]);
    expect([p.error?.Code, p.error?.HTTPStatusCode]).toEqual(['ReceiptHandleIsInvalid', 404]);
    const [pj] = await boto(emu.sqsEndpoint, [{ op: 'delete_message', params: { QueueUrl, ReceiptHandle: 'garbage' } }], PY_JSON);
    expect([pj.error?.Code, pj.error?.HTTPStatusCode, pj.error?.Message]).toEqual([
      'ReceiptHandleIsInvalid',
      404,
      'The input receipt handle "garbage" is not a valid receipt handle.',
    ]);
    const c = await cli(emu.sqsEndpoint, ['delete-message', '--queue-url', QueueUrl, '--receipt-handle', 'garbage']);
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('(ReceiptHandleIsInvalid)');
  }, CLI_TIMEOUT);

  it('DeleteMessageBatch deletes valid entries and reports invalid handles in Failed[] (JSON, boto3 Query)', async () => {
    const QueueUrl = await queueWith('delbatch', ['a', 'b', 'c', 'd']);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 10 }));
    expect(r.Messages).toHaveLength(4);
    const h = Object.fromEntries(r.Messages!.map((m) => [m.Body!, m.ReceiptHandle!]));
    const out = await js.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', ReceiptHandle: h.a },
          { Id: 'bad', ReceiptHandle: 'garbage' },
          { Id: 'b', ReceiptHandle: h.b },
        ],
      }),
    );
    expect((out.Successful ?? []).map((s) => s.Id).sort()).toEqual(['a', 'b']);
    expect(out.Failed).toHaveLength(1);
    expect(out.Failed![0]).toMatchObject({ Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid' });

    const [p] = await boto(emu.sqsEndpoint, [
      { op: 'delete_message_batch', params: { QueueUrl, Entries: [{ Id: 'c', ReceiptHandle: h.c }, { Id: 'x', ReceiptHandle: 'nope' }] } },
    ]);
    expect(p.ok.Successful.map((s: any) => s.Id)).toEqual(['c']);
    expect(p.ok.Failed[0]).toMatchObject({ Id: 'x', SenderFault: true, Code: 'ReceiptHandleIsInvalid' });

    await emu.advance(11_000);
    expect(await visibleBodies(QueueUrl)).toEqual(['d']);
  });

  it('ReceiveMessage returns at most MaxNumberOfMessages (1..10)', async () => {
    const QueueUrl = await queueWith('max', Array.from({ length: 15 }, (_, i) => `m${i}`));
    const r1 = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 3 }));
    expect(r1.Messages).toHaveLength(3);
    const r2 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(r2.Messages!.length).toBeGreaterThan(0);
    expect(r2.Messages!.length).toBeLessThanOrEqual(10);
    const r3 = await js.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(r3.Messages!.length).toBe(1);
    const ids = new Set([...r1.Messages!, ...r2.Messages!, ...r3.Messages!].map((m) => m.MessageId));
    expect(ids.size).toBe(r1.Messages!.length + r2.Messages!.length + r3.Messages!.length);
  });
});

it('SendMessage on one client, visibility handling on another: the v2 client sees the same in-flight state', async () => {
  const QueueUrl = await queueWith('v2vis', []);
  await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
  const old = v2(emu);
  const r = await old.receiveMessage({ QueueUrl, VisibilityTimeout: 60, AttributeNames: ['All'] }).promise();
  expect(r.Messages![0].Body).toBe('x');
  expect(await inFlight(QueueUrl)).toBe(1);
  await old.changeMessageVisibility({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle!, VisibilityTimeout: 0 }).promise();
  expect(await inFlight(QueueUrl)).toBe(0);
  const again = await old.receiveMessage({ QueueUrl, AttributeNames: ['ApproximateReceiveCount'] }).promise();
  expect(again.Messages![0].Attributes?.ApproximateReceiveCount).toBe('2');
});
