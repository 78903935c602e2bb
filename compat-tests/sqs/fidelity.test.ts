/**
 * AWS behaviours of the second fidelity pass (issue 12), each through the current
 * @aws-sdk/client-sqs (JSON) and the pinned 3.445.0 client (Query): a queue name where a QueueUrl is
 * expected, ChangeMessageVisibility with old and expired handles, whole-request FIFO
 * SendMessageBatch errors, attribute-name selection and attribute validation. Expected texts are
 * AWS's, as recorded in LocalStack's AWS-validated snapshots (tests/aws/services/sqs).
 */
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import { caught, uniq, useSuite, type CaughtError } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

const err = (c: CaughtError) => [c.Code, c.status, c.text];

describe('a queue name where a QueueUrl is expected', () => {
  it('is accepted by SendMessage, Get/SetQueueAttributes and ReceiveMessage on both protocols', async () => {
    const name = uniq('byname');
    await js.send(new CreateQueueCommand({ QueueName: name }));
    await js.send(new SendMessageCommand({ QueueUrl: name, MessageBody: 'json' }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl: name, MessageBody: 'query' }));
    await js.send(new SetQueueAttributesCommand({ QueueUrl: name, Attributes: { VisibilityTimeout: '40' } }));
    await qs.send(new Q.SetQueueAttributesCommand({ QueueUrl: name, Attributes: { DelaySeconds: '0' } }));
    const a = await qs.send(new Q.GetQueueAttributesCommand({ QueueUrl: name, AttributeNames: ['VisibilityTimeout', 'ApproximateNumberOfMessages'] }));
    expect(a.Attributes).toEqual({ VisibilityTimeout: '40', ApproximateNumberOfMessages: '2' });
    const r1 = await js.send(new ReceiveMessageCommand({ QueueUrl: name }));
    const r2 = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl: name }));
    expect([r1.Messages![0].Body, r2.Messages![0].Body].sort()).toEqual(['json', 'query']);
    // A name of no queue is still QueueDoesNotExist.
    const missing = await caught(() => js.send(new SendMessageCommand({ QueueUrl: uniq('nope'), MessageBody: 'x' })));
    expect(err(missing)).toEqual(['AWS.SimpleQueueService.NonExistentQueue', 400, 'The specified queue does not exist.']);
  });
});

describe('ChangeMessageVisibility on a standard queue', () => {
  async function queueWithMessage(): Promise<string> {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('cmv'), Attributes: { VisibilityTimeout: '1' } }));
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'm' }));
    return QueueUrl!;
  }

  it('succeeds with the handle of a message whose visibility already expired (single and batch, both protocols)', async () => {
    const QueueUrl = await queueWithMessage();
    const h = (await js.send(new ReceiveMessageCommand({ QueueUrl }))).Messages![0].ReceiptHandle!;
    await emu.advance(2_000);
    await js.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: h, VisibilityTimeout: 2 }));
    await qs.send(new Q.ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: h, VisibilityTimeout: 2 }));
    const b1 = await js.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: [{ Id: 'a', ReceiptHandle: h, VisibilityTimeout: 2 }] }));
    const b2 = await qs.send(new Q.ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: [{ Id: 'a', ReceiptHandle: h, VisibilityTimeout: 2 }] }));
    expect(b1.Successful).toEqual([{ Id: 'a' }]);
    expect(b2.Successful).toEqual([{ Id: 'a' }]);
    expect(b1.Failed ?? []).toEqual([]);
    // The message stays visible: the change applied to a receive that is over.
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toHaveLength(1);
  });

  it('an older handle of a message received again changes the current visibility (VisibilityTimeout=0 makes it receivable)', async () => {
    for (const client of ['json', 'query'] as const) {
      const QueueUrl = await queueWithMessage();
      const first = (await js.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }))).Messages![0].ReceiptHandle!;
      expect((await js.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30 }))).Messages).toHaveLength(1);
      expect((await js.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
      if (client === 'json') await js.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first, VisibilityTimeout: 0 }));
      else await qs.send(new Q.ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: [{ Id: 'x', ReceiptHandle: first, VisibilityTimeout: 0 }] }));
      expect((await qs.send(new Q.ReceiveMessageCommand({ QueueUrl }))).Messages).toHaveLength(1);
    }
  });
});

