/**
 * The per-client matrix: all 23 operations through the JSON (current v3) and the Query (v3 3.445)
 * clients, and a full message lifecycle through aws-sdk v2, boto3 (Debian, Query), boto3 (PyPI in
 * .venv, JSON), the Debian aws CLI (Query) and sqs-consumer (which routes to the QueueUrl host).
 */
import * as J from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import { Consumer } from 'sqs-consumer';
import { OPERATIONS as MODEL_OPERATIONS } from '../../emulator/src/sqs/model/generated.js';
import type { Emulator } from '../harness/emulator.js';
import {
  ACCOUNT,
  boto,
  botoProtocol,
  cli,
  CLI_TIMEOUT,
  md5,
  md5OfAttributes,
  PY_JSON,
  PY_QUERY,
  queueArn,
  queueUrl,
  uniq,
  v2,
  v3,
  v3q,
  useSuite,
  type Attr,
} from './helpers.js';

let emu: Emulator;
useSuite((s) => (emu = s.emu));

beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
});

// Every operation of the AWS model (generated from it, not from the server): a model update that
// adds one fails here until these clients exercise it.
const OPERATIONS = [...MODEL_OPERATIONS].sort();

const ATTRS: Record<string, Attr> = {
  trace: { DataType: 'String', StringValue: 'abc-123' },
  n: { DataType: 'Number', StringValue: '42' },
  raw: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
};

/** Polls (up to 10 x 25 ms of real time) until the queue holds no message, visible or in flight. */
async function drained(c: J.SQSClient, QueueUrl: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const a = await c.send(
      new J.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    if (a.Attributes?.ApproximateNumberOfMessages === '0' && a.Attributes?.ApproximateNumberOfMessagesNotVisible === '0') return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs every one of the 23 operations through one v3 package (JSON or Query) and checks each result. */
async function allOperations(mod: any, client: any): Promise<string[]> {
  const used = new Set<string>();
  const call = async (op: string, input: any) => {
    used.add(op);
    return client.send(new mod[`${op}Command`](input));
  };
  const prefix = uniq('ops');
  const dlqName = `${prefix}-dlq`;
  const srcName = `${prefix}-src`;
  const dlq = (await call('CreateQueue', { QueueName: dlqName })).QueueUrl;
  expect(dlq).toBe(queueUrl(emu.sqsEndpoint, dlqName));
  const src = (
    await call('CreateQueue', {
      QueueName: srcName,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(dlqName), maxReceiveCount: 1 }) },
    })
  ).QueueUrl;
  expect((await call('GetQueueUrl', { QueueName: srcName })).QueueUrl).toBe(src);
  expect([...(await call('ListQueues', { QueueNamePrefix: prefix })).QueueUrls].sort()).toEqual([dlq, src].sort());
  await call('SetQueueAttributes', { QueueUrl: src, Attributes: { VisibilityTimeout: '5' } });
  expect((await call('GetQueueAttributes', { QueueUrl: src, AttributeNames: ['VisibilityTimeout'] })).Attributes).toEqual({ VisibilityTimeout: '5' });
  await call('TagQueue', { QueueUrl: src, Tags: { a: '1', b: '2' } });
  await call('UntagQueue', { QueueUrl: src, TagKeys: ['a'] });
  expect((await call('ListQueueTags', { QueueUrl: src })).Tags).toEqual({ b: '2' });
  await call('AddPermission', { QueueUrl: src, Label: 'p', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] });
  expect(JSON.parse((await call('GetQueueAttributes', { QueueUrl: src, AttributeNames: ['Policy'] })).Attributes.Policy).Statement[0].Sid).toBe('p');
  await call('RemovePermission', { QueueUrl: src, Label: 'p' });

  const sent = await call('SendMessage', { QueueUrl: src, MessageBody: 'one', MessageAttributes: ATTRS });
  expect(sent.MD5OfMessageBody).toBe(md5('one'));
  expect(sent.MD5OfMessageAttributes).toBe(md5OfAttributes(ATTRS));
  const batch = await call('SendMessageBatch', {
    QueueUrl: src,
    Entries: [
      { Id: 'b1', MessageBody: 'two' },
      { Id: 'b2', MessageBody: 'three' },
      { Id: 'b3', MessageBody: 'four' },
    ],
  });
  expect(batch.Successful.map((s: any) => s.Id).sort()).toEqual(['b1', 'b2', 'b3']);
  const got = (await call('ReceiveMessage', { QueueUrl: src, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] })).Messages;
  expect(got.map((m: any) => m.Body).sort()).toEqual(['four', 'one', 'three', 'two']);
  const h = Object.fromEntries(got.map((m: any) => [m.Body, m.ReceiptHandle]));
  expect(got.find((m: any) => m.Body === 'one').MD5OfMessageAttributes).toBe(md5OfAttributes(ATTRS));
  await call('ChangeMessageVisibility', { QueueUrl: src, ReceiptHandle: h.one, VisibilityTimeout: 60 });
  const cb = await call('ChangeMessageVisibilityBatch', {
    QueueUrl: src,
    Entries: [
      { Id: 'x', ReceiptHandle: h.two, VisibilityTimeout: 60 },
      { Id: 'y', ReceiptHandle: h.three, VisibilityTimeout: 60 },
    ],
  });
  expect(cb.Successful.map((s: any) => s.Id).sort()).toEqual(['x', 'y']);
  await call('DeleteMessage', { QueueUrl: src, ReceiptHandle: h.one });
  const db = await call('DeleteMessageBatch', { QueueUrl: src, Entries: [{ Id: 'd', ReceiptHandle: h.two }] });
  expect(db.Successful.map((s: any) => s.Id)).toEqual(['d']);
  // 'three' and 'four' were received once (maxReceiveCount 1): once visible again, their next receive dead-letters them.
  await emu.advance(61_000);
  expect((await call('ReceiveMessage', { QueueUrl: src, MaxNumberOfMessages: 10 })).Messages).toBeUndefined();
  expect((await call('ListDeadLetterSourceQueues', { QueueUrl: dlq })).queueUrls).toEqual([src]);
  const dlqArn = queueArn(dlqName);
  const task = await call('StartMessageMoveTask', { SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 });
  expect(task.TaskHandle).toBeTruthy();
  const listed = await call('ListMessageMoveTasks', { SourceArn: dlqArn });
  expect(listed.Results[0].SourceArn).toBe(dlqArn);
  const cancelled = await call('CancelMessageMoveTask', { TaskHandle: task.TaskHandle });
  expect(typeof cancelled.ApproximateNumberOfMessagesMoved).toBe('number');
  await call('PurgeQueue', { QueueUrl: dlq });
  await call('DeleteQueue', { QueueUrl: src });
  await call('DeleteQueue', { QueueUrl: dlq });
  const gone = await client.send(new mod.ListQueuesCommand({ QueueNamePrefix: prefix }));
  expect(gone.QueueUrls ?? []).toEqual([]);
  return [...used].sort();
}

