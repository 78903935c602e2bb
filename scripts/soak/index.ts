/**
 * `node dist/scripts/soak/index.js [--minutes 10] [--interval-s 30] [--rate 200]`: mixed load for
 * a fixed time against a spawned Tandem (real clock): SQS standard and FIFO send, receive and
 * delete, Kafka acks=-1 produce and fetch, at a bounded request rate. Each interval it samples
 * the process's RSS (VmRSS) and the p99 latency of the requests of that interval, and at the end
 * says whether both stayed flat: RSS of the last third within 20% (and 40 MiB) of the first third
 * after warm-up, p99 of the last third within 2x of the first third. Exits 1 when not flat.
 * Beside RSS each interval records its anonymous/file split and the process's own view (JS heap in
 * use and committed, external memory, from /metrics), so a growth can be attributed: committed
 * JS heap, Buffers, or native memory (LevelDB, allocator) = anonymous − committed heap − external.
 * `--only sqs|kafka` runs one engine's share of the load alone.
 */
import { readFileSync } from 'node:fs';
import { Emulator } from '../../compat-tests/harness/emulator.js';
import { decodeBatches, encodeBatch } from '../../kafka-shim/src/records/index.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';

function arg(name: string, def: string): number {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? process.argv[i + 1] : def);
}
const minutes = arg('minutes', '10');
const intervalMs = arg('interval-s', '30') * 1000;
/** Requests per second across all workers (bounded so a soak measures leaks, not saturation). */
const rate = arg('rate', '200');
/** `--only sqs` or `--only kafka`: one engine's load alone (to tell which one a growth comes from). */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const kinds = [0, 1, 2, 3, 4, 5].filter((k) => (only === 'sqs' ? k < 4 : only === 'kafka' ? k >= 4 : true));

/** VmRSS and its split (Linux /proc/PID/status): RssAnon is the process's own allocations (heap,
 * Buffers, LevelDB's memtables and cache); RssFile is file pages mapped into it (LevelDB mmaps its
 * table files for reads), which the kernel can drop at any time and does not count as a leak. */
const status = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? -1024) / 1024;
const rss = (pid: number) => status(pid, 'VmRSS');

const emu = await Emulator.start({ realClock: true, readyTimeoutMs: 120_000 });
let latencies: number[] = [];
let errors = 0;
const rows: { t: number; rssMiB: number; anonMiB: number; fileMiB: number; heapMiB: number; heapTotalMiB: number; externalMiB: number; p99Ms: number; requests: number }[] = [];

/** JS heap in use, from the process's own /metrics (prom-client's default metrics): RSS that
 * grows while the heap does not is the allocator's or the storage engine's, not a JS leak. */
async function metricsMiB(): Promise<{ heap: number; heapTotal: number; external: number }> {
  try {
    const text = await (await fetch(`${emu.sqsEndpoint}/metrics`)).text();
    const get = (name: string) => {
      const m = new RegExp(`^${name}\\s+([0-9.e+]+)`, 'm').exec(text);
      return m ? Math.round(Number(m[1]) / 1048576) : -1;
    };
    return { heap: get('nodejs_heap_size_used_bytes'), heapTotal: get('nodejs_heap_size_total_bytes'), external: get('nodejs_external_memory_bytes') };
  } catch {
    return { heap: -1, heapTotal: -1, external: -1 };
  }
}

