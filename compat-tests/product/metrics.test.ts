/**
 * GET /metrics (Prometheus text), HEAD and GET /health, and POST /_tandem/reset, as a user's test
 * suite meets them: real clients act, then the scrape is parsed and checked against what they did.
 */
import { ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Kafka, logLevel } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';

let emu: Emulator;
let sqs: SQSClient;
let kafka: Kafka;
beforeAll(async () => {
  emu = await Emulator.start();
  sqs = new SQSClient({ endpoint: emu.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  kafka = new Kafka({ clientId: 'metrics', brokers: [`127.0.0.1:${emu.kafkaPort}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
});
afterAll(async () => {
  sqs.destroy();
  await emu.stop();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The exposition format's sample lines: `name{a="x",b="y"} value`. */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${emu.sqsEndpoint}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

const value = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

it('reports queue depths, ages, request counts and durations from what the AWS SDK did', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'metered' }));
  for (let i = 0; i < 5; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 60 }));
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2, VisibilityTimeout: 30 }));
  expect(Messages).toHaveLength(2);
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle }));
  await expect(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: 'bogus', VisibilityTimeout: 1 }))).rejects.toThrow();
  await emu.advance(7_000);

  const m = await scrape();
  expect(value(m, 'tandem_sqs_messages', { queue: 'metered', state: 'visible' })).toBe(3);
  expect(value(m, 'tandem_sqs_messages', { queue: 'metered', state: 'inflight' })).toBe(1);
  expect(value(m, 'tandem_sqs_messages', { queue: 'metered', state: 'delayed' })).toBe(1);
  expect(value(m, 'tandem_sqs_oldest_message_age_seconds', { queue: 'metered' })).toBeGreaterThanOrEqual(7);
  expect(value(m, 'tandem_sqs_requests_total', { action: 'SendMessage', code: 'OK' })).toBe(6);
  expect(value(m, 'tandem_sqs_requests_total', { action: 'ReceiveMessage', code: 'OK' })).toBe(1);
  expect(value(m, 'tandem_sqs_requests_total', { action: 'ChangeMessageVisibility', code: 'ReceiptHandleIsInvalid' })).toBe(1);
  expect(value(m, 'tandem_sqs_request_duration_seconds_count', { action: 'SendMessage' })).toBe(6);
  expect(value(m, 'tandem_sqs_request_duration_seconds_bucket', { action: 'SendMessage', le: '+Inf' })).toBe(6);
  // The process defaults and the store's figures are there too.
  expect(value(m, 'process_cpu_user_seconds_total', {})).toBeGreaterThan(0);
  expect(value(m, 'tandem_store_write_batches_total', {})).toBeGreaterThan(0);
  expect(value(m, 'tandem_store_write_ops_total', {})).toBeGreaterThan(0);
});

it('reports log offsets, consumer lag and Kafka request counts from what kafkajs did', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'metered-events', numPartitions: 2 }] });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'metered-events', messages: [0, 1, 2, 3, 4].map((i) => ({ value: `v${i}`, partition: 0 })) });
  await producer.send({ topic: 'metered-events', messages: [{ value: 'x', partition: 1 }] });
  await producer.disconnect();
  await admin.setOffsets({ groupId: 'metered-group', topic: 'metered-events', partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '1' }] });
  await admin.deleteTopicRecords({ topic: 'metered-events', partitions: [{ partition: 0, offset: '1' }] });
  await expect(admin.createTopics({ topics: [{ topic: 'metered-events' }], validateOnly: true })).resolves.toBe(false);
  await admin.disconnect();

  const m = await scrape();
  expect(value(m, 'tandem_kafka_log_end_offset', { topic: 'metered-events', partition: '0' })).toBe(5);
  expect(value(m, 'tandem_kafka_log_end_offset', { topic: 'metered-events', partition: '1' })).toBe(1);
  expect(value(m, 'tandem_kafka_log_start_offset', { topic: 'metered-events', partition: '0' })).toBe(1);
  expect(value(m, 'tandem_kafka_consumer_lag', { group: 'metered-group', topic: 'metered-events', partition: '0' })).toBe(3);
  expect(value(m, 'tandem_kafka_consumer_lag', { group: 'metered-group', topic: 'metered-events', partition: '1' })).toBe(0);
  expect(value(m, 'tandem_kafka_requests_total', { api: 'Produce', error: 'NONE' })).toBe(2);
  expect(value(m, 'tandem_kafka_requests_total', { api: 'CreateTopics', error: 'TOPIC_ALREADY_EXISTS' })).toBe(1);
  expect(value(m, 'tandem_kafka_request_duration_seconds_count', { api: 'Produce' })).toBe(2);
});

it('answers HEAD /health like GET, without a body, and reports each endpoint ready', async () => {
  const head = await fetch(`${emu.sqsEndpoint}/health`, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.headers.get('content-type')).toBe('application/json');
  expect(await head.text()).toBe('');
  const get = await fetch(`${emu.sqsEndpoint}/health`);
  expect(await get.json()).toMatchObject({
    status: 'ok',
    endpoints: { sqs: { ready: true, port: emu.sqsPort }, kafka: { ready: true, port: emu.kafkaPort } },
  });
});

it('POST /_tandem/reset wipes every queue, topic and group, and names can be reused at once', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const res = await fetch(`${emu.sqsEndpoint}/_tandem/reset`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ queues: 1, topics: 1, groups: 1, groupsKept: [] });
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).toEqual([]);
    expect(await admin.listTopics()).toEqual([]);
    expect((await admin.listGroups()).groups).toEqual([]);
    // No 60 s recreate cooldown after a reset, and nothing left of the old queue.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'metered' }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    const m = await scrape();
    expect(value(m, 'tandem_sqs_messages', { queue: 'metered', state: 'visible' })).toBe(0);
    expect(value(m, 'tandem_kafka_log_end_offset', { topic: 'metered-events', partition: '0' })).toBeUndefined();
  } finally {
    await admin.disconnect();
  }
});