describe('all 23 operations', () => {
  it('through @aws-sdk/client-sqs (current, JSON)', async () => {
    const c = v3(emu);
    try {
      expect(await allOperations(J, c)).toEqual(OPERATIONS);
    } finally {
      c.destroy();
    }
  });

  it('through @aws-sdk/client-sqs 3.445.0 (Query)', async () => {
    const c = v3q(emu);
    try {
      expect(await allOperations(Q, c)).toEqual(OPERATIONS);
    } finally {
      c.destroy();
    }
  });
});

describe('message lifecycle per client', () => {
  it('aws-sdk v2 (JSON)', async () => {
    const sqs = v2(emu);
    const name = uniq('v2');
    const { QueueUrl } = await sqs.createQueue({ QueueName: name, Attributes: { VisibilityTimeout: '10' } }).promise();
    expect(QueueUrl).toBe(queueUrl(emu.sqsEndpoint, name));
    const s = await sqs.sendMessage({ QueueUrl: QueueUrl!, MessageBody: 'hello v2', MessageAttributes: ATTRS as any }).promise();
    expect(s.MD5OfMessageAttributes).toBe(md5OfAttributes(ATTRS));
    const b = await sqs.sendMessageBatch({ QueueUrl: QueueUrl!, Entries: [{ Id: 'e', MessageBody: 'batch v2' }] }).promise();
    expect(b.Successful.map((x) => x.Id)).toEqual(['e']);
    const r = await sqs.receiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], AttributeNames: ['All'] }).promise();
    expect(r.Messages!.map((m) => m.Body).sort()).toEqual(['batch v2', 'hello v2']);
    const m = r.Messages!.find((x) => x.Body === 'hello v2')!;
    expect(m.MD5OfMessageAttributes).toBe(md5OfAttributes(ATTRS));
    expect(Buffer.from(m.MessageAttributes!.raw.BinaryValue as Uint8Array)).toEqual(Buffer.from([1, 2, 3]));
    expect(m.Attributes!.ApproximateReceiveCount).toBe('1');
    await sqs.changeMessageVisibility({ QueueUrl: QueueUrl!, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }).promise();
    await sqs.deleteMessageBatch({ QueueUrl: QueueUrl!, Entries: r.Messages!.map((x, i) => ({ Id: `d${i}`, ReceiptHandle: x.ReceiptHandle! })) }).promise();
    const a = await sqs.getQueueAttributes({ QueueUrl: QueueUrl!, AttributeNames: ['All'] }).promise();
    expect(a.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', VisibilityTimeout: '10' });
    await sqs.deleteQueue({ QueueUrl: QueueUrl! }).promise();
  });

  it.each([
    ['Debian boto3 1.26 (Query)', PY_QUERY, 'query'],
    ['PyPI boto3 1.44 in .venv (JSON)', PY_JSON, 'json'],
  ])('%s', async (_label, python, protocol) => {
    expect(await botoProtocol(python)).toBe(protocol);
    const name = uniq(`py-${protocol}`);
    const url = { $ref: '0.QueueUrl' };
    const pyAttrs = { ...ATTRS, raw: { DataType: 'Binary', BinaryValue: { $b64: Buffer.from([1, 2, 3]).toString('base64') } } };
    const res = await boto(
      emu.sqsEndpoint,
      [
        { op: 'create_queue', params: { QueueName: name, Attributes: { DelaySeconds: '0' }, tags: { via: 'python' } } },
        { op: 'send_message', params: { QueueUrl: url, MessageBody: 'hello py', MessageAttributes: pyAttrs } },
        { op: 'send_message_batch', params: { QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'b1' }, { Id: 'b', MessageBody: 'b2' }] } },
        { op: 'receive_message', params: { QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], AttributeNames: ['All'] } },
        { op: 'change_message_visibility_batch', params: { QueueUrl: url, Entries: [{ Id: 'c', ReceiptHandle: { $ref: '3.Messages.0.ReceiptHandle' }, VisibilityTimeout: 0 }] } },
        { op: 'delete_message', params: { QueueUrl: url, ReceiptHandle: { $ref: '3.Messages.1.ReceiptHandle' } } },
        { op: 'delete_message_batch', params: { QueueUrl: url, Entries: [{ Id: 'd', ReceiptHandle: { $ref: '3.Messages.2.ReceiptHandle' } }] } },
        { op: 'receive_message', params: { QueueUrl: url, MaxNumberOfMessages: 10 } },
        { op: 'get_queue_attributes', params: { QueueUrl: url, AttributeNames: ['All'] } },
        { op: 'list_queue_tags', params: { QueueUrl: url } },
        { op: 'delete_queue', params: { QueueUrl: url } },
        { op: 'get_queue_url', params: { QueueName: name } },
      ],
      python,
    );
    expect(res.slice(0, 11).map((r) => r.error ?? r.exception)).toEqual(Array(11).fill(undefined));
    expect(res[0].ok.QueueUrl).toBe(queueUrl(emu.sqsEndpoint, name));
    expect(res[1].ok.MD5OfMessageBody).toBe(md5('hello py'));
    expect(res[1].ok.MD5OfMessageAttributes).toBe(md5OfAttributes(ATTRS));
    expect(res[2].ok.Successful.map((s: any) => s.Id).sort()).toEqual(['a', 'b']);
    const msgs = res[3].ok.Messages;
    expect(msgs.map((m: any) => m.Body).sort()).toEqual(['b1', 'b2', 'hello py']);
    const hello = msgs.find((m: any) => m.Body === 'hello py');
    expect(hello.MD5OfBody).toBe(md5('hello py'));
    expect(hello.MD5OfMessageAttributes).toBe(md5OfAttributes(ATTRS));
    expect(hello.MessageAttributes.raw.BinaryValue.$b64).toBe(Buffer.from([1, 2, 3]).toString('base64'));
    expect(hello.Attributes.ApproximateReceiveCount).toBe('1');
    expect(res[4].ok.Successful.map((s: any) => s.Id)).toEqual(['c']);
    expect(res[6].ok.Successful.map((s: any) => s.Id)).toEqual(['d']);
    // Only the message made visible again comes back.
    expect(res[7].ok.Messages.map((m: any) => m.MessageId)).toEqual([msgs[0].MessageId]);
    expect(res[8].ok.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1', QueueArn: queueArn(name) });
    expect(res[9].ok.Tags).toEqual({ via: 'python' });
    expect(res[11].error?.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
  });

  it('Debian aws CLI 2.9 (Query)', async () => {
    const name = uniq('cli');
    const c = await cli(emu.sqsEndpoint, ['create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=20']);
    expect(c.code).toBe(0);
    const QueueUrl = c.json.QueueUrl;
    expect(QueueUrl).toBe(queueUrl(emu.sqsEndpoint, name));
    const s = await cli(emu.sqsEndpoint, [
      'send-message', '--queue-url', QueueUrl, '--message-body', 'hello cli',
      '--message-attributes', JSON.stringify({ trace: ATTRS.trace, n: ATTRS.n }),
    ]);
    expect(s.code).toBe(0);
    expect(s.json.MD5OfMessageBody).toBe(md5('hello cli'));
    expect(s.json.MD5OfMessageAttributes).toBe(md5OfAttributes({ trace: ATTRS.trace, n: ATTRS.n }));
    const r = await cli(emu.sqsEndpoint, ['receive-message', '--queue-url', QueueUrl, '--message-attribute-names', 'All', '--attribute-names', 'All']);
    expect(r.code).toBe(0);
    const m = r.json.Messages[0];
    expect(m.Body).toBe('hello cli');
    expect(m.MessageAttributes).toEqual({ trace: ATTRS.trace, n: ATTRS.n });
    expect(m.Attributes.ApproximateReceiveCount).toBe('1');
    const d = await cli(emu.sqsEndpoint, ['delete-message', '--queue-url', QueueUrl, '--receipt-handle', m.ReceiptHandle]);
    expect(d.code).toBe(0);
    // Two independent calls at once: each aws invocation costs a CLI start-up.
    const [a, l] = await Promise.all([
      cli(emu.sqsEndpoint, ['get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All']),
      cli(emu.sqsEndpoint, ['list-queues', '--queue-name-prefix', name]),
    ]);
    expect(a.json.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', VisibilityTimeout: '20' });
    expect(l.json.QueueUrls).toEqual([QueueUrl]);
  }, CLI_TIMEOUT);

  it('sqs-consumer 14: consumes from the QueueUrl host (no endpoint), retries a failed message, deletes on success', async () => {
    // The queue URL is built on http://localhost:PORT; the consumer's client has no endpoint and follows it.
    const local = `http://localhost:${emu.sqsPort}`;
    const admin = v3(emu, { endpoint: local });
    const name = uniq('consumer');
    const { QueueUrl } = await admin.send(new J.CreateQueueCommand({ QueueName: name }));
    expect(QueueUrl).toBe(`${local}/${ACCOUNT}/${name}`);
    for (const body of ['c1', 'fail-once', 'c3']) await admin.send(new J.SendMessageCommand({ QueueUrl, MessageBody: body }));

    const handled: Array<[string, string]> = [];
    let failed = false;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const consumer = Consumer.create({
      queueUrl: QueueUrl!,
      region: 'us-east-1',
      terminateVisibilityTimeout: true,
      messageSystemAttributeNames: ['ApproximateReceiveCount'],
      handleMessage: async (m) => {
        if (m.Body === 'fail-once' && !failed) {
          failed = true;
          throw new Error('first attempt fails');
        }
        handled.push([m.Body!, m.Attributes?.ApproximateReceiveCount ?? '?']);
        if (handled.length === 3) resolveDone();
        return m;
      },
    });
    const errors: unknown[] = [];
    consumer.on('error', (e: any) => {
      if (e?.cause?.name !== 'AbortError') errors.push(e);
    });
    consumer.on('processing_error', () => undefined);
    consumer.start();
    try {
      await done;
      // Let the last delete land.
      await drained(admin, QueueUrl!);
    } finally {
      consumer.stop({ abort: true });
    }
    expect(errors).toEqual([]);
    expect(handled.map(([b]) => b).sort()).toEqual(['c1', 'c3', 'fail-once']);
    expect(handled.find(([b]) => b === 'fail-once')![1]).toBe('2');
    const a = await admin.send(
      new J.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(a.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    admin.destroy();
  });

  it('sqs-consumer 14 in batch mode (handleMessageBatch, DeleteMessageBatch) with an explicit v3 client', async () => {
    const sqs = v3(emu);
    const name = uniq('consumer-batch');
    const { QueueUrl } = await sqs.send(new J.CreateQueueCommand({ QueueName: name }));
    await sqs.send(
      new J.SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 7 }, (_, i) => ({ Id: `m${i}`, MessageBody: `b${i}` })) }),
    );
    const seen: string[] = [];
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const consumer = Consumer.create({
      queueUrl: QueueUrl!,
      sqs,
      batchSize: 10,
      handleMessageBatch: async (ms) => {
        seen.push(...ms.map((m) => m.Body!));
        if (seen.length >= 7) setImmediate(resolveDone);
        return ms;
      },
    });
    const errors: unknown[] = [];
    consumer.on('error', (e: any) => {
      // stop({ abort: true }) aborts the pending long poll.
      if (e?.cause?.name !== 'AbortError') errors.push(e);
    });
    consumer.start();
    try {
      await done;
      // Let the DeleteMessageBatch land.
      await drained(sqs, QueueUrl!);
    } finally {
      consumer.stop({ abort: true });
    }
    expect(errors).toEqual([]);
    expect(seen.sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    const a = await sqs.send(
      new J.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(a.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    sqs.destroy();
  });
});
