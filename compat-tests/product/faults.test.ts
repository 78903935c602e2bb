/**
 * Fault injection (POST /_tandem/faults) as users' tests meet it: real clients taking their retry
 * paths. The AWS SDK v3 retries a throttle and a 503 and succeeds; a dropped SendMessage response
 * makes it send again (a duplicate, proving the write happened before the connection went);
 * kafkajs retries NOT_LEADER_OR_FOLLOWER; an idempotent kafkajs producer whose Produce response is
 * dropped retries without duplicating, a plain one duplicates. Latency and time windows run on
 * the manual clock. Tandem-only: the oracle (real Kafka) has no fault API.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SQSClient as QuerySQSClient, SendMessageCommand as QuerySendMessageCommand } from 'sqs-query-sdk';
import { Kafka, logLevel } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';
import { scenario } from '../python/venv.js';

let emu: Emulator;
let sqs: SQSClient;
const creds = { accessKeyId: 'test', secretAccessKey: 'test' };

beforeAll(async () => {
  emu = await Emulator.start();
  sqs = new SQSClient({ endpoint: emu.sqsEndpoint, region: 'us-east-1', credentials: creds });
});
afterAll(async () => {
  sqs.destroy();
  await emu.stop();
});
afterEach(async () => {
  await fetch(`${emu.sqsEndpoint}/_tandem/faults`, { method: 'DELETE' });
});

async function addRule(rule: object): Promise<{ id: string }> {
  const res = await fetch(`${emu.sqsEndpoint}/_tandem/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`rule refused: ${JSON.stringify(body)}`);
  return body as { id: string };
}

async function rules(): Promise<{ id: string; hits: number; remaining: number | null; active: boolean }[]> {
  return ((await (await fetch(`${emu.sqsEndpoint}/_tandem/faults`)).json()) as { rules: [] }).rules;
}

async function queue(name: string): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
}

async function depth(url: string): Promise<number> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes!.ApproximateNumberOfMessages);
}

describe('SQS', () => {
  it('answers a throttle in AWS shape in both protocols', async () => {
    const url = await queue('f-shape');
    await addRule({ engine: 'sqs', action: 'SendMessage', queue: 'f-shape', error: 'ThrottlingException', times: 2 });
    const json = await fetch(emu.sqsEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl: url, MessageBody: 'x' }),
    });
    expect(json.status).toBe(400);
    expect(json.headers.get('x-amzn-query-error')).toBe('ThrottlingException;Sender');
    expect(await json.json()).toEqual({ __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate exceeded' });
    const query = await fetch(emu.sqsEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'SendMessage', QueueUrl: url, MessageBody: 'x' }).toString(),
    });
    expect(query.status).toBe(400);
    expect(await query.text()).toMatch(/<Error><Type>Sender<\/Type><Code>ThrottlingException<\/Code><Message>Rate exceeded<\/Message>/);
    // Used up: the next request goes through, and nothing was written by the throttled two.
    expect(await depth(url)).toBe(0);
    expect(await rules()).toEqual([expect.objectContaining({ hits: 2, remaining: 0, active: false })]);
  });

  it('the AWS SDK v3 retries a throttle (JSON) and a RequestThrottled (Query) and succeeds', async () => {
    const url = await queue('f-throttle');
    await addRule({ engine: 'sqs', action: 'SendMessage', queue: 'f-throttle', error: 'ThrottlingException', times: 1 });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'once' }));
    expect(sent.$metadata.attempts).toBe(2);
    await addRule({ engine: 'sqs', action: 'SendMessage', error: 'RequestThrottled', times: 1 });
    const query = new QuerySQSClient({ endpoint: emu.sqsEndpoint, region: 'us-east-1', credentials: creds });
    try {
      const q = await query.send(new QuerySendMessageCommand({ QueueUrl: url, MessageBody: 'twice' }));
      expect(q.$metadata.attempts).toBe(2);
    } finally {
      query.destroy();
    }
    expect(await depth(url)).toBe(2);
  });

  it('the AWS SDK v3 retries ServiceUnavailable (503) and InternalError (500) up to its attempt limit', async () => {
    const url = await queue('f-503');
    await addRule({ engine: 'sqs', action: 'ReceiveMessage', error: 'ServiceUnavailable', times: 1 });
    await addRule({ engine: 'sqs', action: 'ReceiveMessage', error: 'InternalError', times: 1 });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(r.$metadata.attempts).toBe(3);
    expect(r.Messages?.map((m) => m.Body)).toEqual(['m']);
    // Three failures exhaust the default three attempts: the caller sees AWS's error.
    await addRule({ engine: 'sqs', action: 'ReceiveMessage', error: 'ServiceUnavailable', times: 3 });
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).rejects.toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503, attempts: 3 } });
  });

  it('a dropped response after the write: the SDK retries and the message is there twice', async () => {
    const url = await queue('f-drop');
    await addRule({ engine: 'sqs', action: 'SendMessage', queue: 'f-drop', dropResponse: true, times: 1 });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'dup' }));
    expect(sent.$metadata.attempts).toBe(2);
    expect(await depth(url)).toBe(2);
  });

  it('latency and time windows run on the clock', async () => {
    const url = await queue('f-latency');
    await addRule({ engine: 'sqs', action: 'GetQueueAttributes', queue: 'f-latency', latencyMs: 30_000, times: 1 });
    let done = false;
    const slow = depth(url).then((n) => ((done = true), n));
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false);
    await emu.advance(30_000);
    expect(await slow).toBe(0);

    await addRule({ engine: 'sqs', action: 'SendMessage', queue: 'f-latency', error: 'KmsThrottled', forMs: 60_000 });
    const noRetry = new SQSClient({ endpoint: emu.sqsEndpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
    try {
      await expect(noRetry.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'k' }))).rejects.toMatchObject({ name: 'KmsThrottled', $metadata: { httpStatusCode: 400 } });
      await emu.advance(60_000);
      await noRetry.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'k' }));
    } finally {
      noRetry.destroy();
    }
    expect((await rules()).map((r) => [r.hits, r.active])).toEqual([
      [1, false],
      [1, false],
    ]);
  });

  it('refuses bad rules and cross-origin changes', async () => {
    const bad = await fetch(`${emu.sqsEndpoint}/_tandem/faults`, { method: 'POST', body: JSON.stringify({ engine: 'sqs', error: 'NoSuchError' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/sqs has no error "NoSuchError"/);
    const foreign = await fetch(`${emu.sqsEndpoint}/_tandem/faults`, {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
      body: JSON.stringify({ engine: 'sqs', error: 'InternalError' }),
    });
    expect(foreign.status).toBe(403);
    expect(await rules()).toEqual([]);
  });
});

describe('Kafka (kafkajs)', () => {
  const kafka = () => new Kafka({ clientId: 'faults', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20, retries: 5 } });

  async function endOffset(topic: string): Promise<number> {
    const admin = kafka().admin();
    await admin.connect();
    try {
      return Number((await admin.fetchTopicOffsets(topic))[0].high);
    } finally {
      await admin.disconnect();
    }
  }

  async function topic(name: string): Promise<void> {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 1 }] });
    await admin.disconnect();
  }

  it('retries NOT_LEADER_OR_FOLLOWER on Produce and writes once', async () => {
    await topic('f-leader');
    await addRule({ engine: 'kafka', api: 'Produce', topic: 'f-leader', partition: 0, error: 'NOT_LEADER_OR_FOLLOWER', times: 2 });
    const producer = kafka().producer();
    await producer.connect();
    try {
      const [meta] = await producer.send({ topic: 'f-leader', messages: [{ value: 'a' }] });
      expect(meta).toMatchObject({ errorCode: 0, baseOffset: '0' });
    } finally {
      await producer.disconnect();
    }
    expect(await endOffset('f-leader')).toBe(1);
    expect(await rules()).toEqual([expect.objectContaining({ hits: 2, active: false })]);
  });

  it.each([
    ['an idempotent producer does not duplicate', true, 1],
    ['a plain producer duplicates', false, 2],
  ])('a dropped Produce response: %s', async (_label, idempotent, expected) => {
    const name = `f-drop-${idempotent ? 'idem' : 'plain'}`;
    await topic(name);
    await addRule({ engine: 'kafka', api: 0, topic: name, dropResponse: true, times: 1 });
    const producer = kafka().producer({ idempotent, maxInFlightRequests: idempotent ? 1 : undefined });
    await producer.connect();
    try {
      await producer.send({ topic: name, acks: -1, messages: [{ value: 'once' }] });
    } finally {
      await producer.disconnect();
    }
    expect((await rules())[0]).toMatchObject({ hits: 1 });
    expect(await endOffset(name)).toBe(expected);
  });

  it('closes the connection before the write (disconnect) and answers any named error, by client id', async () => {
    await topic('f-conn');
    await addRule({ engine: 'kafka', api: 'Produce', clientId: 'faults', disconnect: true, times: 1 });
    await addRule({ engine: 'kafka', api: 'Produce', clientId: 'faults', error: 'REQUEST_TIMED_OUT', times: 1 });
    await addRule({ engine: 'kafka', api: 'Produce', clientId: 'someone-else', error: 'REQUEST_TIMED_OUT' });
    // kafkajs reconnects after the closed connection and retries the timed-out request: one write.
    const producer = kafka().producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'f-conn', messages: [{ value: 'v' }] });
    } finally {
      await producer.disconnect();
    }
    expect(await endOffset('f-conn')).toBe(1);
    expect((await rules()).map((r) => r.hits)).toEqual([1, 1, 0]);
  });
});

describe('Kafka (kafkajs): coordinator, fetch and latency', () => {
  const kafka = () => new Kafka({ clientId: 'faults2', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20, retries: 8 } });

  it('a consumer retries COORDINATOR_NOT_AVAILABLE and a NOT_LEADER_OR_FOLLOWER fetch, then reads', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'f-coord', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'f-coord', messages: [{ value: 'hello' }] });
    await producer.disconnect();
    await addRule({ engine: 'kafka', api: 'FindCoordinator', error: 'COORDINATOR_NOT_AVAILABLE', times: 2 });
    await addRule({ engine: 'kafka', api: 'Fetch', topic: 'f-coord', error: 'NOT_LEADER_OR_FOLLOWER', times: 1 });
    const consumer = kafka().consumer({ groupId: 'f-coord-g' });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'f-coord', fromBeginning: true });
      const value = await new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
      });
      expect(value).toBe('hello');
    } finally {
      await consumer.disconnect();
    }
    expect((await rules()).map((r) => [r.hits, r.active])).toEqual([
      [2, false],
      [1, false],
    ]);
  });

  it('holds a Produce for its latency on the clock', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'f-slow', numPartitions: 1 }] });
    await admin.disconnect();
    await addRule({ engine: 'kafka', api: 'Produce', topic: 'f-slow', latencyMs: 20_000, times: 1 });
    const producer = kafka().producer();
    await producer.connect();
    try {
      let done = false;
      const sent = producer.send({ topic: 'f-slow', messages: [{ value: 'late' }] }).then((r) => ((done = true), r));
      await new Promise((r) => setTimeout(r, 200));
      expect(done).toBe(false);
      await emu.advance(20_000);
      expect((await sent)[0]).toMatchObject({ errorCode: 0, baseOffset: '0' });
    } finally {
      await producer.disconnect();
    }
  });
});

describe('Python clients (PyPI boto3 and confluent-kafka in .venv)', () => {
  it('boto3 retries a throttle and succeeds', async () => {
    const url = await queue('f-boto3');
    await addRule({ engine: 'sqs', action: 'SendMessage', queue: 'f-boto3', error: 'ThrottlingException', times: 1 });
    expect(await scenario('faults_retry.py', ['boto3', emu.sqsEndpoint, url])).toEqual({ retries: 1, sent: true });
    expect(await depth(url)).toBe(1);
  });

  async function produced(topic: string, idempotent: boolean): Promise<number> {
    const res = await scenario<{ delivered: [string | null, number][] }>('faults_retry.py', ['produce', emu.kafkaBroker, topic, idempotent ? '1' : '0']);
    expect(res.delivered.map(([err]) => err)).toEqual([null]);
    const admin = new Kafka({ brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      return Number((await admin.fetchTopicOffsets(topic))[0].high);
    } finally {
      await admin.disconnect();
    }
  }

  it('confluent-kafka retries NOT_LEADER_OR_FOLLOWER and writes once', async () => {
    await addRule({ engine: 'kafka', api: 'Produce', topic: 'f-py-leader', error: 'NOT_LEADER_OR_FOLLOWER', times: 2 });
    await createTopic('f-py-leader');
    expect(await produced('f-py-leader', false)).toBe(1);
    expect((await rules())[0]).toMatchObject({ hits: 2, active: false });
  });

  it.each([
    ['with enable.idempotence it does not duplicate', true, 1],
    ['without, it duplicates', false, 2],
  ])('confluent-kafka after a dropped Produce response: %s', async (_label, idempotent, expected) => {
    const topic = `f-py-drop-${idempotent ? 'idem' : 'plain'}`;
    await createTopic(topic);
    await addRule({ engine: 'kafka', api: 'Produce', topic, dropResponse: true, times: 1 });
    expect(await produced(topic, idempotent)).toBe(expected);
    expect((await rules())[0]).toMatchObject({ hits: 1 });
  });
});

async function createTopic(name: string): Promise<void> {
  const res = await fetch(`${emu.sqsEndpoint}/_tandem/topics`, { method: 'POST', body: JSON.stringify({ name, partitions: 1 }) });
  expect(res.status).toBe(200);
}
