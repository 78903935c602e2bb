/**
 * The codec against the AWS JavaScript SDK itself, once per protocol: @aws-sdk/client-sqs (AWS JSON
 * 1.0) and the last Query-protocol release of the same client. Each operation must reach semantics
 * as the same input object whichever protocol carried it, and the SDK must parse the canned output
 * back to what semantics returned.
 */
import { createHash } from 'node:crypto';
import * as JsonSdk from '@aws-sdk/client-sqs';
import * as QuerySdk from 'sqs-query-sdk';
import { SqsError, type OperationName } from '../../src/sqs/semantics/api.js';
import { serveFake, type Served } from './fake.js';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

interface Case {
  op: OperationName;
  params: Record<string, unknown>;
  /** What semantics must receive. */
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  /** What the SDK must hand back (members of the parsed output); defaults to `output`. */
  parsed?: Record<string, unknown>;
  /** Operations the Query-protocol release of the SDK predates. */
  jsonOnly?: boolean;
}

const URL = 'http://localhost:9324/000000000000/q';
const bin = new Uint8Array([0, 1, 2, 0xfe, 0xff]);
const body = 'héllo "world" <&>\r\n';

/** The messages of the ReceiveMessage case, with the binary attribute value as `binary`. */
const receivedMessages = (binary: Uint8Array) => [
  {
    MessageId: 'm1',
    ReceiptHandle: 'rh1',
    MD5OfBody: md5(body),
    Body: body,
    Attributes: { SentTimestamp: '1767225600000', ApproximateReceiveCount: '1' },
    MD5OfMessageAttributes: 'b'.repeat(32),
    MessageAttributes: { b: { DataType: 'Binary', BinaryValue: binary }, s: { DataType: 'String', StringValue: 'v"' } },
  },
  { MessageId: 'm2', ReceiptHandle: 'rh2', MD5OfBody: md5('2'), Body: '2' },
];

