/**
 * A write that fails leaves no trace: the storage port's contract (memory changes only once the
 * unit of work is written) seen from real clients. Tandem runs in this process so the test can
 * make its store reject batches (`store.intercept`); clients still talk to it over real sockets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Kafka, logLevel } from 'kafkajs';
import { Logger } from '../emulator/src/core/logger.js';
import { defaults } from '../emulator/src/host/config.js';
import { startTandem, type Tandem } from '../emulator/src/host/tandem.js';

describe('a failed storage write', () => {
  let dir: string;
  let tandem: Tandem;
  let sqs: SQSClient;
  let url: string;
  const fail = () =>
    tandem.core.store.intercept(() => {
      throw new Error('injected: disk full');
    });
  const heal = () => tandem.core.store.intercept(undefined);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-faults-'));
    const config = defaults();
    config.host.manualClock = true;
    config.sqs.port = 0;
    config.kafka.port = 0;
    config.kafka.groupInitialRebalanceDelayMs = 0;
    config.storage.dataDir = dir;
    tandem = await startTandem(config, new Logger('silent'));
    sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${tandem.sqsPort}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    url = (await sqs.send(new CreateQueueCommand({ QueueName: 'faults' }))).QueueUrl!;
  });
  afterAll(async () => {
    sqs.destroy();
    await tandem.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const depth = async () => {
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes!;
    return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible)];
  };

  it('SendMessage: the client gets InternalFailure and no receive, waiting or not, ever sees the message', async () => {
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    fail();
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'phantom' }))).rejects.toMatchObject({
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 500 },
    });
    heal();
    expect(await depth()).toEqual([0, 0]);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'real' }));
    const got = await waiting;
    expect(got.Messages?.map((m) => m.Body)).toEqual(['real']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: got.Messages![0].ReceiptHandle! }));
    expect(await depth()).toEqual([0, 0]);
  });

  it('DeleteMessage: the client gets InternalFailure and the message is still there', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'keep me' }));
    const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages!;
    fail();
    await expect(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }))).rejects.toMatchObject({ name: 'InternalFailure' });
    heal();
    expect(await depth()).toEqual([0, 1]);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
    const again = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages!;
    expect(again.map((x) => [x.Body, x.MessageId])).toEqual([['keep me', m.MessageId]]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again[0].ReceiptHandle! }));
  });

  it('ReceiveMessage: a receive whose write fails leaves the message visible', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'still visible' }));
    fail();
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).rejects.toMatchObject({ name: 'InternalFailure' });
    heal();
    expect(await depth()).toEqual([1, 0]);
    const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))).Messages!;
    expect([m.Body, m.Attributes?.ApproximateReceiveCount]).toEqual(['still visible', '1']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
  });

  it('Produce: the client gets KAFKA_STORAGE_ERROR, the offset is not used up, and no consumer sees the record', async () => {
    const kafka = new Kafka({ clientId: 'faults', brokers: [`127.0.0.1:${tandem.kafkaPort}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ topics: [{ topic: 'faults', numPartitions: 1 }] });
    fail();
    // kafkajs wraps the broker's error; this is KAFKA_STORAGE_ERROR's text.
    await expect(producer.send({ topic: 'faults', acks: -1, messages: [{ value: 'phantom' }] })).rejects.toThrow(
      'Disk error when trying to access log file on the disk',
    );
    heal();
    expect(await admin.fetchTopicOffsets('faults')).toEqual([{ partition: 0, offset: '0', high: '0', low: '0' }]);
    const [r] = await producer.send({ topic: 'faults', acks: -1, messages: [{ value: 'real' }] });
    expect(r.baseOffset).toBe('0');

    const consumer = kafka.consumer({ groupId: 'faults' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'faults', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(`${message.offset}:${message.value}`);
          resolve();
        },
      });
    });
    await consumer.disconnect();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    expect(seen).toEqual(['0:real']);
  });

  it('/health answers 503 (storage degraded) while writes fail, and the store recovers by itself once they succeed', async () => {
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${tandem.sqsPort}/health`);
      return { status: res.status, body: (await res.json()) as { error?: string; status?: string } };
    };
    expect((await health()).status).toBe(200);
    fail();
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'while full' }))).rejects.toMatchObject({ name: 'InternalFailure' });
    const degraded = await health();
    expect(degraded.status).toBe(503);
    expect(degraded.body.error).toMatch(/storage degraded/);
    heal();
    // No client write needed: the health check's probe finds that writes succeed again.
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'after' }));
  });
});