async function sqs(op: string, body: object): Promise<any> {
  const res = await fetch(emu.sqsEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` },
    body: JSON.stringify(body),
  });
  const out = (await res.json()) as any;
  if (!res.ok) throw new Error(`${op}: ${JSON.stringify(out)}`);
  return out;
}

async function timed<T>(f: () => Promise<T>): Promise<T | undefined> {
  const t0 = performance.now();
  try {
    return await f();
  } catch {
    errors++;
    return undefined;
  } finally {
    latencies.push(performance.now() - t0);
  }
}

const std = (await sqs('CreateQueue', { QueueName: 'soak-std' })).QueueUrl;
const fifo = (await sqs('CreateQueue', { QueueName: 'soak.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } })).QueueUrl;
const admin = await RawClient.connect(emu.kafkaPort);
// Retention keeps the log at a steady size, so growth measured is the process's, not the data's.
const configs = [
  { name: 'retention.bytes', value: String(2 * 1024 * 1024) },
  // Kafka 4's minimum segment.bytes is 1 MiB (256 KiB was refused, leaving the Kafka load failing on a missing topic).
  { name: 'segment.bytes', value: String(1024 * 1024) },
];
const created = await admin.call(19, 4, { topics: [{ name: 'soak', numPartitions: 3, replicationFactor: 1, assignments: [], configs }], timeoutMs: 5000, validateOnly: false });
if (created.body.topics[0].errorCode !== 0) throw new Error(`CreateTopics: ${JSON.stringify(created.body.topics[0])}`);
admin.close();

const end = Date.now() + minutes * 60_000;
const perWorkerGapMs = (6 * 1000) / rate;
let n = 0;

async function worker(kind: number): Promise<void> {
  const kafka = kind >= 4 ? await RawClient.connect(emu.kafkaPort) : undefined;
  const offsets = [0, 0, 0];
  while (Date.now() < end) {
    const t0 = Date.now();
    n++;
    switch (kind) {
      case 0:
      case 1: {
        const url = kind === 0 ? std : fifo;
        await timed(() => sqs('SendMessageBatch', { QueueUrl: url, Entries: Array.from({ length: 5 }, (_, i) => ({ Id: String(i), MessageBody: `m${n}-${i}`, ...(kind === 1 ? { MessageGroupId: `g${n % 8}` } : {}) })) }));
        break;
      }
      case 2:
      case 3: {
        const url = kind === 2 ? std : fifo;
        const got = await timed(() => sqs('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const msgs = (got?.Messages ?? []) as any[];
        if (msgs.length) await timed(() => sqs('DeleteMessageBatch', { QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
        break;
      }
      case 4: {
        const p = n % 3;
        // An error code counts as an error: a soak whose produces all fail measures nothing.
        await timed(async () => {
          const res = await kafka!.call(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'soak', partitionData: [{ index: p, records: encodeBatch({ records: Array.from({ length: 10 }, (_, i) => ({ value: `v${n}-${i}` })) }) }] }] });
          const code = res.body.responses[0]?.partitionResponses[0]?.errorCode;
          if (code !== 0) throw new Error(`Produce: error ${code}`);
        });
        break;
      }
      default: {
        const p = n % 3;
        const res = await timed(() => kafka!.call(1, 4, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, topics: [{ topic: 'soak', partitions: [{ partition: p, fetchOffset: offsets[p], partitionMaxBytes: 1 << 20 }] }] }));
        const part = res?.body.responses[0].partitions[0];
        for (const b of decodeBatches(part?.records ?? Buffer.alloc(0))) for (const r of b.records) offsets[p] = Math.max(offsets[p], r.offset + 1);
        break;
      }
    }
    const wait = perWorkerGapMs - (Date.now() - t0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  kafka?.close();
}

const sampler = setInterval(async () => {
  const m = await metricsMiB();
  const sorted = latencies.sort((a, b) => a - b);
  const p99 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] : 0;
  rows.push({ t: rows.length + 1, rssMiB: Math.round(rss(emu.proc.pid!)), anonMiB: Math.round(status(emu.proc.pid!, 'RssAnon')), fileMiB: Math.round(status(emu.proc.pid!, 'RssFile')), heapMiB: m.heap, heapTotalMiB: m.heapTotal, externalMiB: m.external, p99Ms: Math.round(p99 * 10) / 10, requests: sorted.length });
  console.error(JSON.stringify(rows.at(-1)));
  latencies = [];
}, intervalMs);

/** What the process legitimately holds at the end: SQS backlog and Kafka log extent. */
const held: Record<string, unknown> = {};
try {
  await Promise.all(kinds.map(worker));
  for (const [name, url] of [['std', std], ['fifo', fifo]]) {
    const a = (await sqs('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] })).Attributes;
    held[`sqs.${name}`] = a;
  }
  // A fresh connection: one idle for the whole run is closed by connections.max.idle.ms.
  const admin = await RawClient.connect(emu.kafkaPort);
  const lo = await admin.call(2, 1, { replicaId: -1, topics: [{ name: 'soak', partitions: [0, 1, 2].map((p) => ({ partitionIndex: p, timestamp: -2 })) }] });
  const hi = await admin.call(2, 1, { replicaId: -1, topics: [{ name: 'soak', partitions: [0, 1, 2].map((p) => ({ partitionIndex: p, timestamp: -1 })) }] });
  held.kafkaRecordsProduced = hi.body.topics[0].partitions.reduce((n: number, p: { offset: number }) => n + Number(p.offset), 0);
  held.kafkaRecordsRetained = (held.kafkaRecordsProduced as number) - lo.body.topics[0].partitions.reduce((n: number, p: { offset: number }) => n + Number(p.offset), 0);
  admin.close();
} finally {
  clearInterval(sampler);
  await emu.stop();
}

// Flat: compare the last third of the intervals with the first third after a warm-up interval.
const body = rows.slice(1);
const third = Math.max(1, Math.floor(body.length / 3));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const rssEarly = avg(body.slice(0, third).map((r) => r.rssMiB));
const rssLate = avg(body.slice(-third).map((r) => r.rssMiB));
const p99Early = avg(body.slice(0, third).map((r) => r.p99Ms));
const p99Late = avg(body.slice(-third).map((r) => r.p99Ms));
const rssFlat = rssLate - rssEarly <= Math.max(40, rssEarly * 0.2);
const p99Flat = p99Late <= Math.max(2 * p99Early, p99Early + 20);
console.log(
  JSON.stringify(
    { minutes, intervalS: intervalMs / 1000, rate, requests: n, errors, held, rssMiB: { early: Math.round(rssEarly), late: Math.round(rssLate), flat: rssFlat }, p99Ms: { early: Math.round(p99Early), late: Math.round(p99Late), flat: p99Flat }, intervals: rows },
    null,
    1,
  ),
);
process.exitCode = rssFlat && p99Flat ? 0 : 1;
