/**
 * The web console end to end: real clients (@aws-sdk/client-sqs, kafkajs, kafka-python, kcat)
 * create queues, topics, records and a consumer group on a spawned Tandem; headless Chromium
 * (Debian's /usr/bin/chromium through playwright-core) then drives /console/ — click, peek, send,
 * purge, redrive, browse, produce — and the test checks what the page shows, and what real clients see
 * afterwards (a peek changes no receive count; a send, purge or produce from the page is real).
 * The page is never reloaded: every change reaches it over server-sent events. Screenshots go to
 * test-artifacts/console/ (gitignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Emulator } from '../harness/emulator.js';
import { repoRoot } from '../harness/kafka-clients.js';
import { kcat, python } from '../kafka/clients.js';

const require = createRequire(import.meta.url);
CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy');

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(repoRoot(), 'test-artifacts', 'console');
const ACCOUNT = '000000000000';

/** Browser steps and client processes take longer than jest's default. */
const TIMEOUT = 120_000;

let emu: Emulator;
let sqs: SQSClient;
let admin: Admin;
let producer: Producer;
let context: BrowserContext;
let page: Page;
let profile: string;
let ordersUrl: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Wait until the text at `selector` satisfies `ok` (the page updates itself over SSE). */
async function waitText(selector: string, ok: (t: string) => boolean, timeout = 10_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = (await page.locator(selector).first().textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => null)) ?? '';
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${selector}: last text ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const cells = (selector: string) => page.locator(selector).locator('td').allTextContents();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  emu = await Emulator.start();
  sqs = new SQSClient({ region: 'us-east-1', endpoint: emu.sqsEndpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  const kafka = new Kafka({ clientId: 'console-test', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);

  // Queues: a source with a dead-letter queue, and two messages sent by the SDK.
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'console-orders-dlq' }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  ordersUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: 'console-orders',
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
        tags: { team: 'shop' },
      }),
    )
  ).QueueUrl!;
  await sqs.send(new SendMessageCommand({ QueueUrl: ordersUrl, MessageBody: '{"order":1}' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: ordersUrl, MessageBody: 'second order' }));

  // Topics: one with three partitions (JSON with headers, binary), one per compression codec.
  await admin.createTopics({
    topics: [{ topic: 'console-events', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '604800000' }] }, ...['gzip', 'snappy', 'lz4', 'zstd'].map((c) => ({ topic: `console-${c}`, numPartitions: 1 }))],
  });
  await producer.send({
    topic: 'console-events',
    messages: [
      { partition: 0, key: 'order-1', value: JSON.stringify({ id: 1, total: 9.5 }), headers: { trace: 'abc' }, timestamp: String(Date.UTC(2026, 0, 1)) },
      { partition: 0, key: 'order-2', value: 'plain text', timestamp: String(Date.UTC(2026, 0, 2)) },
      { partition: 1, value: Buffer.from([0x00, 0xff, 0x10, 0x80]) },
    ],
  });
  await producer.send({ topic: 'console-gzip', compression: CompressionTypes.GZIP, messages: [{ key: 'g', value: 'gzip value' }] });
  await producer.send({ topic: 'console-snappy', compression: CompressionTypes.Snappy, messages: [{ key: 's', value: 'snappy value' }] });
  await python('records_client.py', ['produce', emu.kafkaBroker, 'console-lz4', 'lz4', '12']);
  // Clients leave a batch uncompressed when compressing would not shrink it: enough repetitive records.
  const zstdLines = Array.from({ length: 30 }, (_, i) => `k${i}:zstd value ${i}${'x'.repeat(i * 10)}`).join('\n') + '\n';
  await kcat(emu.kafkaBroker, ['-P', '-t', 'console-zstd', '-p', '0', '-z', 'zstd', '-X', 'compression.codec=zstd', '-K:', '-X', 'linger.ms=500'], zstdLines);
  // A consumer group with committed offsets (and so lag) on console-events.
  await admin.setOffsets({ groupId: 'console-group', topic: 'console-events', partitions: [{ partition: 0, offset: '1' }] });

  profile = mkdtempSync(path.join(tmpdir(), 'tandem-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${emu.sqsEndpoint}/console/`);
  // A marker that a reload would wipe: every update below must arrive without one.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await waitText('#live', (t) => t === 'live');
}, TIMEOUT);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await producer?.disconnect();
  await admin?.disconnect();
  sqs?.destroy();
  await emu?.stop();
}, TIMEOUT);

