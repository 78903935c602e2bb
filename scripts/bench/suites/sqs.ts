/**
 * SQS throughput and latency over keep-alive HTTP, against a bare node:http server returning a
 * canned response (the ceiling of any HTTP service in Node on this machine).
 */
import { randomBytes } from 'node:crypto';
import { FORM, runLoad, sqsCall, sqsJson, type LoadResult, type LoadSpec } from '../http/load.js';
import { startNodeServer, stopChild } from '../lib/procs.js';
import { atLeast, atMost } from '../lib/report.js';
import { size, startEmulator, step, type Ctx } from './common.js';

const S = 'SQS';
export const BODY = randomBytes(75).toString('base64'); // 100 bytes

export async function createQueue(endpoint: string, name: string): Promise<string> {
  const r = await sqsCall(endpoint, 'CreateQueue', { QueueName: name });
  return r.QueueUrl as string;
}

export const sendJson = (queueUrl: string, body = BODY) => ({ path: '/', headers: sqsJson('SendMessage'), body: JSON.stringify({ QueueUrl: queueUrl, MessageBody: body }) });

export const sendBatchJson = (queueUrl: string, n = 10) => ({
  path: '/',
  headers: sqsJson('SendMessageBatch'),
  body: JSON.stringify({ QueueUrl: queueUrl, Entries: Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MessageBody: BODY })) }),
  messages: n,
});

function checked(r: LoadResult): LoadResult {
  if (r.errors) throw new Error(`${r.errors} of ${r.ops + r.errors} requests failed: ${r.firstError}`);
  return r;
}

