/**
 * AWS's in-flight cap (issue 12), on by default and relaxable: a short poll on a standard queue at
 * its cap answers 403 OverLimit (AWS's recorded Query text); a long poll there, and a FIFO queue at
 * its cap, return no messages (AWS's quota documentation: no error). Both defaults are 120,000 (AWS's current quotas; FIFO
 * was 20,000 until AWS raised it); the tests lower the caps, since 120,000 in-flight messages take
 * longer to set up than a test should.
 * Through the current @aws-sdk/client-sqs (JSON) and the pinned 3.445.0 client (Query).
 */
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import { Emulator } from '../harness/emulator.js';
import { caught, settlesWithin, uniq, v3, v3q } from './helpers.js';

let emu: Emulator | undefined;
let js: SQSClient | undefined;
let qs: Q.SQSClient | undefined;
afterEach(async () => {
  js?.destroy();
  qs?.destroy();
  await emu?.stop();
  emu = js = qs = undefined;
});

async function start(args: string[] = []): Promise<{ js: SQSClient; qs: Q.SQSClient }> {
  emu = await Emulator.start({ args });
  js = v3(emu);
  qs = v3q(emu);
  return { js, qs };
}

/** Sends `n` messages in batches of 10, 20 requests at a time; FIFO: one message group per batch. */
async function fill(js: SQSClient, QueueUrl: string, n: number, group?: string): Promise<void> {
  const batches = Array.from({ length: Math.ceil(n / 10) }, (_, b) =>
    Array.from({ length: Math.min(10, n - b * 10) }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${b * 10 + i}`, MessageGroupId: group && `${group}-${b}` })),
  );
  for (let i = 0; i < batches.length; i += 20) {
    await Promise.all(batches.slice(i, i + 20).map((Entries) => js.send(new SendMessageBatchCommand({ QueueUrl, Entries }))));
  }
}

describe('in-flight cap', () => {
  it('a standard queue at its cap answers OverLimit until a message leaves flight (JSON, Query)', async () => {
    const { js, qs } = await start(['--sqs-max-inflight', '15']);
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('cap') }));
    await fill(js, QueueUrl!, 20);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toHaveLength(10);
    const last = await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(last.Messages).toHaveLength(5);
    const text = 'Too many messages have been received without being deleted.\nPlease delete your received messages or let them timeout before receiving more.';
    const j = await caught(() => js.send(new ReceiveMessageCommand({ QueueUrl })));
    const q = await caught(() => qs.send(new Q.ReceiveMessageCommand({ QueueUrl })));
    expect([j.Code, j.status, j.text]).toEqual(['OverLimit', 403, text]);
    expect([q.Code, q.status, q.text]).toEqual(['OverLimit', 403, text]);
    // A long poll at the cap is not an error: it ends empty at its deadline.
    const long = js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
    expect(await settlesWithin(long, 100)).toBe(false);
    await emu!.advance(2_000);
    expect((await long).Messages).toBeUndefined();
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: last.Messages![0].ReceiptHandle! }));
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toHaveLength(1);
  });

  it('a FIFO queue stops returning messages at its cap (--sqs-max-inflight-fifo 2000), without an error', async () => {
    const { js, qs } = await start(['--sqs-max-inflight-fifo', '2000']);
    const { QueueUrl } = await js.send(
      new CreateQueueCommand({ QueueName: uniq('capf', true), Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }),
    );
    await fill(js, QueueUrl!, 2_005, 'g');
    let received = 0;
    for (let i = 0; i < 200; i += 20) {
      const rs = await Promise.all(Array.from({ length: 20 }, () => js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }))));
      received += rs.reduce((n, r) => n + (r.Messages?.length ?? 0), 0);
    }
    expect(received).toBe(2_000);
    expect((await qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();
  }, 120_000);

  it('0 lifts the cap', async () => {
    const { js } = await start(['--sqs-max-inflight', '0']);
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('nocap') }));
    await fill(js, QueueUrl!, 30);
    let received = 0;
    for (let i = 0; i < 3; i++) received += (await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages?.length ?? 0;
    expect(received).toBe(30);
  });
});
