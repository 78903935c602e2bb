/**
 * Issue 11's bench target: the idempotent producer (kcat `-X enable.idempotence=true`) within 10%
 * of plain produce in the same run. Plain `acks=all` is the fair baseline (librdkafka's idempotent
 * producer implies acks=all). The two alternate slice by slice on fresh topics of the same emulator,
 * so the shared machine's load drifts over both alike; run alone with `--only kafka-idem`.
 *
 * A third variant, plain with `max.in.flight=1`, separates the client from the broker: librdkafka
 * (rdkafka_broker.c, toppar_producer_serve) caps an idempotent partition at
 * RD_KAFKA_IDEMP_MAX_INFLIGHT (5) but counts *messages* in flight against it, so any batch of more
 * than 5 records leaves one Produce request in flight per partition: stop-and-wait. Idempotent
 * close to in-flight-1 and below plain means the gap is the client's pipelining meeting the
 * broker's per-request latency, not the broker's sequence checks.
 */
import { kafkajs } from '../kafka/kafkajs.js';
import { kcatProduce, recordsFile, type KcatRun } from '../kafka/kcat.js';
import { RawKafka } from '../kafka/raw-client.js';
import { atLeast } from '../lib/report.js';
import type { EmulatorProc } from '../lib/procs.js';
import { size, startEmulator, step, type Ctx } from './common.js';

const S = 'Kafka idempotent';
const PLAIN = ['acks=-1'];
const IDEM = ['acks=-1', 'enable.idempotence=true'];
const ONE = ['acks=-1', 'max.in.flight=1'];

const perSec = (rs: KcatRun[]) => (rs.reduce((a, r) => a + r.records, 0) / rs.reduce((a, r) => a + r.ms, 0)) * 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alone: its own emulator. */
export async function kafkaIdemSuite(ctx: Ctx): Promise<void> {
  const emu = await startEmulator(ctx, 'kafka-idem');
  try {
    (await RawKafka.connect(emu.kafkaBroker)).close();
    await idempotentVsPlain(ctx, emu);
  } finally {
    await emu.stop();
  }
}

/** Plain and idempotent kcat produce of the same file, alternating slices on one emulator. */
export async function idempotentVsPlain(ctx: Ctx, emu: EmulatorProc): Promise<void> {
  const { report } = ctx;
  const broker = emu.kafkaBroker;
  const slices = size(ctx, 8, 4);
  const count = size(ctx, 200_000, 50_000);
  const recSize = 100;
  const topics = Array.from({ length: slices }, (_, i) => [`idem-plain-${i}`, `idem-idem-${i}`, `idem-one-${i}`]);
  await step(ctx, S, 'create topics', () => kafkajs({ op: 'createTopics', broker, topics: topics.flat().map((topic) => ({ topic, partitions: 1 })) }));
  const file = await recordsFile(recSize, count);
  const target = atLeast(0.9, '>= 0.9x plain (issue 11)');
  const runs = await step(ctx, S, `${slices} slices of ${count} × ${recSize} B, plain and idempotent alternating`, async () => {
    const out = { plain: [] as KcatRun[], idem: [] as KcatRun[], one: [] as KcatRun[], cpuPlain: 0, cpuIdem: 0 };
    for (const [i, [tPlain, tIdem, tOne]] of topics.entries()) {
      const plain = async () => {
        const c0 = emu.cpuSeconds();
        out.plain.push(await kcatProduce(broker, tPlain, file, count, recSize, PLAIN));
        out.cpuPlain += emu.cpuSeconds() - c0;
      };
      const idem = async () => {
        const c0 = emu.cpuSeconds();
        out.idem.push(await kcatProduce(broker, tIdem, file, count, recSize, IDEM));
        out.cpuIdem += emu.cpuSeconds() - c0;
      };
      const one = async () => void out.one.push(await kcatProduce(broker, tOne, file, count, recSize, ONE));
      // Which goes first alternates, so a warming JIT or a load spike does not favour one side.
      for (const f of i % 2 ? [idem, plain] : [plain, idem]) await f();
      await one();
    }
    return out;
  }, target);
  if (!runs) return;
  const cpu = (s: number, rs: KcatRun[]) => `emulator CPU ${Math.round((s / rs.reduce((a, r) => a + r.ms, 0)) * 100_000)}%`;
  const ratios = runs.idem.map((r, i) => runs.plain[i].ms / r.ms);
  report.add({ section: S, name: `kcat produce ${recSize} B acks=all (${slices}×${count} rec)`, value: perSec(runs.plain), unit: 'msg/s', note: cpu(runs.cpuPlain, runs.plain) });
  report.add({
    section: S,
    name: `kcat produce ${recSize} B enable.idempotence=true (${slices}×${count} rec)`,
    value: perSec(runs.idem),
    unit: 'msg/s',
    baseline: { name: 'plain', value: perSec(runs.plain) },
    target,
    note: `${cpu(runs.cpuIdem, runs.idem)}; per-slice ratio median ${median(ratios).toFixed(2)}, ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
  });
  report.add({ section: S, name: `  plain with max.in.flight=1 (the idempotent producer's stop-and-wait)`, value: perSec(runs.one), unit: 'msg/s', baseline: { name: 'plain', value: perSec(runs.plain) } });
}
