/**
 * How cost grows: receive latency against queue depth, fetch latency at the head and tail of a
 * large partition, ops latency among many queues and many partitions, RSS with a million
 * messages stored, and restart time with that data. Where the small and the large case can
 * coexist they are probed interleaved, request by request, so machine noise hits both alike.
 */
import { rmSync } from 'node:fs';
import { runLoad, runLoadStrict, sqsJson, type ReqTemplate, type Scenario } from '../http/load.js';
import { kafkajs } from '../kafka/kafkajs.js';
import { kcatProduce, recordsFile } from '../kafka/kcat.js';
import { RawKafka } from '../kafka/raw-client.js';
import { atMost, type Report } from '../lib/report.js';
import { Samples, summarize, type LatencySummary } from '../lib/stats.js';
import { size, startEmulator, step, type Ctx } from './common.js';
import { createQueue, sendBatchJson, sendJson } from './sqs.js';

const S = 'Scale';
const FLAT = atMost(2, '<= 2x', 'ratio');

/** p50/p99 of each template, one connection cycling through them. */
async function latencies(url: string, requests: ReqTemplate[], perTemplate: number): Promise<LatencySummary[]> {
  const scenario: Scenario = { kind: 'requests', requests };
  const r = await runLoad({ url, connections: 1, durationMs: 60_000, maxOps: perTemplate * requests.length, scenario, latency: true });
  if (r.errors) throw new Error(`${r.errors} failed: ${r.firstError}`);
  return r.byTemplate!;
}

const receive = (queueUrl: string, randomRange?: number): ReqTemplate => ({
  path: '/',
  headers: sqsJson('ReceiveMessage'),
  body: JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }),
  randomRange,
});

/** Single Fetches rotating over `targets` (a random partition of each, at `offset`). */
async function fetchLatencies(broker: string, targets: { topic: string; partitions: number; offset: bigint }[], perTarget: number): Promise<LatencySummary[]> {
  const c = await RawKafka.connect(broker);
  try {
    const samples = targets.map(() => new Samples(perTarget));
    for (let i = 0; i < perTarget * targets.length; i++) {
      const t = targets[i % targets.length];
      const p = Math.floor(Math.random() * t.partitions);
      const s = performance.now();
      const r = await c.fetch(t.topic, p, t.offset, 64 * 1024);
      samples[i % targets.length].add(performance.now() - s);
      if (r.error || r.bytes === 0) throw new Error(`fetch ${t.topic}[${p}]@${t.offset}: error ${r.error}, ${r.bytes} bytes`);
    }
    return samples.map((x) => summarize(x.values()));
  } finally {
    c.close();
  }
}

function addLatency(report: Report, name: string, l: LatencySummary, base?: LatencySummary, judged = false): void {
  report.add({ section: S, name: `${name} p50`, value: l.p50, unit: 'ms', baseline: base && { name: 'small', value: base.p50 }, target: judged ? FLAT : undefined });
  report.add({ section: S, name: `  same, p99`, value: l.p99, unit: 'ms', baseline: base && { name: 'small', value: base.p99 } });
}

