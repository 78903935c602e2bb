/**
 * The `tandem` CLI against a running Tandem, checked through real clients (AWS SDK, kafkajs):
 * queues (peek included), send, topics, produce, consume, groups (the lag table), clock, faults,
 * reset; --json, --help per command, exit codes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
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

it('peeks at messages without receiving them, and sends with attributes', async () => {
  expect((await tandem('queues', 'create', 'peek-q')).code).toBe(0);
  const sent = await tandem('send', 'peek-q', 'look but do not touch', '--attr', 'kind=demo', '--json');
  expect(sent.code).toBe(0);
  const { MessageId } = JSON.parse(sent.out);
  for (let i = 0; i < 2; i++) {
    const peek = await tandem('queues', 'peek', 'peek-q', '--json');
    expect(peek.code).toBe(0);
    expect(JSON.parse(peek.out)).toEqual([expect.objectContaining({ messageId: MessageId, body: 'look but do not touch', state: 'ready', receiveCount: 0, attributes: { kind: { type: 'String', value: 'demo' } } })]);
  }
  expect((await tandem('queues', 'peek', 'peek-q')).out).toMatch(/^MESSAGE-ID\s+STATE\s+RECEIVES\s+SENT\s+GROUP\s+BODY\n\S+\s+ready\s+0\s+\S+Z\s+-\s+look but do not touch\n$/);
  // Still the first receive for a client: peeking changed nothing.
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'peek-q' }));
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  expect(r.Messages?.map((m) => [m.MessageId, m.Attributes?.ApproximateReceiveCount])).toEqual([[MessageId, '1']]);
  expect((await tandem('queues', 'peek', 'no-such-queue')).code).toBe(1);
});

it('produces and consumes records, decoded, from an offset or a timestamp, as kafkajs sees', async () => {
  expect((await tandem('topics', 'create', 'pc-t', '--partitions', '2')).code).toBe(0);
  const p1 = await tandem('produce', 'pc-t', '{"n":1}', '--key', 'k1', '--partition', '1', '--header', 'source=cli');
  expect(p1).toMatchObject({ code: 0, out: 'partition 1 offset 0\n' });
  const t0 = await emu.advance(10_000);
  expect((await tandem('produce', 'pc-t', 'second', '--partition', '1')).out).toBe('partition 1 offset 1\n');
  expect((await tandem('produce', 'pc-t', '--null-value', '--key', 'gone', '--partition', '1')).code).toBe(0);

  const consumer = kafka.consumer({ groupId: 'pc-g' });
  await consumer.connect();
  const seen: [number, string | null, string | null, string | undefined][] = [];
  await consumer.subscribe({ topic: 'pc-t', fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push([partition, message.key?.toString() ?? null, message.value?.toString() ?? null, message.headers?.source?.toString()]);
        if (seen.length === 3) resolve();
      },
    });
  });
  await consumer.disconnect();
  expect(seen).toEqual([
    [1, 'k1', '{"n":1}', 'cli'],
    [1, null, 'second', undefined],
    [1, 'gone', null, undefined],
  ]);

  const all = JSON.parse((await tandem('consume', 'pc-t', '--partition', '1', '--json')).out);
  expect(all.records.map((x: any) => [x.offset, x.key.text, x.value.format, x.headers])).toEqual([
    [0, 'k1', 'json', [{ key: 'source', value: { format: 'text', text: 'cli', bytes: 3 } }]],
    [1, null, 'text', []],
    [2, 'gone', 'null', []],
  ]);
  const fromOffset = await tandem('consume', 'pc-t', '--partition', '1', '--offset', '1', '--max', '1');
  expect(fromOffset.out).toMatch(/^PARTITION\s+OFFSET\s+TIMESTAMP\s+KEY\s+VALUE\s+HEADERS\n1\s+1\s+\S+Z\s+-\s+second\s+-\n\(next offset 2, log end 3\)\n$/);
  const fromTime = JSON.parse((await tandem('consume', 'pc-t', '--partition', '1', '--timestamp', new Date(t0).toISOString(), '--json')).out);
  expect(fromTime.records.map((x: any) => x.offset)).toEqual([1, 2]);
  expect((await tandem('consume', 'pc-t', '--offset', '1', '--timestamp', '0')).code).toBe(2);
  expect((await tandem('produce', 'pc-t')).code).toBe(2);
});

it('shows and moves the manual clock', async () => {
  const before = JSON.parse((await tandem('clock', '--json')).out);
  expect(before).toEqual({ now: expect.any(Number), manual: true });
  const after = JSON.parse((await tandem('clock', 'advance', '90s', '--json')).out);
  expect(after.now).toBe(before.now + 90_000);
  expect((await tandem('clock')).out).toMatch(new RegExp(`^${new Date(after.now).toISOString()}\\s+\\(${after.now}\\)\\s+manual clock\\n$`));
  expect((await tandem('clock', 'advance', 'soon')).code).toBe(2);
  expect((await tandem('clock', 'rewind', '1')).code).toBe(2);
});

it('adds, lists and clears fault rules that real clients then meet', async () => {
  expect((await tandem('queues', 'create', 'fault-q')).code).toBe(0);
  const added = await tandem('faults', 'add', 'sqs', '--action', 'SendMessage', '--queue', 'fault-q', '--error', 'ServiceUnavailable', '--times', '1');
  expect(added).toMatchObject({ code: 0, out: 'added f1: sqs SendMessage queue=fault-q -> ServiceUnavailable\n' });
  expect((await tandem('faults', 'add', 'kafka', '--api', '0', '--topic', 'x', '--drop-response', '--for', '5m')).code).toBe(0);
  expect((await tandem('faults', 'add', 'sqs', '--error', 'Nope')).code).toBe(1);
  expect((await tandem('faults', 'add', 'sqs', '--times', 'x', '--error', 'InternalError')).code).toBe(2);

  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'fault-q' }));
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'through a 503' }));
  expect(sent.$metadata.attempts).toBe(2);
  const ls = await tandem('faults', 'ls');
  expect(ls.out).toMatch(/^ID\s+ENGINE\s+MATCH\s+EFFECT\s+HITS\s+LEFT\s+UNTIL\s+ACTIVE\nf1\s+sqs\s+SendMessage queue=fault-q\s+ServiceUnavailable\s+1\s+0\s+-\s+no\nf2\s+kafka\s+0 topic=x\s+drop-response\s+0\s+-\s+\S+Z\s+yes\n$/);
  expect(JSON.parse((await tandem('faults', 'ls', '--json')).out).map((r: any) => r.hits)).toEqual([1, 0]);
  expect((await tandem('faults', 'clear', 'f2')).out).toBe('cleared 1 rule(s)\n');
  expect((await tandem('faults', 'clear')).out).toBe('cleared 1 rule(s)\n');
  expect(JSON.parse((await tandem('faults', 'ls', '--json')).out)).toEqual([]);
});

it('--help on every command, and `npm run lag` is `tandem groups describe`', async () => {
  const usage = (await tandem('faults', '--help')).out;
  const commands = [...usage.matchAll(/^ {2}([a-z]+(?: [a-z][a-z-]*)?)\s/gm)].map((m) => m[1]);
  expect(commands).toEqual(expect.arrayContaining(['queues peek', 'send', 'produce', 'consume', 'clock', 'faults add', 'faults ls', 'faults clear', 'groups describe', 'reset', 'brokers down', 'partitions move-leader']));
  for (const cmd of commands) {
    const help = await tandem(...cmd.split(' '), '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(new RegExp(`^usage: tandem ${cmd}`));
  }
  const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
  expect(pkg.scripts.lag).toBe('node dist/emulator/src/host/main.js groups describe');
});
