/**
 * Durability: everything the emulator acknowledged survives `kill -9` and a restart on the same
 * data dir — queues with their attributes and tags, messages with their attributes, in-flight
 * messages (still invisible until their deadline, receive counts kept), delayed messages (still
 * delayed), FIFO group locks and deduplication ids; acknowledged deletes stay deleted.
 */
import {
  AddPermissionCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import { Emulator } from '../harness/emulator.js';
import { closeBotoWorkers, boto, caught, counts, md5OfAttributes, queueArn, uniq, v3, v3q, VECTORS } from './helpers.js';

let emu: Emulator;

afterAll(async () => {
  await closeBotoWorkers();
  await emu?.stop();
});

it('a clean SIGTERM restart keeps the same state', async () => {
  emu = await Emulator.start();
  let js = v3(emu);
  const name = uniq('clean');
  const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
  await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'kept' }));
  js.destroy();
  emu = await emu.restart();
  js = v3(emu);
  try {
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl: `${emu.sqsEndpoint}/000000000000/${name}` }));
    expect(r.Messages?.map((m) => m.Body)).toEqual(['kept']);
  } finally {
    js.destroy();
  }
});

it('acknowledged state survives kill -9 and restart', async () => {
  await emu?.stop();
  emu = await Emulator.start();
  let js = v3(emu);
  const names = {
    acked: uniq('acked'),
    inflight: uniq('inflight'),
    delayed: uniq('delayed'),
    fifo: uniq('fifo', true),
    gone: uniq('gone'),
    purged: uniq('purged'),
    burst: uniq('burst'),
  };

  // --- before the crash --------------------------------------------------------------------
  const acked = (await js.send(new CreateQueueCommand({ QueueName: names.acked, Attributes: { VisibilityTimeout: '45' }, tags: { keep: 'me' } }))).QueueUrl!;
  const inflight = (await js.send(new CreateQueueCommand({ QueueName: names.inflight }))).QueueUrl!;
  const delayed = (await js.send(new CreateQueueCommand({ QueueName: names.delayed }))).QueueUrl!;
  const fifo = (await js.send(new CreateQueueCommand({ QueueName: names.fifo, Attributes: { FifoQueue: 'true' } }))).QueueUrl!;

  // 25 acknowledged messages (batches and singles), one with attributes.
  const ackedBodies: string[] = [];
  for (let b = 0; b < 2; b++) {
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `batch-${b}-${i}` }));
    const r = await js.send(new SendMessageBatchCommand({ QueueUrl: acked, Entries: entries }));
    expect(r.Successful).toHaveLength(10);
    ackedBodies.push(...entries.map((e) => e.MessageBody));
  }
  for (let i = 0; i < 4; i++) {
    await js.send(new SendMessageCommand({ QueueUrl: acked, MessageBody: `single-${i}` }));
    ackedBodies.push(`single-${i}`);
  }
  await js.send(new SendMessageCommand({ QueueUrl: acked, MessageBody: 'with-attrs', MessageAttributes: VECTORS.numberAttr.attrs }));
  ackedBodies.push('with-attrs');

  // In flight with receive count 2, plus one message deleted before the crash.
  for (const b of ['f1', 'f2', 'f3', 'deleted']) await js.send(new SendMessageCommand({ QueueUrl: inflight, MessageBody: b }));
  const first = await js.send(new ReceiveMessageCommand({ QueueUrl: inflight, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  expect(first.Messages).toHaveLength(4);
  const second = await js.send(
    new ReceiveMessageCommand({ QueueUrl: inflight, MaxNumberOfMessages: 10, VisibilityTimeout: 100, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
  );
  expect(second.Messages).toHaveLength(4);
  for (const m of second.Messages!) expect(m.Attributes?.ApproximateReceiveCount).toBe('2');
  const del = second.Messages!.find((m) => m.Body === 'deleted')!;
  await js.send(new DeleteMessageCommand({ QueueUrl: inflight, ReceiptHandle: del.ReceiptHandle }));

  // Delayed.
  await js.send(new SendMessageCommand({ QueueUrl: delayed, MessageBody: 'd1', DelaySeconds: 300 }));
  await js.send(new SendMessageCommand({ QueueUrl: delayed, MessageBody: 'd2', DelaySeconds: 300 }));

  // FIFO: group g locked by an in-flight message; deduplication ids recorded.
  for (let i = 0; i < 4; i++) {
    await js.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: `g${i}`, MessageGroupId: 'g', MessageDeduplicationId: `g${i}` }));
  }
  const locked = await js.send(new ReceiveMessageCommand({ QueueUrl: fifo, MaxNumberOfMessages: 1, VisibilityTimeout: 100 }));
  expect(locked.Messages?.[0].Body).toBe('g0');

  // Queue-level changes: a deleted queue, a purged queue, a policy and a redrive policy.
  const gone = (await js.send(new CreateQueueCommand({ QueueName: names.gone }))).QueueUrl!;
  await js.send(new SendMessageCommand({ QueueUrl: gone, MessageBody: 'x' }));
  await js.send(new DeleteQueueCommand({ QueueUrl: gone }));
  const purged = (await js.send(new CreateQueueCommand({ QueueName: names.purged }))).QueueUrl!;
  for (let i = 0; i < 3; i++) await js.send(new SendMessageCommand({ QueueUrl: purged, MessageBody: `p${i}` }));
  await js.send(new PurgeQueueCommand({ QueueUrl: purged }));
  await js.send(new AddPermissionCommand({ QueueUrl: acked, Label: 'keep', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] }));
  await js.send(
    new SetQueueAttributesCommand({
      QueueUrl: inflight,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(names.delayed), maxReceiveCount: 5 }) },
    }),
  );

  // A burst of concurrent sends: every acknowledged one must survive (group commit acknowledges after the write).
  const burst = (await js.send(new CreateQueueCommand({ QueueName: names.burst }))).QueueUrl!;
  const burstIds = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => (await js.send(new SendMessageCommand({ QueueUrl: burst, MessageBody: `b${i}` }))).MessageId!),
  );
  js.destroy();

  // --- crash and restart -------------------------------------------------------------------
  await emu.kill9();
  emu = await emu.restart();
  js = v3(emu);
  const qs = v3q(emu);
  const url = (n: string) => `${emu.sqsEndpoint}/000000000000/${n}`;
  try {
    // Queues, attributes and tags.
    expect((await qs.send(new Q.GetQueueUrlCommand({ QueueName: names.acked }))).QueueUrl).toBe(url(names.acked));
    expect((await js.send(new GetQueueUrlCommand({ QueueName: names.fifo }))).QueueUrl).toBe(url(names.fifo));
    const attrs = await js.send(new GetQueueAttributesCommand({ QueueUrl: url(names.acked), AttributeNames: ['VisibilityTimeout'] }));
    expect(attrs.Attributes).toEqual({ VisibilityTimeout: '45' });
    expect((await js.send(new ListQueueTagsCommand({ QueueUrl: url(names.acked) }))).Tags).toEqual({ keep: 'me' });
    const fifoAttrs = await js.send(new GetQueueAttributesCommand({ QueueUrl: url(names.fifo), AttributeNames: ['FifoQueue'] }));
    expect(fifoAttrs.Attributes).toEqual({ FifoQueue: 'true' });

    // Every acknowledged message is there, intact.
    expect(await counts(js, url(names.acked))).toEqual([25, 0, 0]);
    const got: string[] = [];
    for (let i = 0; i < 10 && got.length < 25; i++) {
      const r = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl: url(names.acked), MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
      for (const m of r.Messages ?? []) {
        got.push(m.Body!);
        if (m.Body === 'with-attrs') {
          expect(m.MD5OfMessageAttributes).toBe(VECTORS.numberAttr.md5);
          expect(md5OfAttributes(m.MessageAttributes as any)).toBe(VECTORS.numberAttr.md5);
        }
      }
    }
    expect(got.sort()).toEqual([...ackedBodies].sort());

    // In-flight messages stay invisible until their deadline and keep their receive counts; the deleted one stays deleted.
    expect(await counts(js, url(names.inflight))).toEqual([0, 3, 0]);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl: url(names.inflight), MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();
    // Delayed messages are still delayed.
    expect(await counts(js, url(names.delayed))).toEqual([0, 0, 2]);
    // FIFO: group still locked; a duplicate deduplication id is still recognised.
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl: url(names.fifo), MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();
    await js.send(new SendMessageCommand({ QueueUrl: url(names.fifo), MessageBody: 'dup', MessageGroupId: 'g', MessageDeduplicationId: 'g1' }));
    expect(await counts(js, url(names.fifo))).toEqual([3, 1, 0]);

    await emu.advance(105_000);
    const back = await js.send(
      new ReceiveMessageCommand({ QueueUrl: url(names.inflight), MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    expect((back.Messages ?? []).map((m) => m.Body).sort()).toEqual(['f1', 'f2', 'f3']);
    for (const m of back.Messages!) expect(m.Attributes?.ApproximateReceiveCount).toBe('3');
    const fifoBack = await js.send(
      new ReceiveMessageCommand({ QueueUrl: url(names.fifo), MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    expect(fifoBack.Messages?.map((m) => m.Body)).toEqual(['g0', 'g1', 'g2', 'g3']);
    expect(fifoBack.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe('2');
    expect(await counts(js, url(names.delayed))).toEqual([0, 0, 2]);

    // Queue-level changes survived.
    const goneErr = await caught(() => js.send(new GetQueueUrlCommand({ QueueName: names.gone })));
    expect(goneErr.name).toBe('QueueDoesNotExist');
    expect(await counts(js, url(names.purged))).toEqual([0, 0, 0]);
    const policy = await js.send(new GetQueueAttributesCommand({ QueueUrl: url(names.acked), AttributeNames: ['Policy'] }));
    expect(JSON.parse(policy.Attributes!.Policy!).Statement.map((st: any) => st.Sid)).toEqual(['keep']);
    const rp = await js.send(new GetQueueAttributesCommand({ QueueUrl: url(names.inflight), AttributeNames: ['RedrivePolicy'] }));
    expect(JSON.parse(rp.Attributes!.RedrivePolicy!).deadLetterTargetArn).toBe(queueArn(names.delayed));
    const burstIdsAfter: string[] = [];
    for (let i = 0; i < 20 && burstIdsAfter.length < 100; i++) {
      const r = await js.send(new ReceiveMessageCommand({ QueueUrl: url(names.burst), MaxNumberOfMessages: 10 }));
      burstIdsAfter.push(...(r.Messages ?? []).map((m) => m.MessageId!));
    }
    expect(burstIdsAfter.sort()).toEqual([...burstIds].sort());

    const [p1, , p2] = await boto(emu.sqsEndpoint, [
      { op: 'receive_message', params: { QueueUrl: url(names.delayed), MaxNumberOfMessages: 10 } },
      { op: '_advance', ms: 200_000 },
      { op: 'receive_message', params: { QueueUrl: url(names.delayed), MaxNumberOfMessages: 10 } },
    ]);
    expect(p1.ok.Messages).toBeUndefined();
    expect(p2.ok.Messages.map((m: any) => m.Body).sort()).toEqual(['d1', 'd2']);
  } finally {
    js.destroy();
    qs.destroy();
  }
});

it('a restarted emulator continues from the manual clock time reached before the crash', async () => {
  await emu?.stop();
  emu = await Emulator.start();
  let js = v3(emu);
  const name = uniq('later');
  const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: '60' } }));
  const sentAt = await emu.advance(4 * 24 * 3600 * 1000);
  await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'sent four days in' }));
  js.destroy();

  await emu.kill9();
  emu = await emu.restart();
  js = v3(emu);
  const url = `${emu.sqsEndpoint}/000000000000/${name}`;
  try {
    // Without --manual-clock-start the new process would be back at the wall clock, four days before
    // SentTimestamp, and the message would stay invisible until then.
    expect(await emu.now()).toBe(sentAt);
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0, MessageSystemAttributeNames: ['SentTimestamp'] }));
    expect(r.Messages?.map((m) => [m.Body, m.Attributes?.SentTimestamp])).toEqual([['sent four days in', String(sentAt)]]);
    // Retention still counts from SentTimestamp: not expired by the restart, expired exactly 60 s after it.
    await emu.advance(59_999);
    expect(await counts(js, url)).toEqual([1, 0, 0]);
    await emu.advance(1);
    expect(await counts(js, url)).toEqual([0, 0, 0]);
  } finally {
    js.destroy();
  }
});
