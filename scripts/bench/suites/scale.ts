/**
 * How cost grows: receive latency against queue depth, fetch latency at the head and tail of a
 * large partition, ops latency among many queues and many partitions, RSS with a million
 * messages stored, and restart time with that data.
 */
import { rmSync } from 'node:fs';
import { runLoad, runLoadStrict, sqsJson, type LoadResult } from '../http/load.js';
import { kafkajs } from '../kafka/kafkajs.js';
import { kcatProduce, recordsFile } from '../kafka/kcat.js';
import { RawKafka } from '../kafka/raw-client.js';
import { atMost, type Report } from '../lib/report.js';
import { Samples, summarize, type LatencySummary } from '../lib/stats.js';
import { size, startEmulator, step, type Ctx } from './common.js';
import { createQueue, sendBatchJson, sendJson } from './sqs.js';

const S = 'Scale';
const FLAT = atMost(2, '<= 2x', 'ratio');

async function latency(url: string, requests: Parameters<typeof runLoad>[0]['scenario'], ops: number): Promise<LatencySummary> {
  const r: LoadResult = await runLoad({ url, connections: 1, durationMs: 30_000, maxOps: ops, scenario: requests, latency: true });
  if (r.errors) throw new Error(`${r.errors} failed: ${r.firstError}`);
  return r.latency!;
}

const receive = (queueUrl: string, randomRange?: number) => ({
  kind: 'requests' as const,
  requests: [{ path: '/', headers: sqsJson('ReceiveMessage'), body: JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }), randomRange }],
});

