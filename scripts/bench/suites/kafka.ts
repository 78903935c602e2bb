/**
 * Kafka produce/consume throughput with kcat (librdkafka) and kafkajs, against the same loads on
 * librdkafka's in-memory mock cluster, and against raw LevelDB batch writes and a raw loopback
 * TCP pump (the storage and network ceilings).
 */
import { levelBatchLoop, tcpPump, type Throughput } from '../baselines/raw.js';
import { kafkajs } from '../kafka/kafkajs.js';
import { idempotentVsPlain } from './kafka-idem.js';
import { kcatConsume, kcatProduce, recordsFile, startMock, type KcatRun } from '../kafka/kcat.js';
import { RawKafka } from '../kafka/raw-client.js';
import { atLeast, type Report } from '../lib/report.js';
import { size, startEmulator, step, type Ctx } from './common.js';

const S = 'Kafka';
const MB = 2 ** 20;

interface Load {
  name: string;
  size: number;
  /** Records per round; each round produces into fresh topics on both brokers. */
  count: number;
  acks: string;
  consume: boolean;
  /** More librdkafka properties (-X). */
  props?: string[];
}

const perSec = (r: { records: number; ms: number }) => (r.records / r.ms) * 1000;
const mbPerSec = (r: { bytes: number; ms: number }) => r.bytes / MB / (r.ms / 1000);
const total = (rs: KcatRun[]): KcatRun => ({ ms: rs.reduce((a, r) => a + r.ms, 0), records: rs.reduce((a, r) => a + r.records, 0), bytes: rs.reduce((a, r) => a + r.bytes, 0) });

