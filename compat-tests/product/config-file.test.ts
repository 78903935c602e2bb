/**
 * Queues and topics declared in a config file (sqs.queues, kafka.topics), as real clients find
 * them: attributes, DLQ wiring and tags through the AWS SDK; partitions and configs through
 * kafkajs. A restart with the same file changes nothing; a conflicting file fails startup, names
 * the conflict, and leaves the state as it was.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListDeadLetterSourceQueuesCommand, ListQueuesCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import kafkajs, { Kafka, logLevel } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';

const CONFIG = `
sqs:
  queues:
    - name: orders
      attributes: { VisibilityTimeout: "45", RedrivePolicy: { deadLetterTargetArn: orders-dlq, maxReceiveCount: 3 } }
      tags: { team: shop }
    - name: orders-dlq
      attributes: { MessageRetentionPeriod: 1209600 }
    - name: payments.fifo
      attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" }
kafka:
  topics:
    - name: order-events
      partitions: 4
      configs: { retention.ms: "604800000", cleanup.policy: compact }
    - name: audit
`;

let dir: string;
let emu: Emulator | undefined;
beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'tandem-decl-'))));
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const start = (file: string) => Emulator.start({ dataDir: path.join(dir, 'data'), args: ['--config', file] });

async function snapshot(e: Emulator) {
  const sqs = new SQSClient({ endpoint: e.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const kafka = new Kafka({ clientId: 'decl', brokers: [`127.0.0.1:${e.kafkaPort}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const urls = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    const queues: Record<string, unknown> = {};
    for (const url of urls) {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
      const { Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
      const { CreatedTimestamp, LastModifiedTimestamp, ...attrs } = Attributes;
      queues[url.slice(url.lastIndexOf('/') + 1)] = { attrs, created: CreatedTimestamp, modified: LastModifiedTimestamp, tags: Tags ?? {} };
    }
    const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders-dlq' }))).QueueUrl!;
    const sources = (await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }))).queueUrls ?? [];
    const { topics } = await admin.fetchTopicMetadata({ topics: [] });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'order-events', configNames: ['retention.ms', 'cleanup.policy'] }],
    });
    return {
      queues,
      dlqSources: sources.map((u) => u.slice(u.lastIndexOf('/') + 1)),
      topics: Object.fromEntries(topics.map((t) => [t.name, t.partitions.length])),
      configs: Object.fromEntries(described.resources[0].configEntries.map((c) => [c.configName, c.configValue])),
    };
  } finally {
    await admin.disconnect();
    sqs.destroy();
  }
}

it('creates the declared queues and topics, as real clients see them; a restart with the same file changes nothing', async () => {
  emu = await start(write('tandem.yaml', CONFIG));
  const first = await snapshot(emu);
  expect(Object.keys(first.queues).sort()).toEqual(['orders', 'orders-dlq', 'payments.fifo']);
  const orders = first.queues.orders as { attrs: Record<string, string>; tags: Record<string, string> };
  expect(orders.attrs.VisibilityTimeout).toBe('45');
  expect(JSON.parse(orders.attrs.RedrivePolicy)).toEqual({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq', maxReceiveCount: 3 });
  expect(orders.tags).toEqual({ team: 'shop' });
  expect((first.queues['orders-dlq'] as { attrs: Record<string, string> }).attrs.MessageRetentionPeriod).toBe('1209600');
  expect((first.queues['payments.fifo'] as { attrs: Record<string, string> }).attrs).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  expect(first.dlqSources).toEqual(['orders']);
  expect(first.topics).toEqual({ 'order-events': 4, audit: 1 });
  expect(first.configs).toEqual({ 'retention.ms': '604800000', 'cleanup.policy': 'compact' });

  await emu.advance(5_000);
  emu = await emu.restart();
  // Same timestamps: nothing was re-created or modified.
  expect(await snapshot(emu)).toEqual(first);
});

it('fails startup on a conflicting file, naming every conflict, and changes nothing', async () => {
  const before = await snapshot(emu!);
  await emu!.stop();
  emu = undefined;
  const conflicting = write(
    'conflict.yaml',
    [
      'sqs:',
      '  queues:',
      '    - name: brand-new',
      '    - name: orders',
      '      attributes: { VisibilityTimeout: "60" }',
      'kafka:',
      '  topics:',
      '    - name: fresh-topic',
      '    - name: order-events',
      '      partitions: 2',
    ].join('\n'),
  );
  const failure = await start(conflicting).then(
    () => 'started',
    (e: Error) => e.message,
  );
  expect(failure).toMatch(/emulator exited with 1/);
  expect(failure).toMatch(/conflict\.yaml:4:7: queue "orders" exists and differs: QueueNameExists: .*VisibilityTimeout/);
  expect(failure).toMatch(/conflict\.yaml:9:7: topic "order-events" has 4 partitions, declared 2/);
  expect(failure).toMatch(/nothing was changed/);

  // An invalid new queue is caught before anything is created, too.
  const invalid = write('invalid.yaml', 'sqs:\n  queues:\n    - name: fine\n    - name: bad\n      attributes: { VisibilityTimeout: "99999" }\n');
  expect(await start(invalid).then(() => 'started', (e: Error) => e.message)).toMatch(/invalid\.yaml:4:7: queue "bad" cannot be created: InvalidAttributeValue/);

  emu = await start(write('tandem.yaml', CONFIG));
  expect(await snapshot(emu)).toEqual(before);
});