const CASES: Case[] = [
  {
    op: 'CreateQueue',
    params: { QueueName: 'q.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '60' }, tags: { team: 'core' } },
    input: { QueueName: 'q.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '60' }, tags: { team: 'core' } },
    output: { QueueUrl: URL },
  },
  { op: 'GetQueueUrl', params: { QueueName: 'q', QueueOwnerAWSAccountId: '111122223333' }, input: { QueueName: 'q', QueueOwnerAWSAccountId: '111122223333' }, output: { QueueUrl: URL } },
  {
    op: 'ListQueues',
    params: { QueueNamePrefix: 'q', MaxResults: 2 },
    input: { QueueNamePrefix: 'q', MaxResults: 2 },
    output: { QueueUrls: [URL, `${URL}2`], NextToken: 'tok' },
  },
  { op: 'DeleteQueue', params: { QueueUrl: URL }, input: { QueueUrl: URL }, parsed: {} },
  {
    op: 'GetQueueAttributes',
    params: { QueueUrl: URL, AttributeNames: ['All'] },
    input: { QueueUrl: URL, AttributeNames: ['All'] },
    output: { Attributes: { Policy: '{"Version":"2012-10-17"}', DelaySeconds: '0' } },
  },
  {
    op: 'SetQueueAttributes',
    params: { QueueUrl: URL, Attributes: { RedrivePolicy: '' } },
    input: { QueueUrl: URL, Attributes: { RedrivePolicy: '' } },
    parsed: {},
  },
  { op: 'TagQueue', params: { QueueUrl: URL, Tags: { a: '1', b: '' } }, input: { QueueUrl: URL, Tags: { a: '1', b: '' } }, parsed: {} },
  { op: 'UntagQueue', params: { QueueUrl: URL, TagKeys: ['a', 'b'] }, input: { QueueUrl: URL, TagKeys: ['a', 'b'] }, parsed: {} },
  { op: 'ListQueueTags', params: { QueueUrl: URL }, input: { QueueUrl: URL }, output: { Tags: { a: '1' } } },
  { op: 'PurgeQueue', params: { QueueUrl: URL }, input: { QueueUrl: URL }, parsed: {} },
  {
    op: 'SendMessage',
    params: {
      QueueUrl: URL,
      MessageBody: body,
      DelaySeconds: 5,
      MessageAttributes: { s: { DataType: 'String', StringValue: 'v' }, b: { DataType: 'Binary', BinaryValue: bin }, n: { DataType: 'Number.int', StringValue: '7' } },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-a' } },
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd',
    },
    input: {
      QueueUrl: URL,
      MessageBody: body,
      DelaySeconds: 5,
      MessageAttributes: {
        s: { DataType: 'String', StringValue: 'v' },
        b: { DataType: 'Binary', BinaryValue: Buffer.from(bin) },
        n: { DataType: 'Number.int', StringValue: '7' },
      },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-a' } },
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd',
    },
    output: { MD5OfMessageBody: md5(body), MD5OfMessageAttributes: 'a'.repeat(32), MessageId: 'mid', SequenceNumber: '18849496460467696128' },
  },
  {
    op: 'SendMessageBatch',
    params: { QueueUrl: URL, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'b', MessageBody: 'y', DelaySeconds: 1 }] },
    input: { QueueUrl: URL, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'b', MessageBody: 'y', DelaySeconds: 1 }] },
    output: {
      Successful: [{ Id: 'a', MessageId: 'm1', MD5OfMessageBody: md5('x') }],
      Failed: [{ Id: 'b', SenderFault: true, Code: 'InvalidParameterValue', Message: 'nope' }],
    },
  },
  {
    op: 'ReceiveMessage',
    params: { QueueUrl: URL, AttributeNames: ['All'], MessageAttributeNames: ['All'], MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 },
    input: { QueueUrl: URL, AttributeNames: ['All'], MessageAttributeNames: ['All'], MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 },
    // Semantics hands out Buffers; the SDK gives back plain Uint8Arrays.
    output: { Messages: receivedMessages(Buffer.from(bin)) },
    parsed: { Messages: receivedMessages(bin) },
  },
  {
    op: 'ReceiveMessage',
    params: { QueueUrl: URL, MessageSystemAttributeNames: ['SenderId'] },
    input: { QueueUrl: URL, MessageSystemAttributeNames: ['SenderId'] },
    output: {},
    jsonOnly: true,
  },
  { op: 'DeleteMessage', params: { QueueUrl: URL, ReceiptHandle: 'rh' }, input: { QueueUrl: URL, ReceiptHandle: 'rh' }, parsed: {} },
  {
    op: 'DeleteMessageBatch',
    params: { QueueUrl: URL, Entries: [{ Id: 'a', ReceiptHandle: 'r1' }] },
    input: { QueueUrl: URL, Entries: [{ Id: 'a', ReceiptHandle: 'r1' }] },
    output: { Successful: [{ Id: 'a' }], Failed: [] },
  },
  {
    op: 'ChangeMessageVisibility',
    params: { QueueUrl: URL, ReceiptHandle: 'rh', VisibilityTimeout: 43200 },
    input: { QueueUrl: URL, ReceiptHandle: 'rh', VisibilityTimeout: 43200 },
    parsed: {},
  },
  {
    op: 'ChangeMessageVisibilityBatch',
    params: { QueueUrl: URL, Entries: [{ Id: 'a', ReceiptHandle: 'r1', VisibilityTimeout: 1 }] },
    input: { QueueUrl: URL, Entries: [{ Id: 'a', ReceiptHandle: 'r1', VisibilityTimeout: 1 }] },
    output: { Successful: [], Failed: [{ Id: 'a', SenderFault: false, Code: 'InternalError' }] },
  },
  {
    op: 'ListDeadLetterSourceQueues',
    params: { QueueUrl: URL, MaxResults: 10 },
    input: { QueueUrl: URL, MaxResults: 10 },
    output: { queueUrls: [`${URL}-src`] },
  },
  {
    op: 'AddPermission',
    params: { QueueUrl: URL, Label: 'l', AWSAccountIds: ['111122223333'], Actions: ['SendMessage', 'ReceiveMessage'] },
    input: { QueueUrl: URL, Label: 'l', AWSAccountIds: ['111122223333'], Actions: ['SendMessage', 'ReceiveMessage'] },
    parsed: {},
  },
  { op: 'RemovePermission', params: { QueueUrl: URL, Label: 'l' }, input: { QueueUrl: URL, Label: 'l' }, parsed: {} },
  {
    op: 'StartMessageMoveTask',
    params: { SourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', MaxNumberOfMessagesPerSecond: 5 },
    input: { SourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', MaxNumberOfMessagesPerSecond: 5 },
    output: { TaskHandle: 'th' },
  },
  {
    op: 'ListMessageMoveTasks',
    params: { SourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', MaxResults: 1 },
    input: { SourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', MaxResults: 1 },
    output: {
      Results: [
        {
          TaskHandle: 'th',
          Status: 'RUNNING',
          SourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
          MaxNumberOfMessagesPerSecond: 5,
          ApproximateNumberOfMessagesMoved: 2,
          ApproximateNumberOfMessagesToMove: 9,
          StartedTimestamp: 1767225600000,
        },
      ],
    },
  },
  { op: 'CancelMessageMoveTask', params: { TaskHandle: 'th' }, input: { TaskHandle: 'th' }, output: { ApproximateNumberOfMessagesMoved: 4 } },
];

/** XML cannot tell an empty flattened list from an absent one, so neither counts. */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== undefined && !(Array.isArray(x) && x.length === 0))
      .map(([key, x]) => [key, clean(x)]),
  );
}