export async function kafkaSuite(ctx: Ctx): Promise<void> {
  const { report } = ctx;
  const rounds = size(ctx, 3, 2);
  const loads: Load[] = [
    { name: 'k100', size: 100, count: size(ctx, 400_000, 10_000), acks: 'acks=1', consume: true },
    { name: 'k1k', size: 1024, count: size(ctx, 80_000, 3_000), acks: 'acks=1', consume: true },
    { name: 'k100all', size: 100, count: size(ctx, 400_000, 10_000), acks: 'acks=-1', consume: false },
  ];
  const js = [
    { topic: 'js100-1', size: 100, acks: 1, count: size(ctx, 200_000, 5_000) },
    { topic: 'js100-all', size: 100, acks: -1, count: size(ctx, 200_000, 5_000) },
    { topic: 'js1k-1', size: 1024, acks: 1, count: size(ctx, 50_000, 2_000) },
  ];
  const topicsOf = (l: Load) => Array.from({ length: rounds }, (_, r) => `${l.name}-r${r}`);
  const allTopics = [...loads.flatMap(topicsOf), ...js.map((j) => j.topic), 'lat'];

  const level = await step(ctx, S, 'raw LevelDB batches of 1000 puts', () => levelBatchLoop(size(ctx, 500_000, 50_000), 100, 1000, false));
  if (level) addThroughput(report, 'raw LevelDB: batch() of 1000 × 100 B puts', level, 'baseline');
  const levelBig = await step(ctx, S, 'raw LevelDB 1 MiB values', () => levelBatchLoop(size(ctx, 1_000_000, 50_000), 100, 10_000, true));
  if (levelBig) report.add({ section: S, name: 'raw LevelDB: batch() of one ~1 MiB value', value: levelBig.mbPerSec, unit: 'MB/s', note: 'baseline' });
  const tcp = await step(ctx, S, 'loopback TCP pump', () => tcpPump(size(ctx, 4, 0.5) * 2 ** 30, size(ctx, 3000, 500)));
  if (tcp) report.add({ section: S, name: 'raw loopback TCP pump (64 KiB writes)', value: tcp.mbPerSec, unit: 'MB/s', note: 'baseline' });

  // The peer (librdkafka's mock cluster: in memory, keeps only the log tail) runs beside the
  // emulator, and each round produces the same file to both, in alternating order.
  const mock = await startMock(Object.fromEntries(allTopics.map((t) => [t, 1])));
  const emu = await startEmulator(ctx, 'kafka').catch(async (e) => {
    await mock.stop();
    throw e;
  });
  try {
    const broker = emu.kafkaBroker;
    (await RawKafka.connect(broker)).close();
    await step(ctx, S, 'create topics', () => kafkajs({ op: 'createTopics', broker, topics: allTopics.map((topic) => ({ topic, partitions: 1 })) }));

    for (const l of loads) {
      const file = await recordsFile(l.size, l.count);
      const label = `kcat produce ${l.size} B ${l.acks}${l.props ? ` ${l.props.join(' ')}` : ''}`;
      const target = l.name === 'k100' ? atLeast(0.5, '>= 0.5x mock') : undefined;
      const consumeTarget = atLeast(1, '>= produce');
      const runs = await step(ctx, S, `${label}, ${rounds} rounds of ${l.count}, alternating with mock`, async () => {
        const out = { mock: [] as KcatRun[], tandem: [] as KcatRun[], consume: [] as KcatRun[], cpu: 0 };
        for (const [r, topic] of topicsOf(l).entries()) {
          const both = [
            async () => out.mock.push(await kcatProduce(mock.broker, topic, file, l.count, l.size, [l.acks, ...(l.props ?? [])])),
            async () => {
              const cpu0 = emu.cpuSeconds();
              out.tandem.push(await kcatProduce(broker, topic, file, l.count, l.size, [l.acks, ...(l.props ?? [])]));
              out.cpu += emu.cpuSeconds() - cpu0;
            },
          ];
          for (const f of r % 2 ? both.reverse() : both) await f();
          if (l.consume) out.consume.push(await kcatConsume(broker, topic, l.count));
        }
        return out;
      }, target);
      if (!runs) continue;
      const m = total(runs.mock);
      const p = total(runs.tandem);
      // CPU near 100% of one core means the emulator's own work bounds the rate, not the client or I/O waits.
      report.add({ section: S, name: `${label} (${rounds}×${l.count} rec)`, value: perSec(p), unit: 'msg/s', baseline: { name: 'mock', value: perSec(m) }, target, note: `emulator CPU ${Math.round((runs.cpu / p.ms) * 100_000)}%` });
      report.add({ section: S, name: `  same, MB/s`, value: mbPerSec(p), unit: 'MB/s', baseline: levelBig && { name: 'LevelDB', value: levelBig.mbPerSec } });
      if (!l.consume) continue;
      const c = total(runs.consume);
      report.add({ section: S, name: `kcat consume ${l.size} B from beginning`, value: perSec(c), unit: 'msg/s', baseline: { name: 'produce', value: perSec(p) }, target: consumeTarget });
      report.add({ section: S, name: `  same, MB/s`, value: mbPerSec(c), unit: 'MB/s', baseline: tcp && { name: 'TCP', value: tcp.mbPerSec } });
      report.add({
        section: S,
        name: `  records consumed of ${p.records} produced`,
        value: c.records,
        unit: 'records',
        target: { on: 'value', op: '>=', limit: p.records, text: 'all persisted' },
        status: c.records === p.records && c.bytes === p.bytes ? 'PASS' : 'MISS',
        note: c.bytes === p.bytes ? undefined : `${c.bytes} of ${p.bytes} value bytes`,
      });
    }

    for (const [i, j] of js.entries()) {
      const label = `kafkajs produce ${j.size} B acks=${j.acks}`;
      const job = { op: 'produce' as const, topic: j.topic, count: j.count, size: j.size, acks: j.acks, batch: 1000, inflight: 4 };
      // The first load also runs against the mock, right before, as the client's own ceiling.
      const m = i === 0 ? await step(ctx, S, `mock: ${label}`, () => kafkajs({ ...job, broker: mock.broker })) : undefined;
      const r = await step(ctx, S, label, () => kafkajs({ ...job, broker }));
      if (r) report.add({ section: S, name: `${label} (${j.count} rec, 1000/send, 4 in flight)`, value: (j.count / r.ms) * 1000, unit: 'msg/s', baseline: m && { name: 'mock', value: (j.count / m.ms) * 1000 } });
    }
    // The idempotent producer (librdkafka's enable.idempotence, acks=all implied) against plain acks=all, alternating.
    await idempotentVsPlain(ctx, emu);

    const j0 = js[0];
    const jc = await step(ctx, S, `kafkajs consume ${j0.topic}`, () => kafkajs({ op: 'consume', broker, topic: j0.topic, count: j0.count, timeoutMs: size(ctx, 120_000, 20_000) }));
    if (jc) report.add({ section: S, name: `kafkajs consume ${j0.size} B (group, incl. join)`, value: (jc.records / jc.ms) * 1000, unit: 'msg/s', note: `group join ${Math.round(jc.joinMs)} ms` });

    for (const acks of [1, -1]) {
      const r = await step(ctx, S, `kafkajs produce latency acks=${acks}`, () =>
        kafkajs({ op: 'latency', broker, targets: [{ topic: 'lat', partitions: 1 }], count: size(ctx, 2000, 200), size: 100, acks, maxMs: 30_000 }).then((x) => x[0]),
      );
      if (r) {
        report.add({ section: S, name: `kafkajs produce 1 × 100 B acks=${acks}, sequential p50`, value: r.p50, unit: 'ms' });
        report.add({ section: S, name: `  same, p99`, value: r.p99, unit: 'ms' });
      }
    }
  } finally {
    await emu.stop();
    await mock.stop();
  }
}

function addThroughput(report: Report, name: string, t: Throughput, note?: string): void {
  report.add({ section: S, name, value: t.perSec, unit: 'rec/s', note });
  report.add({ section: S, name: '  same, MB/s', value: t.mbPerSec, unit: 'MB/s' });
}