async function fetchLatency(broker: string, topic: string, partitions: number, offset: bigint, count: number): Promise<LatencySummary> {
  const c = await RawKafka.connect(broker);
  try {
    const samples = new Samples(count);
    for (let i = 0; i < count; i++) {
      const p = Math.floor(Math.random() * partitions);
      const s = performance.now();
      const r = await c.fetch(topic, p, offset, 64 * 1024);
      samples.add(performance.now() - s);
      if (r.error || r.bytes === 0) throw new Error(`fetch ${topic}[${p}]@${offset}: error ${r.error}, ${r.bytes} bytes`);
    }
    return summarize(samples.values());
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

    // Queue depth.
    // Each fill is bounded in time too; a slow server gets a shallower queue, reported as such.
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
    let shallow: LatencySummary | undefined;
    for (const [i, depth] of filled.entries()) {
      const judged = i === filled.length - 1 && i > 0;
      const l = await step(ctx, S, `receive latency at depth ${depth}`, () => latency(url, receive(queues[i]), probes), judged ? FLAT : undefined);
      if (!l) continue;
      if (i === 0) shallow = l;
      addLatency(report, `ReceiveMessage(10) with ${depth} in queue`, l, i === 0 ? undefined : shallow, judged);
    }

    // Partition size: one batch per fetch (100-record batches), at the first and the last offset.
    const kafkaUp = await step(ctx, S, 'Kafka endpoint answers ApiVersions', async () => (await RawKafka.connect(broker)).close() ?? true);
    const file = kafkaUp && (await step(ctx, S, 'records file', () => recordsFile(100, kafkaRecords)));
    if (file) {
      await step(ctx, S, 'create topic big', () => kafkajs({ op: 'createTopics', broker, topics: [{ topic: 'big', partitions: 1 }] }));
      const p = await step(ctx, S, `kcat produce ${kafkaRecords} × 100 B (100-record batches)`, () =>
        kcatProduce(broker, 'big', file, kafkaRecords, 100, ['acks=1', 'batch.num.messages=100']),
      );
      if (p) {
        report.add({ section: S, name: `RSS with ${filled[filled.length - 1] ?? 0} SQS msgs + ${kafkaRecords} Kafka records`, value: emu.rssMB(), unit: 'MB', baseline: { name: 'empty', value: idleRss } });
        const head = await step(ctx, S, 'fetch latency at head', () => fetchLatency(broker, 'big', 1, 0n, probes));
        const tail = await step(ctx, S, 'fetch latency at tail', () => fetchLatency(broker, 'big', 1, BigInt(kafkaRecords - 1), probes), FLAT);
        if (head) report.add({ section: S, name: `Fetch at offset 0 of ${kafkaRecords} p50`, value: head.p50, unit: 'ms' });
        if (tail) addLatency(report, `Fetch at offset ${kafkaRecords - 1} (tail)`, tail, head, true);
      }
    }

    // Many queues: the same calls on one queue, then spread over all of them.
    const one = await createQueue(url, 'one');
    const prefix = one.slice(0, -'one'.length);
    const base = await step(ctx, S, 'SendMessage latency, 1 queue', () => latency(url, { kind: 'requests', requests: [sendJson(one)] }, probes));
    const created = await step(ctx, S, `CreateQueue ×${nQueues}`, () =>
      runLoadStrict({ url, connections: 8, durationMs: 300_000, maxOps: nQueues, scenario: { kind: 'requests', requests: [{ path: '/', headers: sqsJson('CreateQueue'), body: '{"QueueName":"many-{i}"}' }] } }),
    );
    if (created) {
      report.add({ section: S, name: `CreateQueue ×${nQueues}, c=8`, value: created.opsPerSec, unit: 'req/s' });
      const spread = { kind: 'requests' as const, requests: [{ ...sendJson(`${prefix}many-{r}`), randomRange: nQueues }] };
      const l = await step(ctx, S, `SendMessage latency over ${nQueues} queues`, () => latency(url, spread, probes), FLAT);
      if (l) addLatency(report, `SendMessage to random one of ${nQueues} queues`, l, base, true);
      const r = await step(ctx, S, `ReceiveMessage latency over ${nQueues} queues`, () => latency(url, receive(`${prefix}many-{r}`, nQueues), probes));
      if (r) addLatency(report, `ReceiveMessage from random one of ${nQueues} queues`, r, shallow);
    }

    // Many partitions: one topic of nPartitions against one of a single partition.
    const topics = kafkaUp && (await step(ctx, S, `create topics p1, p${nPartitions}`, async () => {
      await kafkajs({ op: 'createTopics', broker, topics: [{ topic: 'p1', partitions: 1 }, { topic: 'pmany', partitions: nPartitions }] });
      await kafkajs({ op: 'seed', broker, topic: 'p1', partitions: 1 });
      await kafkajs({ op: 'seed', broker, topic: 'pmany', partitions: nPartitions });
      return true;
    }));
    if (topics) {
      const job = { op: 'latency' as const, broker, count: probes, size: 100, acks: 1, maxMs: 30_000 };
      const p1 = await step(ctx, S, 'produce latency, 1 partition', () => kafkajs({ ...job, topic: 'p1', partitions: 1 }));
      const pm = await step(ctx, S, `produce latency, ${nPartitions} partitions`, () => kafkajs({ ...job, topic: 'pmany', partitions: nPartitions }), FLAT);
      if (p1) report.add({ section: S, name: 'kafkajs produce, 1-partition topic p50', value: p1.p50, unit: 'ms' });
      if (pm) addLatency(report, `kafkajs produce to random one of ${nPartitions} partitions`, pm, p1, true);
      const f1 = await step(ctx, S, 'fetch latency, 1 partition', () => fetchLatency(broker, 'p1', 1, 0n, probes));
      const fm = await step(ctx, S, `fetch latency, ${nPartitions} partitions`, () => fetchLatency(broker, 'pmany', nPartitions, 0n, probes), FLAT);
      if (f1) report.add({ section: S, name: 'Fetch, 1-partition topic p50', value: f1.p50, unit: 'ms' });
      if (fm) addLatency(report, `Fetch from random one of ${nPartitions} partitions`, fm, f1, true);
    }

    // Restart over everything stored above.
    await step(ctx, S, 'restart with data', async () => {
      await emu.stop({ keepData: true });
      emu = await startEmulator(ctx, 'scale-restart', { dataDir: emu.dataDir });
      report.add({ section: S, name: 'restart → ready with all of the above stored', value: emu.readyMs, unit: 'ms', baseline: { name: 'empty', value: coldReady } });
      report.add({ section: S, name: '  idle RSS after restart', value: emu.rssMB(), unit: 'MB' });
    });
  } finally {
    await emu.stop();
    rmSync(emu.dataDir, { recursive: true, force: true });
  }
}