export async function sqsSuite(ctx: Ctx): Promise<void> {
  const { report } = ctx;
  const conns = size(ctx, 16, 8);
  const durationMs = size(ctx, 5000, 800);
  const latencyOps = size(ctx, 5000, 400);
  const throughput = (url: string, scenario: LoadSpec['scenario'], c = conns): LoadSpec => ({ url, connections: c, durationMs, maxOps: 10_000_000, scenario });
  const latency = (url: string, scenario: LoadSpec['scenario']): LoadSpec => ({ url, connections: 1, durationMs: 15_000, maxOps: latencyOps, scenario, latency: true });

  // The ceiling, measured with the same load generator just before the emulator.
  const bare = await startNodeServer('baselines/http-server.js');
  const bareUrl = `http://127.0.0.1:${bare.line}`;
  const canned = { kind: 'requests' as const, requests: [sendJson(`${bareUrl}/000000000000/bench`)] };
  let bareTput: LoadResult | undefined;
  let bareLat: LoadResult | undefined;
  try {
    await step(ctx, S, 'warm-up bare node:http', () => runLoad({ ...throughput(bareUrl, canned), durationMs: 500 }));
    bareTput = await step(ctx, S, `bare node:http canned, c=${conns}`, async () => checked(await runLoad(throughput(bareUrl, canned))));
    bareLat = await step(ctx, S, 'bare node:http canned, 1 conn', async () => checked(await runLoad(latency(bareUrl, canned))));
  } finally {
    await stopChild(bare.proc);
  }
  if (bareTput) report.add({ section: S, name: `bare node:http canned response, c=${conns}`, value: bareTput.opsPerSec, unit: 'req/s', note: 'baseline' });
  const ceiling = bareTput ? { name: 'bare', value: bareTput.opsPerSec } : undefined;

  const emu = await startEmulator(ctx, 'sqs');
  try {
    const url = emu.sqsEndpoint;
    const q = await createQueue(url, 'bench-send');
    const qCycle = await createQueue(url, 'bench-cycle');
    const qSdk = await createQueue(url, 'bench-sdk');
    const send = { kind: 'requests' as const, requests: [sendJson(q)] };
    await step(ctx, S, 'warm-up SendMessage', () => runLoad({ ...throughput(url, send), durationMs: size(ctx, 1000, 300) }));

    const sm = await step(ctx, S, 'SendMessage', async () => checked(await runLoad(throughput(url, send))), atLeast(0.5, '>= 0.5x bare'));
    if (sm) report.add({ section: S, name: `SendMessage JSON, c=${conns}`, value: sm.opsPerSec, unit: 'req/s', baseline: ceiling, target: atLeast(0.5, '>= 0.5x bare') });

    const batch = { kind: 'requests' as const, requests: [sendBatchJson(q)] };
    const smb = await step(ctx, S, 'SendMessageBatch', async () => checked(await runLoad(throughput(url, batch))));
    if (smb) {
      report.add({ section: S, name: `SendMessageBatch(10) JSON, c=${conns}`, value: smb.opsPerSec, unit: 'req/s', baseline: ceiling });
      report.add({ section: S, name: `  messages sent by batches`, value: smb.messagesPerSec, unit: 'msg/s' });
    }

    const cycle = await step(ctx, S, 'send→receive→delete cycle', async () =>
      checked(await runLoad(throughput(url, { kind: 'sqs-cycle', queueUrl: qCycle, batch: 10, body: BODY }))),
    );
    // A cycle is three requests moving ten messages: the ceiling is a third of bare req/s, times ten.
    if (cycle) report.add({ section: S, name: `send(10)→receive(10)→delete(10), c=${conns}`, value: cycle.messagesPerSec, unit: 'msg/s', baseline: bareTput && { name: 'bare×10/3', value: (bareTput.opsPerSec * 10) / 3 } });

    const lat = await step(ctx, S, 'SendMessage latency, 1 conn', async () => checked(await runLoad(latency(url, send))), atMost(1, 'p50 <= 1 ms'));
    if (lat?.latency) {
      report.add({ section: S, name: 'SendMessage 1 conn p50', value: lat.latency.p50, unit: 'ms', baseline: bareLat?.latency && { name: 'bare', value: bareLat.latency.p50 }, target: atMost(1, '<= 1 ms') });
      report.add({ section: S, name: 'SendMessage 1 conn p99', value: lat.latency.p99, unit: 'ms', baseline: bareLat?.latency && { name: 'bare', value: bareLat.latency.p99 } });
    }

    const recv = { kind: 'requests' as const, requests: [{ path: '/', headers: sqsJson('ReceiveMessage'), body: JSON.stringify({ QueueUrl: q, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }) }] };
    const rl = await step(ctx, S, 'ReceiveMessage latency, 1 conn', async () => checked(await runLoad(latency(url, recv))));
    if (rl?.latency) report.add({ section: S, name: 'ReceiveMessage(10) 1 conn p50', value: rl.latency.p50, unit: 'ms', baseline: bareLat?.latency && { name: 'bare', value: bareLat.latency.p50 } });

    const query = {
      kind: 'requests' as const,
      requests: [{ path: '/', headers: FORM, body: `Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(q)}&MessageBody=${encodeURIComponent(BODY)}` }],
    };
    const qs = await step(ctx, S, 'SendMessage Query', async () => checked(await runLoad(throughput(url, query))));
    if (qs) report.add({ section: S, name: `SendMessage Query (form/XML), c=${conns}`, value: qs.opsPerSec, unit: 'req/s', baseline: ceiling });

    const sdk = await step(ctx, S, 'SendMessage via @aws-sdk/client-sqs', async () =>
      checked(await runLoad(throughput(url, { kind: 'sdk-send', queueUrl: qSdk, body: BODY }))),
    );
    // Same server work as the lean JSON run: the gap is the SDK's own cost per call.
    if (sdk) report.add({ section: S, name: `SendMessage via @aws-sdk/client-sqs, c=${conns}`, value: sdk.opsPerSec, unit: 'req/s', baseline: sm && { name: 'lean JSON', value: sm.opsPerSec } });
  } finally {
    await emu.stop();
  }
}
