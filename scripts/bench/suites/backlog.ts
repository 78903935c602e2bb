/**
 * Memory flat in backlog, and space that comes back (issue 15): RSS with a million 100 B SQS
 * messages stored, ReceiveMessage latency at that depth against depth 10, restart to ready with
 * the backlog on disk, and the data dir before and after PurgeQueue (without a restart: LevelDB
 * compaction of the purged range runs in the background). SQS only, so each row is about the
 * message store and not Kafka's.
 *
 * A before/after comparison in one run: set BENCH_BACKLOG_BASE to another build's
 * dist/emulator/src/host/main.js (e.g. the merge base, built in a scratch directory); its rows are
 * measured first, on the same machine minutes apart, and this build's rows show the ratio to them.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { runLoad, runLoadStrict, sqsCall, sqsJson, type ReqTemplate } from '../http/load.js';
import { atMost, type Target } from '../lib/report.js';
import { size, startEmulator, step, type Ctx } from './common.js';
import { createQueue, sendBatchJson } from './sqs.js';

const S = 'Backlog';

/** Data dir size on disk (what a user sees with du), in MB. */
function duMB(dir: string): number {
  return Number(execFileSync('du', ['-sk', dir]).toString().split('\t')[0]) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const receive = (queueUrl: string): ReqTemplate => ({
  path: '/',
  headers: sqsJson('ReceiveMessage'),
  body: JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }),
});

type Numbers = Record<string, number>;

/** Every measurement of one build; a failed step leaves its numbers out. */
async function measure(ctx: Ctx, label: string, main: string | undefined): Promise<Numbers> {
  const n: Numbers = {};
  const depth = size(ctx, 1_000_000, 20_000);
  let emu = await startEmulator(ctx, `backlog-${label}`, { main });
  try {
    await sleep(1000);
    n.idle = emu.rssMB();
    const url = emu.sqsEndpoint;
    const small = await createQueue(url, 'small');
    const big = await createQueue(url, 'big');
    await runLoadStrict({ url, connections: 1, durationMs: 10_000, maxOps: 1, scenario: { kind: 'requests', requests: [sendBatchJson(small, 10)] } });
    const fill = await step(ctx, S, `${label}: fill ${depth} × 100 B (SendMessageBatch, c=8)`, () =>
      runLoadStrict({ url, connections: 8, durationMs: 600_000, maxOps: depth / 10, scenario: { kind: 'requests', requests: [sendBatchJson(big, 10)] } }),
    );
    if (!fill) return n;
    n.messages = fill.messages;
    await sleep(2000);
    n.rss = emu.rssMB();
    const lat = await step(ctx, S, `${label}: receive latency at depth 10 and ${fill.messages} (interleaved)`, async () => {
      const r = await runLoad({ url, connections: 1, durationMs: 60_000, maxOps: size(ctx, 1000, 200), scenario: { kind: 'requests', requests: [receive(small), receive(big)] }, latency: true });
      if (r.errors) throw new Error(`${r.errors} failed: ${r.firstError}`);
      return r.byTemplate!;
    });
    if (lat) {
      n.p50Small = lat[0].p50;
      n.p50Big = lat[1].p50;
    }
    n.diskFull = duMB(emu.dataDir);
    await step(ctx, S, `${label}: restart with the backlog stored`, async () => {
      await emu.stop({ keepData: true });
      emu = await startEmulator(ctx, `backlog-${label}-restart`, { main, dataDir: emu.dataDir });
      n.restartMs = emu.readyMs;
      await sleep(1000);
      n.rssRestart = emu.rssMB();
    });
    await step(ctx, S, `${label}: purge, then wait for the data dir to stop shrinking`, async () => {
      // The restarted process listens on a new port: the queue URL is re-pointed at it.
      await sqsCall(emu.sqsEndpoint, 'PurgeQueue', { QueueUrl: big.replace(url, emu.sqsEndpoint) });
      // Without a restart: poll until two readings 2 s apart agree (at most 60 s).
      let last = duMB(emu.dataDir);
      for (let i = 0; i < 30; i++) {
        await sleep(2000);
        const now = duMB(emu.dataDir);
        if (Math.abs(now - last) < 0.5) break;
        last = now;
      }
      n.diskPurged = duMB(emu.dataDir);
      n.rssPurged = emu.rssMB();
    });
  } finally {
    await emu.stop();
    rmSync(emu.dataDir, { recursive: true, force: true });
  }
  return n;
}

export async function backlogSuite(ctx: Ctx): Promise<void> {
  const { report } = ctx;
  const baseMain = process.env.BENCH_BACKLOG_BASE;
  const before = baseMain ? await measure(ctx, 'before', baseMain) : undefined;
  const after = await measure(ctx, 'this build', undefined);
  const rows: [string, string, string, Target?][] = [
    ['idle', 'idle RSS 1 s after ready', 'MB'],
    ['rss', `RSS with ${after.messages ?? '?'} × 100 B SQS messages stored`, 'MB', atMost(200, '<= 200 MB')],
    ['p50Small', 'ReceiveMessage(10) p50 at depth 10', 'ms'],
    ['p50Big', `ReceiveMessage(10) p50 at depth ${after.messages ?? '?'}`, 'ms'],
    ['restartMs', 'restart → ready with the backlog stored', 'ms'],
    ['rssRestart', '  RSS 1 s after restart', 'MB'],
    ['diskFull', 'data dir with the backlog', 'MB'],
    ['diskPurged', '  same, after PurgeQueue (no restart)', 'MB'],
    ['rssPurged', '  RSS after PurgeQueue', 'MB'],
  ];
  for (const [k, name, unit, target] of rows) {
    if (before?.[k] !== undefined) report.add({ section: S, name: `before: ${name}`, value: before[k], unit });
    if (after[k] === undefined) continue;
    report.add({ section: S, name, value: after[k], unit, baseline: before?.[k] !== undefined ? { name: 'before', value: before[k] } : undefined, target });
  }
  if (after.p50Big !== undefined && after.p50Small !== undefined) {
    report.add({ section: S, name: 'receive p50 at depth / at depth 10', value: after.p50Big / after.p50Small, unit: 'x', target: atMost(2, '<= 2x') });
  }
}
