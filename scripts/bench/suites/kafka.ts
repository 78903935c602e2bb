/**
 * Kafka produce/consume throughput with kcat (librdkafka) and kafkajs, against the same loads on
 * librdkafka's in-memory mock cluster, and against raw LevelDB batch writes and a raw loopback
 * TCP pump (the storage and network ceilings).
 */
import { levelBatchLoop, tcpPump, type Throughput } from '../baselines/raw.js';
import { kafkajs } from '../kafka/kafkajs.js';
import { kcatConsume, kcatProduce, recordsFile, startMock, type KcatRun } from '../kafka/kcat.js';
import { RawKafka } from '../kafka/raw-client.js';
import { atLeast, type Report } from '../lib/report.js';
import { size, startEmulator, step, type Ctx } from './common.js';

const S = 'Kafka';
const MB = 2 ** 20;
const ACKS1 = ['acks=1'];
const ACKS_ALL = ['acks=-1'];

interface Load {
  topic: string;
  size: number;
  count: number;
  acks: string[];
}

const perSec = (r: { records: number; ms: number }) => (r.records / r.ms) * 1000;
const mbPerSec = (r: { bytes: number; ms: number }) => r.bytes / MB / (r.ms / 1000);

export async function kafkaSuite(ctx: Ctx): Promise<void> {
  const { report } = ctx;
  const loads: Load[] = [
    { topic: 'k100', size: 100, count: size(ctx, 1_000_000, 20_000), acks: ACKS1 },
    { topic: 'k1k', size: 1024, count: size(ctx, 200_000, 5_000), acks: ACKS1 },
    { topic: 'k100-all', size: 100, count: size(ctx, 1_000_000, 20_000), acks: ACKS_ALL },
  ];
  const js = [
    { topic: 'js100-1', size: 100, acks: 1, count: size(ctx, 200_000, 5_000) },
    { topic: 'js100-all', size: 100, acks: -1, count: size(ctx, 200_000, 5_000) },
    { topic: 'js1k-1', size: 1024, acks: 1, count: size(ctx, 50_000, 2_000) },
  ];
  const latencyCount = size(ctx, 2000, 200);

  const level = await step(ctx, S, 'raw LevelDB batches of 1000 puts', () => levelBatchLoop(size(ctx, 500_000, 50_000), 100, 1000, false));
  if (level) addThroughput(report, 'raw LevelDB: batch() of 1000 × 100 B puts', level, 'baseline');
  const levelBig = await step(ctx, S, 'raw LevelDB 1 MiB values', () => levelBatchLoop(size(ctx, 1_000_000, 50_000), 100, 10_000, true));
  if (levelBig) report.add({ section: S, name: 'raw LevelDB: batch() of one ~1 MiB value', value: levelBig.mbPerSec, unit: 'MB/s', note: 'baseline' });
  const tcp = await step(ctx, S, 'loopback TCP pump', () => tcpPump(size(ctx, 4, 0.5) * 2 ** 30, size(ctx, 3000, 500)));
  if (tcp) report.add({ section: S, name: 'raw loopback TCP pump (64 KiB writes)', value: tcp.mbPerSec, unit: 'MB/s', note: 'baseline' });

  const files = new Map<string, string>();
  for (const l of loads) {
    const f = await step(ctx, S, `records file ${l.count} × ${l.size} B`, () => recordsFile(l.size, l.count));
    if (f) files.set(l.topic, f);
  }

  // The peer: same kcat loads against librdkafka's mock cluster (in memory, keeps only the log tail).
  const peer = new Map<string, KcatRun>();
  const peerJs = new Map<string, number>();
  const mock = await step(ctx, S, 'start librdkafka mock cluster', () =>
    startMock(Object.fromEntries([...loads, ...js].map((l) => [l.topic, 1]))),
  );
  if (mock) {
    try {
      for (const l of loads) {
        const file = files.get(l.topic);
        if (!file) continue;
        const r = await step(ctx, S, `mock: kcat produce ${l.topic}`, () => kcatProduce(mock.broker, l.topic, file, l.count, l.size, l.acks));
        if (r) peer.set(l.topic, r);
      }
      const j = js[0];
      const r = await step(ctx, S, `mock: kafkajs produce ${j.topic}`, () =>
        kafkajs({ op: 'produce', broker: mock.broker, topic: j.topic, count: j.count, size: j.size, acks: j.acks, batch: 1000, inflight: 4 }),
      );
      if (r) peerJs.set(j.topic, (j.count / r.ms) * 1000);
    } finally {
      await mock.stop();
    }
  }

  const emu = await startEmulator(ctx, 'kafka');
  try {
    const broker = emu.kafkaBroker;
    (await RawKafka.connect(broker)).close();
    await step(ctx, S, 'create topics', () =>
      kafkajs({ op: 'createTopics', broker, topics: [...loads, ...js, { topic: 'lat' }].map((l) => ({ topic: l.topic, partitions: 1 })) }),
    );
    for (const l of loads) {
      const file = files.get(l.topic);
      if (!file) continue;
      const label = `kcat produce ${l.size} B ${l.acks[0]}`;
      const target = l.topic === 'k100' ? atLeast(0.5, '>= 0.5x mock') : undefined;
      const p = await step(ctx, S, label, () => kcatProduce(broker, l.topic, file, l.count, l.size, l.acks), target);
      const m = peer.get(l.topic);
      if (p) {
        report.add({ section: S, name: `${label} (${l.count} rec)`, value: perSec(p), unit: 'msg/s', baseline: m && { name: 'mock', value: perSec(m) }, target });
        report.add({ section: S, name: `  same, MB/s`, value: mbPerSec(p), unit: 'MB/s', baseline: levelBig && { name: 'LevelDB', value: levelBig.mbPerSec } });
      }
      if (l.acks === ACKS_ALL) continue;
      const c = await step(ctx, S, `kcat consume ${l.topic}`, () => kcatConsume(broker, l.topic), atLeast(1, '>= produce'));
      if (c) {
        report.add({ section: S, name: `kcat consume ${l.size} B from beginning`, value: perSec(c), unit: 'msg/s', baseline: p && { name: 'produce', value: perSec(p) }, target: atLeast(1, '>= produce') });
        report.add({ section: S, name: `  same, MB/s`, value: mbPerSec(c), unit: 'MB/s', baseline: tcp && { name: 'TCP', value: tcp.mbPerSec } });
        report.add({
          section: S,
          name: `  records consumed of ${l.count} produced`,
          value: c.records,
          unit: 'records',
          target: { on: 'value', op: '>=', limit: l.count, text: 'all persisted' },
          status: c.records === l.count ? 'PASS' : 'MISS',
        });
      }
    }

    for (const j of js) {
      const label = `kafkajs produce ${j.size} B acks=${j.acks}`;
      const r = await step(ctx, S, label, () => kafkajs({ op: 'produce', broker, topic: j.topic, count: j.count, size: j.size, acks: j.acks, batch: 1000, inflight: 4 }));
      const m = peerJs.get(j.topic);
      if (r) report.add({ section: S, name: `${label} (${j.count} rec, 1000/send, 4 in flight)`, value: (j.count / r.ms) * 1000, unit: 'msg/s', baseline: m ? { name: 'mock', value: m } : undefined });
    }
    const j0 = js[0];
    const jc = await step(ctx, S, `kafkajs consume ${j0.topic}`, () => kafkajs({ op: 'consume', broker, topic: j0.topic, count: j0.count, timeoutMs: size(ctx, 120_000, 20_000) }));
    if (jc) report.add({ section: S, name: `kafkajs consume ${j0.size} B (group, from first batch)`, value: (jc.records / jc.ms) * 1000, unit: 'msg/s', note: `group join ${Math.round(jc.joinMs)} ms` });

    for (const acks of [1, -1]) {
      const r = await step(ctx, S, `kafkajs produce latency acks=${acks}`, () =>
        kafkajs({ op: 'latency', broker, topic: 'lat', count: latencyCount, size: 100, acks, partitions: 1, maxMs: 30_000 }),
      );
      if (r) {
        report.add({ section: S, name: `kafkajs produce 1 × 100 B acks=${acks}, sequential p50`, value: r.p50, unit: 'ms' });
        report.add({ section: S, name: `  same, p99`, value: r.p99, unit: 'ms' });
      }
    }
  } finally {
    await emu.stop();
  }
}

function addThroughput(report: Report, name: string, t: Throughput, note?: string): void {
  report.add({ section: S, name, value: t.perSec, unit: 'rec/s', note });
  report.add({ section: S, name: '  same, MB/s', value: t.mbPerSec, unit: 'MB/s' });
}