describe('web console', () => {
  it('lists queues with depth and DLQ wiring, peeks without receiving, sends and purges', async () => {
    const row = '#queues tr[data-queue="console-orders"]';
    await waitText(`${row} td:nth-child(2)`, (t) => t === '2');
    expect(await cells(row)).toEqual(['console-orders', '2', '0', '0', expect.stringMatching(/s$/), 'console-orders-dlq (after 3)', '–']);
    expect((await cells('#queues tr[data-queue="console-orders-dlq"]'))[6]).toBe('console-orders');

    await page.click(row);
    // Redrive is offered on dead-letter queues only; FIFO ids only for FIFO queues.
    expect(await page.isVisible('#redrive-form')).toBe(false);
    expect(await page.isVisible('#send-group')).toBe(false);
    await page.click('#peek');
    await waitText('#queue-status', (t) => t.startsWith('2 messages peeked'));
    expect(await page.locator('#messages tbody tr td:nth-child(6)').allTextContents()).toEqual(['{"order":1}', 'second order']);
    expect(await page.locator('#messages tbody tr td:nth-child(3)').allTextContents()).toEqual(['0', '0']);
    expect(await page.locator('#queue-attributes').textContent()).toContain('tag: team');
    await shot('01-queue-peek');

    // The peek changed nothing: a real receive finds both messages visible, received for the first time.
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: ordersUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(got.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]).sort()).toEqual([['second order', '1'], ['{"order":1}', '1']]);
    // ...and the page follows on its own: both in flight now.
    await waitText(`${row} td:nth-child(3)`, (t) => t === '2');
    expect((await cells(row)).slice(1, 4)).toEqual(['0', '2', '0']);

    await page.fill('#send-body', 'sent from the console');
    await page.click('#send');
    await waitText('#queue-status', (t) => t.startsWith('sent '));
    await waitText(`${row} td:nth-child(2)`, (t) => t === '1');
    const fromPage = await sqs.send(new ReceiveMessageCommand({ QueueUrl: ordersUrl, MaxNumberOfMessages: 10 }));
    expect(fromPage.Messages?.map((m) => m.Body)).toEqual(['sent from the console']);
    await shot('02-queue-sent');

    await page.click('#purge');
    await waitText('#queue-status', (t) => t === 'purged');
    await waitText(`${row} td:nth-child(3)`, (t) => t === '0');
    expect((await cells(row)).slice(1, 4)).toEqual(['0', '0', '0']);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: ordersUrl, AttributeNames: ['All'] }));
    expect([attrs.Attributes?.ApproximateNumberOfMessages, attrs.Attributes?.ApproximateNumberOfMessagesNotVisible]).toEqual(['0', '0']);
    await shot('03-queue-purged');
  }, TIMEOUT);

  it('refuses state changes from another origin', async () => {
    const url = `${emu.sqsEndpoint}/_tandem/sqs/queues/us-east-1/${ACCOUNT}/console-orders`;
    const send = await fetch(`${url}/messages`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"body":"x"}' });
    expect(send.status).toBe(403);
    const site = await fetch(`${url}/purge`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(site.status).toBe(403);
    const produce = await fetch(`${emu.sqsEndpoint}/_tandem/kafka/topics/console-events/records`, { method: 'POST', headers: { origin: 'null' }, body: '{"value":"x"}' });
    expect(produce.status).toBe(403);
    const peek = (await (await fetch(`${url}/messages`)).json()) as unknown[];
    expect(peek).toEqual([]);
    // Errors are JSON with a status that says what went wrong.
    const missing = await fetch(`${emu.sqsEndpoint}/_tandem/sqs/queues/us-east-1/${ACCOUNT}/no-such-queue/messages`);
    expect([missing.status, await missing.json()]).toEqual([404, { error: 'The specified queue does not exist.' }]);
    const noTopic = await fetch(`${emu.sqsEndpoint}/_tandem/kafka/topics/no-such-topic/records`);
    expect(noTopic.status).toBe(404);
    const badJson = await fetch(`${url}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(badJson.status).toBe(400);
    // The admin routes beside the console's still answer as before.
    expect((await fetch(`${emu.sqsEndpoint}/_tandem/kafka/lag`)).status).toBe(200);
  }, TIMEOUT);

  it('starts and cancels a redrive from a dead-letter queue', async () => {
    // Three messages dead-lettered by real receives (maxReceiveCount 3; the fourth receive moves them).
    for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: ordersUrl, MessageBody: `dead ${i}` }));
    for (let i = 0; i < 4; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl: ordersUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    const dlqRow = '#queues tr[data-queue="console-orders-dlq"]';
    await waitText(`${dlqRow} td:nth-child(2)`, (t) => t === '3');
    await page.click(dlqRow);
    await waitText('#redrive-status', (t) => t === 'no redrive yet');
    expect(await page.isVisible('#redrive-form')).toBe(true);

    // Paced at one message a second on the manual clock: one moves, then the task waits for time.
    await page.fill('#redrive-rate', '1');
    await page.click('#redrive-start');
    await waitText('#redrive-status', (t) => t === 'RUNNING: 1 of 3 moved');
    await page.click('#redrive-cancel');
    await waitText('#redrive-status', (t) => t === 'CANCELLED: 1 of 3 moved');
    // Cancelled means stopped: time passing moves nothing more.
    await emu.advance(5000);
    const dlqUrl = ordersUrl.replace(/console-orders$/, 'console-orders-dlq');
    const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(left.Attributes?.ApproximateNumberOfMessages).toBe('2');

    // Unpaced: the rest go back to their source queue at once.
    await page.fill('#redrive-rate', '');
    await page.click('#redrive-start');
    await waitText('#redrive-status', (t) => t === 'COMPLETED: 2 of 2 moved');
    await waitText(`${dlqRow} td:nth-child(2)`, (t) => t === '0');
    await waitText('#queues tr[data-queue="console-orders"] td:nth-child(2)', (t) => t === '3');
    await shot('04-redrive');
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl: ordersUrl, MaxNumberOfMessages: 10 }));
    expect(back.Messages?.map((m) => m.Body).sort()).toEqual(['dead 0', 'dead 1', 'dead 2']);
  }, TIMEOUT);

  it('shows topics, browses records by offset and timestamp in every codec, and produces', async () => {
    await page.click('#tab-topics');
    const row = '#topics tr[data-topic="console-events"]';
    await waitText(`${row} td:nth-child(2)`, (t) => t === '3');
    expect(await cells(row)).toEqual(['console-events', '3', '2 / 1 / 0', expect.stringMatching(/ B$/), 'retention.ms=604800000']);
    await page.click(row);
    expect(await page.locator('#partitions tbody tr').first().locator('td').allTextContents()).toEqual(['0', '0', '2', expect.stringMatching(/ B$/), '1']);

    await page.click('#browse');
    await waitText('#topic-status', (t) => t.startsWith('2 record(s) of partition 0 from offset 0'));
    const first = await cells('#records tr[data-offset="0"]');
    expect(first[2]).toBe('none');
    expect(first[3]).toBe('textorder-1');
    expect(first[4]).toBe(`json${JSON.stringify({ id: 1, total: 9.5 }, null, 2)}`);
    expect(first[5]).toBe('trace=abc');
    expect(first[1]).toContain('2026-01-01 00:00:00.000 (CreateTime)');
    await shot('05-topic-browse');

    // From a timestamp: the first record at or after 2026-01-01T12:00Z is offset 1.
    await page.selectOption('#browse-mode', 'timestamp');
    await page.fill('#browse-from', '2026-01-01T12:00:00Z');
    await page.click('#browse');
    await waitText('#topic-status', (t) => t.startsWith('1 record(s) of partition 0 from offset 1'));
    expect((await cells('#records tbody tr'))[4]).toBe('textplain text');

    // Binary values are shown as hex.
    await page.selectOption('#browse-mode', 'offset');
    await page.fill('#browse-from', '');
    await page.selectOption('#browse-partition', '1');
    await page.click('#browse');
    await waitText('#topic-status', (t) => t.startsWith('1 record(s) of partition 1'));
    expect((await cells('#records tbody tr')).slice(3, 5)).toEqual(['null', 'hex00ff1080']);

    // Produce from the page; a real client reads the offsets back.
    await page.fill('#produce-key', 'k1');
    await page.fill('#produce-value', 'from the console');
    await page.fill('#produce-headers', 'source=console');
    await page.selectOption('#produce-partition', '2');
    await page.click('#produce');
    await waitText('#topic-status', (t) => t === 'produced at partition 2, offset 0');
    await waitText(`${row} td:nth-child(3)`, (t) => t === '2 / 1 / 1');
    expect((await admin.fetchTopicOffsets('console-events')).find((p) => p.partition === 2)?.high).toBe('1');
    await page.selectOption('#browse-partition', '2');
    await page.click('#browse');
    await waitText('#topic-status', (t) => t.startsWith('1 record(s) of partition 2'));
    expect((await cells('#records tbody tr')).slice(3)).toEqual(['textk1', 'textfrom the console', 'source=console']);
    await shot('06-topic-produced');

    // Every codec a client wrote, decoded by the product's record-batch codec.
    for (const [codec, value] of [['gzip', 'gzip value'], ['snappy', 'snappy value'], ['lz4', 'py 0'], ['zstd', 'zstd value 0']]) {
      await page.click(`#topics tr[data-topic="console-${codec}"]`);
      await waitText('#topic-name', (t) => t === `console-${codec}`);
      await page.click('#browse');
      await waitText('#topic-status', (t) => /^\d+ record\(s\)/.test(t) && !t.startsWith('0'));
      const c = await cells('#records tbody tr');
      expect([c[2], c[4]]).toEqual([codec, `text${value}`]);
    }
  }, TIMEOUT);

  it('shows consumer groups with committed offsets and lag, and never reloaded the page', async () => {
    await page.click('#tab-groups');
    await waitText('#groups .group[data-group="console-group"] h2', (t) => t.includes('total lag 1'));
    expect(await cells('#groups .group[data-group="console-group"] tbody tr')).toEqual(['console-events', '0', '1', '2', '1', '–', '–', '–']);
    // Lag follows the log live: one more record on partition 0.
    await producer.send({ topic: 'console-events', messages: [{ partition: 0, value: 'more' }] });
    await waitText('#groups .group[data-group="console-group"] h2', (t) => t.includes('total lag 2'));
    await shot('07-groups');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  }, TIMEOUT);

  it('shows the manual clock and the fault rules, live', async () => {
    const now = await emu.advance(60_000);
    await waitText('#clock', (t) => t === `${new Date(now).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')} · manual clock`);
    expect(await page.locator('#faults').isHidden()).toBe(true);
    const res = await fetch(`${emu.sqsEndpoint}/_tandem/faults`, { method: 'POST', body: JSON.stringify({ engine: 'sqs', action: 'SendMessage', queue: 'orders', error: 'ThrottlingException', times: 2 }) });
    expect(res.status).toBe(200);
    await waitText('#fault-list li', (t) => t === 'f1: sqs SendMessage queue=orders → ThrottlingException (0 hits, 2 left)');
    await shot('08-clock-and-faults');
    await fetch(`${emu.sqsEndpoint}/_tandem/faults`, { method: 'DELETE' });
    await page.locator('#faults').waitFor({ state: 'hidden', timeout: 10_000 });
  }, TIMEOUT);
});
