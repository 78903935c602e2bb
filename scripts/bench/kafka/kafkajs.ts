/** Runs one kafkajs job (kafkajs-worker.ts) in a worker thread. */
import { Worker } from 'node:worker_threads';
import type { LatencySummary } from '../lib/stats.js';

export type KafkajsJob = { broker: string } & (
  | { op: 'createTopics'; topics: { topic: string; partitions: number }[] }
  | { op: 'produce'; topic: string; count: number; size: number; acks: number; batch: number; inflight: number }
  | { op: 'consume'; topic: string; count: number; timeoutMs: number }
  /** Sequential single-record sends, rotating over `targets` (so they are measured interleaved). */
  | { op: 'latency'; targets: { topic: string; partitions: number }[]; count: number; size: number; acks: number; maxMs: number }
  | { op: 'seed'; topic: string; partitions: number }
);

export function kafkajs(job: Extract<KafkajsJob, { op: 'produce' }>): Promise<{ ms: number }>;
export function kafkajs(job: Extract<KafkajsJob, { op: 'consume' }>): Promise<{ ms: number; joinMs: number; records: number }>;
export function kafkajs(job: Extract<KafkajsJob, { op: 'latency' }>): Promise<LatencySummary[]>;
export function kafkajs(job: KafkajsJob): Promise<unknown>;
export function kafkajs(job: KafkajsJob): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./kafkajs-worker.js', import.meta.url), { workerData: job });
    w.once('message', (m: { ok?: unknown; fatal?: string }) => {
      void w.terminate();
      if (m.fatal !== undefined) reject(new Error(`kafkajs ${job.op}: ${m.fatal}`));
      else resolve(m.ok);
    });
    w.once('error', reject);
  });
}