export async function scaleSuite(ctx: Ctx): Promise<void> {
  const { report } = ctx;
  const depths = ctx.quick ? [10, 1_000, 20_000] : [10, 10_000, 1_000_000];
  const kafkaRecords = size(ctx, 1_000_000, 20_000);
  const nQueues = size(ctx, 10_000, 500);
  const nPartitions = size(ctx, 1000, 100);
  const probes = size(ctx, 500, 100);

  let emu = await startEmulator(ctx, 'scale');
  const coldReady = emu.readyMs;
  await new Promise((r) => setTimeout(r, 1000));
  const idleRss = emu.rssMB();
  try {
    const url = emu.sqsEndpoint;
    const broker = emu.kafkaBroker;

    // Queue depth. Each fill is bounded in time too; a slow server gets a shallower queue, reported as such.
    const queues: string[] = [];
    const filled: number[] = [];
    for (const depth of depths) {
      const q = await createQueue(url, `depth-${depth}`);
      const fill = await step(ctx, S, `fill queue with ${depth} messages (SendMessageBatch, c=8)`, () =>
        runLoadStrict({ url, connections: 8, durationMs: size(ctx, 240_000, 60_000), maxOps: Math.ceil(depth / 10), scenario: { kind: 'requests', requests: [sendBatchJson(q, Math.min(10, depth))] } }),
      );
      if (!fill) continue;
      queues.push(q);
      filled.push(fill.messages);
      if (depth === depths[depths.length - 1]) {
        report.add({ section: S, name: `SendMessageBatch fill of ${fill.messages} messages, c=8`, value: fill.messagesPerSec, unit: 'msg/s' });
        report.add({ section: S, name: `RSS with ${fill.messages} SQS messages stored`, value: emu.rssMB(), unit: 'MB', baseline: { name: 'empty', value: idleRss } });
      }
    }
    const depthLat = await step(ctx, S, `receive latency at depths ${filled.join(', ')} (interleaved)`, () => latencies(url, queues.map((q) => receive(q)), probes), FLAT);
    if (depthLat) {
      for (const [i, l] of depthLat.entries()) {
        addLatency(report, `ReceiveMessage(10) with ${filled[i]} in queue`, l, i ? depthLat[0] : undefined, i === depthLat.length - 1);
      }
    }

    // Partition size: one 100-record batch per fetch, at the first and at the last offset.
    const kafkaUp = await step(ctx, S, 'Kafka endpoint answers ApiVersions', async () => (await RawKafka.connect(broker)).close() ?? true);
    const file = kafkaUp && (await step(ctx, S, 'records file', () => recordsFile(100, kafkaRecords)));
    if (file) {
      await step(ctx, S, 'create topic big', () => kafkajs({ op: 'createTopics', broker, topics: [{ topic: 'big', partitions: 1 }] }));
      const p = await step(ctx, S, `kcat produce ${kafkaRecords} × 100 B (100-record batches)`, () =>
        kcatProduce(broker, 'big', file, kafkaRecords, 100, ['acks=1', 'batch.num.messages=100']),
      );
      if (p) {
        report.add({ section: S, name: `RSS with ${filled[filled.length - 1] ?? 0} SQS msgs + ${kafkaRecords} Kafka records`, value: emu.rssMB(), unit: 'MB', baseline: { name: 'empty', value: idleRss } });
        const ends = [{ topic: 'big', partitions: 1, offset: 0n }, { topic: 'big', partitions: 1, offset: BigInt(kafkaRecords - 1) }];
        const f = await step(ctx, S, 'fetch latency at head and tail (interleaved)', () => fetchLatencies(broker, ends, probes), FLAT);
        if (f) {
          report.add({ section: S, name: `Fetch at offset 0 of ${kafkaRecords} p50`, value: f[0].p50, unit: 'ms' });
          addLatency(report, `Fetch at offset ${kafkaRecords - 1} (tail)`, f[1], f[0], true);
        }
      }
    }

    // Many queues: the same calls on one queue before creating them, then spread over all of them.
    const one = await createQueue(url, 'one');
    const prefix = one.slice(0, -'one'.length);
    const base = await step(ctx, S, 'SendMessage/ReceiveMessage latency, 1 queue', () => latencies(url, [sendJson(one), receive(one)], probes));
    const created = await step(ctx, S, `CreateQueue ×${nQueues}`, () =>
      runLoadStrict({ url, connections: 8, durationMs: 300_000, maxOps: nQueues, scenario: { kind: 'requests', requests: [{ path: '/', headers: sqsJson('CreateQueue'), body: '{"QueueName":"many-{i}"}' }] } }),
    );
    if (created) {
      report.add({ section: S, name: `CreateQueue ×${nQueues}, c=8`, value: created.opsPerSec, unit: 'req/s' });
      const spread = [{ ...sendJson(`${prefix}many-{r}`), randomRange: nQueues }, receive(`${prefix}many-{r}`, nQueues)];
      const l = await step(ctx, S, `SendMessage/ReceiveMessage latency over ${nQueues} queues`, () => latencies(url, spread, probes), FLAT);
      if (l) {
        addLatency(report, `SendMessage to random one of ${nQueues} queues`, l[0], base?.[0], true);
        addLatency(report, `ReceiveMessage from random one of ${nQueues} queues`, l[1], base?.[1]);
      }
    }

    // Many partitions: one topic of nPartitions against one of a single partition, interleaved.
    const topics = kafkaUp && (await step(ctx, S, `create topics p1, p${nPartitions}`, async () => {
      await kafkajs({ op: 'createTopics', broker, topics: [{ topic: 'p1', partitions: 1 }, { topic: 'pmany', partitions: nPartitions }] });
      await kafkajs({ op: 'seed', broker, topic: 'p1', partitions: 1 });
      await kafkajs({ op: 'seed', broker, topic: 'pmany', partitions: nPartitions });
      return true;
    }));
    if (topics) {
      const targets = [{ topic: 'p1', partitions: 1 }, { topic: 'pmany', partitions: nPartitions }];
      const pl = await step(ctx, S, `produce latency, 1 vs ${nPartitions} partitions`, () =>
        kafkajs({ op: 'latency', broker, targets, count: probes * 2, size: 100, acks: 1, maxMs: 60_000 }), FLAT);
      if (pl) {
        report.add({ section: S, name: 'kafkajs produce, 1-partition topic p50', value: pl[0].p50, unit: 'ms' });
        addLatency(report, `kafkajs produce to random one of ${nPartitions} partitions`, pl[1], pl[0], true);
      }
      const fl = await step(ctx, S, `fetch latency, 1 vs ${nPartitions} partitions`, () =>
        fetchLatencies(broker, targets.map((t) => ({ ...t, offset: 0n })), probes), FLAT);
      if (fl) {
        report.add({ section: S, name: 'Fetch, 1-partition topic p50', value: fl[0].p50, unit: 'ms' });
        addLatency(report, `Fetch from random one of ${nPartitions} partitions`, fl[1], fl[0], true);
      }
    }

    // Restart over everything stored above.
    await step(ctx, S, 'restart with data', async () => {
      await emu.stop({ keepData: true });
      emu = await startEmulator(ctx, 'scale-restart', { dataDir: emu.dataDir });
      report.add({ section: S, name: 'restart → ready with all of the above stored', value: emu.readyMs, unit: 'ms', baseline: { name: 'empty', value: coldReady }, target: atMost(1000, '<= 1000 ms') });
      await new Promise((r) => setTimeout(r, 1000));
      report.add({ section: S, name: '  RSS 1 s after restart', value: emu.rssMB(), unit: 'MB', baseline: { name: 'empty', value: idleRss } });
    });
  } finally {
    await emu.stop();
    rmSync(emu.dataDir, { recursive: true, force: true });
  }
}
