/**
 * SQS throughput and latency over keep-alive HTTP, against a bare node:http server returning a
 * canned response (the ceiling of any HTTP service in Node on this machine).
 */
import { randomBytes } from 'node:crypto';
import { FORM, runPaired, sqsCall, sqsJson, type LoadResult, type LoadSpec, type Scenario } from '../http/load.js';
import { cpuSeconds, startNodeServer, stopChild } from '../lib/procs.js';
import { atLeast, atMost, type Target } from '../lib/report.js';
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
  const rounds = size(ctx, 5, 2);
  const sliceMs = size(ctx, 1000, 300);
  const latencyOps = size(ctx, 1000, 200);
  const tput = (url: string, scenario: Scenario): LoadSpec => ({ url, connections: conns, durationMs: sliceMs, maxOps: 10_000_000, scenario });
  const lat = (url: string, scenario: Scenario): LoadSpec => ({ url, connections: 1, durationMs: 5000, maxOps: latencyOps, scenario, latency: true });
  /** Baseline and subject in alternating slices; undefined (and an ERROR row) if either failed. */
  const pair = async (name: string, base: LoadSpec, subject: LoadSpec, target?: Target) => {
    const r = await step(ctx, S, name, async () => (await runPaired([base, subject], rounds)).map(checked), target);
    return r && { base: r[0], subject: r[1] };
  };

  // The ceiling runs beside the emulator for the whole suite, idle except in its own slices.
  const bare = await startNodeServer('baselines/http-server.js');
  const emu = await startEmulator(ctx, 'sqs').catch(async (e) => {
    await stopChild(bare.proc);
    throw e;
  });
  try {
    const bareUrl = `http://127.0.0.1:${bare.line}`;
    const canned: Scenario = { kind: 'requests', requests: [sendJson(`${bareUrl}/000000000000/bench`)] };
    const url = emu.sqsEndpoint;
    const q = await createQueue(url, 'bench-send');
    const qCycle = await createQueue(url, 'bench-cycle');
    const qSdk = await createQueue(url, 'bench-sdk');
    const send: Scenario = { kind: 'requests', requests: [sendJson(q)] };
    const bareTput = tput(bareUrl, canned);
    await step(ctx, S, 'warm-up', () => runPaired([bareTput, tput(url, send)], 1));

    const sendTarget = atLeast(0.5, '>= 0.5x bare');
    const cpu0 = [emu.cpuSeconds(), cpuSeconds(bare.proc.pid!)];
    const sm = await pair('SendMessage vs bare', bareTput, tput(url, send), sendTarget);
    // Each server idles through the other's slices, so its CPU over the pair is CPU during its own slices.
    const cpu = [emu.cpuSeconds() - cpu0[0], cpuSeconds(bare.proc.pid!) - cpu0[1]];
    if (sm) {
      const share = (s: number, ms: number) => `${Math.round((s / ms) * 100_000)}%`;
      report.add({ section: S, name: `bare node:http canned response, c=${conns}`, value: sm.base.opsPerSec, unit: 'req/s', note: `baseline, server CPU ${share(cpu[1], sm.base.ms)}` });
      report.add({ section: S, name: `SendMessage JSON, c=${conns}`, value: sm.subject.opsPerSec, unit: 'req/s', baseline: { name: 'bare', value: sm.base.opsPerSec }, target: sendTarget, note: `emulator CPU ${share(cpu[0], sm.subject.ms)}` });
    }

    const smb = await pair('SendMessageBatch vs bare', bareTput, tput(url, { kind: 'requests', requests: [sendBatchJson(q)] }));
    if (smb) {
      report.add({ section: S, name: `SendMessageBatch(10) JSON, c=${conns}`, value: smb.subject.opsPerSec, unit: 'req/s', baseline: { name: 'bare', value: smb.base.opsPerSec } });
      report.add({ section: S, name: '  messages sent by batches', value: smb.subject.messagesPerSec, unit: 'msg/s' });
    }

    // A cycle is three requests moving ten messages: the ceiling is a third of bare req/s, times ten.
    const cycle = await pair('send→receive→delete cycle vs bare', bareTput, tput(url, { kind: 'sqs-cycle', queueUrl: qCycle, batch: 10, body: BODY }));
    if (cycle) report.add({ section: S, name: `send(10)→receive(10)→delete(10), c=${conns}`, value: cycle.subject.messagesPerSec, unit: 'msg/s', baseline: { name: 'bare×10/3', value: (cycle.base.opsPerSec * 10) / 3 } });

    const p50Target = atMost(1, '<= 1 ms');
    const sl = await pair('SendMessage latency vs bare, 1 conn', lat(bareUrl, canned), lat(url, send), p50Target);
    if (sl?.subject.latency && sl.base.latency) {
      report.add({ section: S, name: 'SendMessage 1 conn p50 (persisted)', value: sl.subject.latency.p50, unit: 'ms', baseline: { name: 'bare', value: sl.base.latency.p50 }, target: p50Target });
      report.add({ section: S, name: '  same, p99', value: sl.subject.latency.p99, unit: 'ms', baseline: { name: 'bare', value: sl.base.latency.p99 } });
    }

    const recv: Scenario = { kind: 'requests', requests: [{ path: '/', headers: sqsJson('ReceiveMessage'), body: JSON.stringify({ QueueUrl: q, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }) }] };
    const rl = await pair('ReceiveMessage latency vs bare, 1 conn', lat(bareUrl, canned), lat(url, recv));
    if (rl?.subject.latency && rl.base.latency) {
      report.add({ section: S, name: 'ReceiveMessage(10) 1 conn p50', value: rl.subject.latency.p50, unit: 'ms', baseline: { name: 'bare', value: rl.base.latency.p50 } });
      report.add({ section: S, name: '  same, p99', value: rl.subject.latency.p99, unit: 'ms', baseline: { name: 'bare', value: rl.base.latency.p99 } });
    }

    const query: Scenario = {
      kind: 'requests',
      requests: [{ path: '/', headers: FORM, body: `Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(q)}&MessageBody=${encodeURIComponent(BODY)}` }],
    };
    const qs = await pair('SendMessage Query vs bare', bareTput, tput(url, query));
    if (qs) report.add({ section: S, name: `SendMessage Query (form/XML), c=${conns}`, value: qs.subject.opsPerSec, unit: 'req/s', baseline: { name: 'bare', value: qs.base.opsPerSec } });

    // Same server work as the lean JSON run: the gap is the SDK's own cost per call.
    const sdk = await pair('SendMessage @aws-sdk/client-sqs vs lean', tput(url, send), tput(url, { kind: 'sdk-send', queueUrl: qSdk, body: BODY }));
    if (sdk) report.add({ section: S, name: `SendMessage via @aws-sdk/client-sqs, c=${conns}`, value: sdk.subject.opsPerSec, unit: 'req/s', baseline: { name: 'lean JSON', value: sdk.base.opsPerSec } });
  } finally {
    await emu.stop();
    await stopChild(bare.proc);
  }
}