describe('FIFO SendMessageBatch whole-request errors', () => {
  async function fifo(Attributes: Record<string, string> = {}): Promise<string> {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('fb', true), Attributes: { FifoQueue: 'true', ...Attributes } }));
    return QueueUrl!;
  }

  it('an entry without MessageGroupId fails the request: 400 InvalidParameterValue', async () => {
    const QueueUrl = await fifo();
    const Entries = [
      { Id: 'a', MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'a' },
      { Id: 'b', MessageBody: 'b', MessageDeduplicationId: 'b' },
    ];
    const expected = ['InvalidParameterValue', 400, 'The request must contain the parameter MessageGroupId.'];
    expect(err(await caught(() => js.send(new SendMessageBatchCommand({ QueueUrl, Entries }))))).toEqual(expected);
    expect(err(await caught(() => qs.send(new Q.SendMessageBatchCommand({ QueueUrl, Entries }))))).toEqual(expected);
    const a = await js.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(a.Attributes?.ApproximateNumberOfMessages).toBe('0');
  });

  it('an entry without MessageDeduplicationId on a queue without content-based dedup fails the request', async () => {
    const QueueUrl = await fifo({ ContentBasedDeduplication: 'false' });
    const Entries = [
      { Id: 'a', MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'a' },
      { Id: 'b', MessageBody: 'b', MessageGroupId: 'g' },
    ];
    const expected = ['InvalidParameterValue', 400, 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly'];
    expect(err(await caught(() => js.send(new SendMessageBatchCommand({ QueueUrl, Entries }))))).toEqual(expected);
    expect(err(await caught(() => qs.send(new Q.SendMessageBatchCommand({ QueueUrl, Entries }))))).toEqual(expected);
  });

  it('a single entry over 1 MiB is a whole-request BatchRequestTooLong, as are entries that add up past it', async () => {
    const QueueUrl = await fifo({ ContentBasedDeduplication: 'true' });
    const one = [{ Id: 'a', MessageBody: 'x'.repeat(1048577), MessageGroupId: 'g' }];
    const expected = ['AWS.SimpleQueueService.BatchRequestTooLong', 400, 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.'];
    expect(err(await caught(() => js.send(new SendMessageBatchCommand({ QueueUrl, Entries: one }))))).toEqual(expected);
    expect(err(await caught(() => qs.send(new Q.SendMessageBatchCommand({ QueueUrl, Entries: one }))))).toEqual(expected);
    const attrs = { k: { DataType: 'String', StringValue: 'x' } };
    const two = [
      { Id: 'a', MessageBody: 'a'.repeat(1048576 - 8), MessageAttributes: attrs, MessageGroupId: 'g' },
      { Id: 'b', MessageBody: 'a', MessageGroupId: 'g' },
    ];
    expect(err(await caught(() => js.send(new SendMessageBatchCommand({ QueueUrl, Entries: two }))))).toEqual(expected);
  });
});

describe('message attribute selection', () => {
  it('"*" and ".*" return all, "Hel.*" is a plain prefix (Hello and Help.Me), exact names filter', async () => {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('sel'), Attributes: { VisibilityTimeout: '0' } }));
    await js.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'msg',
        MessageAttributes: {
          'Help.Me': { DataType: 'String', StringValue: 'Me' },
          Hello: { DataType: 'String', StringValue: 'There' },
          General: { DataType: 'String', StringValue: 'Kenobi' },
        },
      }),
    );
    // MD5s recorded from AWS for the same message (LocalStack snapshot
    // test_receive_message_message_attribute_names_filters).
    const cases: [string[], string[], string | undefined][] = [
      [['*'], ['General', 'Hello', 'Help.Me'], '4c360f3fdafd970e05fae2f149d997f5'],
      [['.*'], ['General', 'Hello', 'Help.Me'], '4c360f3fdafd970e05fae2f149d997f5'],
      [['All'], ['General', 'Hello', 'Help.Me'], '4c360f3fdafd970e05fae2f149d997f5'],
      [['Hel.*'], ['Hello', 'Help.Me'], '83fee93c1bcd8b9a5a923ffacdc636c7'],
      [['Foo', 'Hello'], ['Hello'], 'a311262e065454b75da111d535b8dacd'],
      [['Foo', 'Help'], [], undefined],
    ];
    for (const [names, keys, md5] of cases) {
      const j = (await js.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: names }))).Messages![0];
      const q = (await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: names }))).Messages![0];
      for (const m of [j, q]) {
        expect([names, Object.keys(m.MessageAttributes ?? {}).sort(), m.MD5OfMessageAttributes]).toEqual([names, keys, md5]);
      }
    }
    const sys = (await js.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['*' as any] }))).Messages![0];
    expect(Object.keys(sys.Attributes ?? {}).sort()).toEqual(['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp']);
    const sysQ = (await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, AttributeNames: ['*' as any] }))).Messages![0];
    expect(Object.keys(sysQ.Attributes ?? {}).sort()).toEqual(['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp']);
  });
});

describe('message attribute validation', () => {
  it('accepts names with non-ASCII letters; a String value with control characters is InvalidParameterValue', async () => {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('attrval') }));
    const valid = { 'attr.1øßä': { DataType: 'String', StringValue: 'Valida' } };
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'test', MessageAttributes: valid }));
    await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'test', MessageAttributes: valid }));
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }));
    expect(Object.keys(r.Messages![0].MessageAttributes!)).toEqual(['attr.1øßä']);

    const bad = { attr1: { DataType: 'String', StringValue: `Invalid-${String.fromCharCode(8)},${String.fromCharCode(11)}` } };
    for (const c of [
      await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'test', MessageAttributes: bad }))),
      await caught(() => qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'test', MessageAttributes: bad }))),
    ]) {
      expect([c.Code, c.status]).toEqual(['InvalidParameterValue', 400]);
    }
    for (const name of ['Invalid-!-attr', 'Invalid-§-attr', 'Invalid-(-attr']) {
      const c = await caught(() => js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes: { [name]: { DataType: 'String', StringValue: 'v' } } })));
      expect([c.Code, c.status]).toEqual(['InvalidParameterValue', 400]);
    }
  });
});

describe('redelivery order on a standard queue', () => {
  it('a message whose visibility expired is delivered before messages sent after it (JSON, Query)', async () => {
    for (const client of ['json', 'query'] as const) {
      const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('order') }));
      await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'first' }));
      expect((await js.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 5 }))).Messages![0].Body).toBe('first');
      for (const b of ['second', 'third']) await js.send(new SendMessageCommand({ QueueUrl, MessageBody: b }));
      await emu.advance(5_000);
      const bodies =
        client === 'json'
          ? (await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages!.map((m) => m.Body)
          : (await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages!.map((m) => m.Body);
      expect(bodies).toEqual(['first', 'second', 'third']);
    }
  });
});
