/** Spawn → ready line (median of several cold starts on fresh data dirs) and idle RSS. */
import { startNodeServer, stopChild, rssMB } from '../lib/procs.js';
import { atMost } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { size, startEmulator, step, type Ctx } from './common.js';

const S = 'Startup';

export async function startupSuite(ctx: Ctx): Promise<void> {
  const { report } = ctx;
  const runs = size(ctx, 7, 2);

  // The floor: a Node process that only starts an HTTP server and prints its port.
  const bareMs: number[] = [];
  let bareRss = NaN;
  await step(ctx, S, `bare node:http process ×${runs}`, async () => {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const s = await startNodeServer('baselines/http-server.js');
      bareMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 300));
      bareRss = rssMB(s.proc.pid!);
      await stopChild(s.proc);
    }
  });
  const bare = bareMs.length ? { name: 'bare node', value: median(bareMs) } : undefined;

  const ready: number[] = [];
  const self: number[] = [];
  let idle = NaN;
  await step(ctx, S, `emulator cold start ×${runs}`, async () => {
    for (let i = 0; i < runs; i++) {
      const emu = await startEmulator(ctx, 'startup');
      ready.push(emu.readyMs);
      self.push(emu.selfMs);
      if (i === runs - 1) {
        // Let startup garbage settle, as an idle emulator would.
        await new Promise((r) => setTimeout(r, 1000));
        idle = emu.rssMB();
      }
      await emu.stop();
    }
  }, atMost(1000, '<= 1000 ms'));
  if (ready.length) {
    report.add({ section: S, name: `spawn → ready line, median of ${runs}`, value: median(ready), unit: 'ms', baseline: bare, target: atMost(1000, '<= 1000 ms') });
    report.add({ section: S, name: '  emulator-reported (main.ts start → ready)', value: median(self), unit: 'ms' });
    report.add({ section: S, name: 'idle RSS after ready + 1 s', value: idle, unit: 'MB', baseline: { name: 'bare node', value: bareRss }, target: atMost(100, '<= 100 MB') });
  }
}
