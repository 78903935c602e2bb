/**
 * The HTTP load generator, run in a worker thread so its CPU is not the event loop of the bench
 * (the servers under test are child processes). N keep-alive connections each run one operation
 * at a time; the run stops by itself at `durationMs` or `maxOps`, whichever comes first.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { Samples } from '../lib/stats.js';
import type { LoadResult, LoadSpec, ReqTemplate } from './load.js';

const spec = workerData as LoadSpec;
const base = new URL(spec.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections });
const MAX_ERRORS = 50;

interface Res {
  status: number;
  body: string;
}

function request(path: string, headers: Record<string, string>, body: string): Promise<Res> {
  return new Promise((resolve, reject) => {
    const buf = Buffer.from(body);
    const req = http.request(
      { host: base.hostname, port: base.port, method: 'POST', path, agent, headers: { ...headers, 'content-length': buf.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(buf);
  });
}

let seq = 0;
function expand(t: ReqTemplate): string {
  const i = seq++;
  return t.body
    .replaceAll('{i}', String(i))
    .replaceAll('{r}', () => String(Math.floor(Math.random() * (t.randomRange ?? 1))));
}

const JSON_HEADERS = (action: string) => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `AmazonSQS.${action}`,
});

async function jsonCall(action: string, payload: unknown): Promise<Record<string, unknown>> {
  const r = await request('/', JSON_HEADERS(action), JSON.stringify(payload));
  if (r.status !== 200) throw new Error(`${action} -> ${r.status} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body) as Record<string, unknown>;
}

/** Resolves with the messages the operation moved; `tag` says which request template it was. */
type Op = () => Promise<number>;
let tag = 0;

async function makeOp(): Promise<Op> {
  const sc = spec.scenario;
  switch (sc.kind) {
    case 'requests': {
      let k = 0;
      return async () => {
        tag = k++ % sc.requests.length;
        const t = sc.requests[tag];
        const r = await request(t.path, t.headers, expand(t));
        if (r.status < 200 || r.status > 299) throw new Error(`${r.status} ${r.body.slice(0, 300)}`);
        return t.messages ?? 1;
      };
    }
    case 'sqs-cycle': {
      const entries = Array.from({ length: sc.batch }, (_, j) => ({ Id: `m${j}`, MessageBody: sc.body }));
      return async () => {
        await jsonCall('SendMessageBatch', { QueueUrl: sc.queueUrl, Entries: entries });
        const got = await jsonCall('ReceiveMessage', { QueueUrl: sc.queueUrl, MaxNumberOfMessages: sc.batch, VisibilityTimeout: 60, WaitTimeSeconds: 0 });
        const msgs = (got.Messages ?? []) as { ReceiptHandle: string }[];
        if (msgs.length === 0) return 0;
        const del = await jsonCall('DeleteMessageBatch', {
          QueueUrl: sc.queueUrl,
          Entries: msgs.map((m, j) => ({ Id: `d${j}`, ReceiptHandle: m.ReceiptHandle })),
        });
        const failed = (del.Failed ?? []) as unknown[];
        if (failed.length) throw new Error(`DeleteMessageBatch failed ${failed.length}: ${JSON.stringify(failed[0])}`);
        return msgs.length;
      };
    }
    case 'sdk-send': {
      // The SDK's notice about future Node versions would interleave with the bench's progress lines.
      process.removeAllListeners('warning');
      const { SQSClient, SendMessageCommand } = await import('@aws-sdk/client-sqs');
      const client = new SQSClient({
        endpoint: spec.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
        requestHandler: { httpAgent: agent },
      });
      return async () => {
        await client.send(new SendMessageCommand({ QueueUrl: sc.queueUrl, MessageBody: sc.body }));
        return 1;
      };
    }
  }
}

async function main(): Promise<LoadResult> {
  const op = await makeOp();
  const templates = spec.scenario.kind === 'requests' ? spec.scenario.requests.length : 1;
  const latencies = spec.latency ? Array.from({ length: templates }, () => new Samples(Math.min(spec.maxOps, 1 << 20))) : undefined;
  let started = 0;
  let ops = 0;
  let messages = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + spec.durationMs;
  const loop = async () => {
    while (started < spec.maxOps && errors < MAX_ERRORS && performance.now() < deadline) {
      started++;
      const s = performance.now();
      try {
        // Not `messages += await op()`: that reads `messages` before the await, losing the other loops' counts.
        const m = await op();
        messages += m;
        ops++;
        latencies?.[tag].add(performance.now() - s);
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, loop));
  const ms = performance.now() - t0;
  agent.destroy();
  return {
    ops,
    errors,
    ms,
    opsPerSec: (ops / ms) * 1000,
    messages,
    messagesPerSec: (messages / ms) * 1000,
    samples: latencies?.map((l) => l.values().slice()),
    firstError,
  };
}

main().then(
  (r) => parentPort!.postMessage(r, r.samples?.map((x) => x.buffer as ArrayBuffer) ?? []),
  (e) => parentPort!.postMessage({ fatal: e instanceof Error ? e.stack : String(e) }),
);
