/**
 * The `tandem` CLI against a running Tandem, checked through real clients (AWS SDK, kafkajs):
 * queues, send, topics, groups (the lag table), reset; --json, --help per command, exit codes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Kafka, logLevel } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';
import { repoRoot } from '../harness/kafka-clients.js';

const MAIN = path.join(repoRoot(), process.env.TANDEM_DIST ?? 'dist', 'emulator/src/host/main.js');

let emu: Emulator;
let sqs: SQSClient;
let kafka: Kafka;
beforeAll(async () => {
  emu = await Emulator.start();
  sqs = new SQSClient({ endpoint: emu.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  kafka = new Kafka({ clientId: 'cli', brokers: [`127.0.0.1:${emu.kafkaPort}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
});
afterAll(async () => {
  sqs.destroy();
  await emu.stop();
});

function tandem(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, TANDEM_ENDPOINT: emu.sqsEndpoint }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

it('creates, lists, sends to, purges and deletes queues, as the AWS SDK sees', async () => {
  expect(await tandem('queues', 'create', 'cli-q', '--attr', 'VisibilityTimeout=40', '--tag', 'team=cli')).toMatchObject({ code: 0 });
  expect((await tandem('send', 'cli-q', 'hello')).code).toBe(0);
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'cli-q' }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout', 'ApproximateNumberOfMessages'] }));
  expect(Attributes).toEqual({ VisibilityTimeout: '40', ApproximateNumberOfMessages: '1' });

  const ls = await tandem('queues', 'ls', '--json');
  expect(ls.code).toBe(0);
  expect(JSON.parse(ls.out)).toEqual([{ name: 'cli-q', url: QueueUrl, visible: 1, inflight: 0, delayed: 0 }]);
  expect((await tandem('queues', 'ls')).out).toMatch(/^QUEUE\s+VISIBLE\s+INFLIGHT\s+DELAYED\s+URL\ncli-q\s+1\s+0\s+0\s+http/);

  expect((await tandem('queues', 'purge', 'cli-q')).code).toBe(0);
  expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
  expect((await tandem('queues', 'delete', 'cli-q')).code).toBe(0);
  expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls).toBeUndefined();
});

it('creates, describes and deletes topics, and prints the lag table, as kafkajs sees', async () => {
  const created = await tandem('topics', 'create', 'cli-t', '--partitions', '3', '--config', 'retention.ms=60000');
  expect(created).toMatchObject({ code: 0, out: 'created cli-t with 3 partition(s)\n' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: ['cli-t'] });
    expect(topics[0].partitions).toHaveLength(3);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'cli-t', messages: [{ value: 'a', partition: 1 }, { value: 'b', partition: 1 }] });
    await producer.disconnect();
    await admin.setOffsets({ groupId: 'cli-g', topic: 'cli-t', partitions: [{ partition: 1, offset: '1' }] });

    const describe = JSON.parse((await tandem('topics', 'describe', 'cli-t', '--json')).out);
    expect(describe.partitions[1]).toEqual({ partition: 1, logStartOffset: 0, logEndOffset: 2 });
    expect(describe.configs).toEqual({ 'retention.ms': '60000' });
    expect((await tandem('groups', 'ls')).out).toMatch(/^GROUP\s+STATE\ncli-g\s+Empty\n$/);
    const lag = await tandem('groups', 'describe', 'cli-g');
    expect(lag.out).toMatch(/^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID\ncli-g\s+cli-t\s+1\s+1\s+2\s+1\s+-\s+-\s+-\n$/);

    expect((await tandem('topics', 'delete', 'cli-t')).code).toBe(0);
    expect(await admin.listTopics()).not.toContain('cli-t');
  } finally {
    await admin.disconnect();
  }
});

it('exit codes: 1 when Tandem refuses, 2 on bad usage, 3 when unreachable; --help on every command', async () => {
  const missing = await tandem('queues', 'purge', 'no-such-queue');
  expect(missing.code).toBe(1);
  expect(missing.err).toMatch(/QueueDoesNotExist/);
  const dup = await tandem('topics', 'describe', 'no-such-topic');
  expect(dup.code).toBe(1);
  expect((await tandem('queues', 'create')).code).toBe(2);
  expect((await tandem('topics', 'create', 't', '--partitions', 'x')).code).toBe(2);
  expect((await tandem('queues', 'frobnicate')).code).toBe(2);
  expect((await tandem('queues', 'ls', '--endpoint', 'http://127.0.0.1:1')).code).toBe(3);
  for (const cmd of [['queues', 'ls'], ['send'], ['topics', 'create'], ['groups', 'describe'], ['reset']]) {
    const help = await tandem(...cmd, '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(new RegExp(`^usage: tandem ${cmd.join(' ')}`));
  }
});

it('reset wipes everything', async () => {
  await tandem('queues', 'create', 'r-q');
  await tandem('topics', 'create', 'r-t');
  const r = await tandem('reset', '--json');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toMatchObject({ queues: 1, topics: 1 });
  expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls).toBeUndefined();
});