type Sdk = typeof JsonSdk | typeof QuerySdk;
const SDKS: [string, Sdk][] = [
  ['JSON (@aws-sdk/client-sqs)', JsonSdk],
  ['Query (client-sqs 3.445)', QuerySdk],
];

function client(sdk: Sdk, endpoint: string) {
  return new sdk.SQSClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' }, maxAttempts: 1 });
}

async function send(sdk: Sdk, c: ReturnType<typeof client>, op: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const Command = (sdk as unknown as Record<string, new (p: unknown) => unknown>)[`${op}Command`];
  const { $metadata: _metadata, ...out } = (await (c as unknown as { send(cmd: unknown): Promise<Record<string, unknown>> }).send(new Command(params))) as Record<string, unknown>;
  return out;
}

describe.each(SDKS)('%s', (_name, sdk) => {
  let s: Served;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    s = await serveFake();
    c = client(sdk, s.url);
  });
  afterAll(async () => {
    c.destroy();
    await s.close();
  });
  beforeEach(() => {
    s.api.calls = [];
    s.api.outputs = {};
    s.api.failure = undefined;
  });

  for (const k of CASES.filter((c) => !c.jsonOnly || sdk === (JsonSdk as Sdk))) {
    it(`${k.op} ${Object.keys(k.params).join(',')}`, async () => {
      if (k.output) s.api.outputs[k.op] = k.output;
      const out = await send(sdk, c, k.op, k.params);
      expect(s.api.calls).toHaveLength(1);
      expect(s.api.last.op).toBe(k.op);
      expect(s.api.last.input).toEqual(k.input);
      expect(s.api.last.ctx).toMatchObject({ region: 'eu-west-1', accountId: '111122223333', baseUrl: s.url });
      expect(clean(out)).toEqual(clean(k.parsed ?? k.output ?? {}));
    });
  }

  it('maps SQS errors to the SDK exception classes and legacy codes', async () => {
    s.api.failure = new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    const err = await send(sdk, c, 'GetQueueUrl', { QueueName: 'nope' }).catch((e: unknown) => e as Record<string, unknown> & Error);
    expect(err).toBeInstanceOf(sdk.QueueDoesNotExist);
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    // The Query release keeps the text of modelled exceptions only in the raw `Error` it copies over.
    const { message, Error: raw } = err as Error & { Error?: { Message?: string } };
    expect(raw?.Message ?? message).toMatch(/^The specified queue does not exist/);

    s.api.failure = new SqsError('PurgeQueueInProgress', 'Only one PurgeQueue operation on q is allowed every 60 seconds.');
    const purge = await send(sdk, c, 'PurgeQueue', { QueueUrl: URL }).catch((e: unknown) => e);
    expect(purge).toBeInstanceOf(sdk.PurgeQueueInProgress);
    expect((purge as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
  });

  it('passes a validation error raised by the codec through as the SDK error name', async () => {
    const err = (await send(sdk, c, 'SendMessage', { QueueUrl: URL, MessageBody: undefined as unknown as string, DelaySeconds: 1 }).catch((e: unknown) => e)) as Error & {
      Code?: string;
    };
    expect(err.message).toBe('The request must contain the parameter MessageBody.');
    expect(s.api.calls).toHaveLength(0);
  });
});
