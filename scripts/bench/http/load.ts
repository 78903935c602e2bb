/** Runs the HTTP load generator (load-worker.ts) in a worker thread and waits for its result. */
import { Worker } from 'node:worker_threads';
import { summarize, type LatencySummary } from '../lib/stats.js';

export interface ReqTemplate {
  path: string;
  headers: Record<string, string>;
  /** `{i}` becomes a sequence number, `{r}` a random integer below `randomRange`. */
  body: string;
  randomRange?: number;
  /** Messages one request carries (10 for a full SendMessageBatch). */
  messages?: number;
}

export type Scenario =
  | { kind: 'requests'; requests: ReqTemplate[] }
  /** SendMessageBatch → ReceiveMessage → DeleteMessageBatch; counts deleted messages. */
  | { kind: 'sqs-cycle'; queueUrl: string; batch: number; body: string }
  /** The same cycle in the Query protocol (form/XML), for peers that only speak it. */
  | { kind: 'sqs-cycle-query'; queueUrl: string; batch: number; body: string }
  /** SendMessage through @aws-sdk/client-sqs. */
  | { kind: 'sdk-send'; queueUrl: string; body: string };

export interface LoadSpec {
  url: string;
  connections: number;
  durationMs: number;
  maxOps: number;
  scenario: Scenario;
  latency?: boolean;
  /** Sent with every request (moto picks the service it emulates from a SigV4 Authorization header). */
  headers?: Record<string, string>;
}

export interface LoadResult {
  ops: number;
  errors: number;
  ms: number;
  opsPerSec: number;
  messages: number;
  messagesPerSec: number;
  /** Per-operation latencies in ms when the spec asked for them, one array per request template
   * (a single connection cycling through templates measures them interleaved). */
  samples?: Float64Array[];
  latency?: LatencySummary;
  byTemplate?: LatencySummary[];
  firstError?: string;
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: spec });
    w.once('message', (m: LoadResult & { fatal?: string }) => {
      void w.terminate();
      if (m.fatal) reject(new Error(m.fatal));
      else if (m.errors > 0 && m.ops === 0) reject(new Error(`all requests failed: ${m.firstError}`));
      else resolve(withSummaries(m));
    });
    w.once('error', reject);
  });
}

/** One result for several runs of the same spec: totals, and latencies over all samples. */
export function merge(rs: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => rs.reduce((a, r) => a + f(r), 0);
  const ops = sum((r) => r.ops);
  const ms = sum((r) => r.ms);
  const messages = sum((r) => r.messages);
  const withSamples = rs.filter((r) => r.samples);
  const samples = withSamples.length
    ? withSamples[0].samples!.map((_, t) => Float64Array.from(withSamples.flatMap((r) => [...r.samples![t]])))
    : undefined;
  return withSummaries({
    ops,
    errors: sum((r) => r.errors),
    ms,
    opsPerSec: (ops / ms) * 1000,
    messages,
    messagesPerSec: (messages / ms) * 1000,
    samples,
    firstError: rs.find((r) => r.firstError)?.firstError,
  });
}

function withSummaries(r: LoadResult): LoadResult {
  if (!r.samples) return r;
  const all = new Float64Array(r.samples.reduce((a, x) => a + x.length, 0));
  r.samples.reduce((o, x) => (all.set(x, o), o + x.length), 0);
  return { ...r, latency: summarize(all), byTemplate: r.samples.map((x) => summarize(x)) };
}

/**
 * Several specs measured in alternating short slices (A B, B A, A B, ...) rather than one after the
 * other, so a burst of load from elsewhere on a shared machine hits baseline and subject alike.
 */
export async function runPaired(specs: LoadSpec[], rounds: number): Promise<LoadResult[]> {
  const runs: LoadResult[][] = specs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const order = specs.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) runs[i].push(await runLoad(specs[i]));
  }
  return runs.map(merge);
}

/** A load run that must succeed entirely (used to fill queues). */
export async function runLoadStrict(spec: LoadSpec): Promise<LoadResult> {
  const r = await runLoad(spec);
  if (r.errors) throw new Error(`${r.errors} failed requests: ${r.firstError}`);
  return r;
}

export const sqsJson = (action: string): Record<string, string> => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `AmazonSQS.${action}`,
});

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** One JSON-protocol call from the bench process itself (setup, not measured). */
export async function sqsCall(endpoint: string, action: string, payload: unknown, extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(endpoint, { method: 'POST', headers: { ...sqsJson(action), ...extra }, body: JSON.stringify(payload) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${action} -> ${res.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
