/** Spawn → ready line (median of several cold starts on fresh data dirs) and idle RSS. */
import { startNodeServer, stopChild, rssMB } from '../lib/procs.js';
import { atMost } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { size, startEmulator, step, type Ctx } from './common.js';

const S = 'Startup';
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startupSuite(ctx: Ctx): Promise<void> {
  const { report } = ctx;
  const runs = size(ctx, 7, 2);
  const readyTarget = atMost(1000, '<= 1000 ms');
  const rssTarget = atMost(100, '<= 100 MB');

  // Alternating with the floor: a Node process that only starts an HTTP server and prints its port.
  const bareMs: number[] = [];
  const bareRss: number[] = [];
  const ready: number[] = [];
  const self: number[] = [];
  const idle: number[] = [];
  await step(ctx, S, `cold starts ×${runs}, alternating with a bare node:http process`, async () => {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const s = await startNodeServer('baselines/http-server.js');
      bareMs.push(performance.now() - t0);
      await settle(1000);
      bareRss.push(rssMB(s.proc.pid!));
      await stopChild(s.proc);

      const emu = await startEmulator(ctx, 'startup');
      ready.push(emu.readyMs);
      self.push(emu.selfMs);
      // Let startup garbage settle, as an idle emulator would.
      await settle(1000);
      idle.push(emu.rssMB());
      await emu.stop();
    }
  }, readyTarget);
  if (!ready.length) return;
  report.add({ section: S, name: `spawn → ready line, median of ${runs}`, value: median(ready), unit: 'ms', baseline: { name: 'bare node', value: median(bareMs) }, target: readyTarget });
  report.add({ section: S, name: '  emulator-reported (main.ts start → ready)', value: median(self), unit: 'ms' });
  report.add({ section: S, name: '  slowest of the runs', value: Math.max(...ready), unit: 'ms' });
  report.add({ section: S, name: 'idle RSS 1 s after ready, median', value: median(idle), unit: 'MB', baseline: { name: 'bare node', value: median(bareRss) }, target: rssTarget });
}
