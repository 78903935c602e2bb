/**
 * Many Kafka connections each sending part of a large frame must not hold memory in proportion to
 * their number (issue 14: eight half-sent 100 MiB frames held 830 MB). Each connection is bounded
 * by --kafka-max-frame-bytes and --request-timeout-ms; all of them together by the shared
 * --kafka-max-buffered-request-bytes budget (kafka-shim/src/server/frame-budget.ts): a connection
 * whose frame does not fit stops being read. Real sockets against a spawned Tandem; the bound is
 * checked on the process's VmRSS.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { Emulator } from '../harness/emulator.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { peakRssDuring, rssMiB } from './rss.js';

let emu: Emulator;
const CONNECTIONS = 10;
const FRAME_MIB = 100;
const SENT_MIB = 40;

beforeAll(async () => {
  // The default budget (256 MiB) and the default 100 MiB frame limit; a long request timeout so
  // the per-connection timeout does not free anything during the test.
  emu = await Emulator.start({ args: ['--request-timeout-ms', '60000'] });
});

afterAll(async () => {
  await emu?.stop();
});

describe('half-received Kafka frames across connections', () => {
  test(`${CONNECTIONS} connections each sending ${SENT_MIB} MiB of a ${FRAME_MIB} MiB frame stay under the shared budget, and others are served`, async () => {
    const pid = emu.proc.pid!;
    const before = rssMiB(pid);
    const socks: net.Socket[] = [];
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const peak = await peakRssDuring(
      pid,
      async () => {
        for (let i = 0; i < CONNECTIONS; i++) {
          const s = net.connect(emu.kafkaPort, '127.0.0.1');
          s.on('error', () => {});
          socks.push(s);
          await new Promise<void>((r) => s.once('connect', () => r()));
          const size = Buffer.alloc(4);
          size.writeInt32BE(FRAME_MIB * 1024 * 1024);
          s.write(size);
          for (let m = 0; m < SENT_MIB; m++) s.write(chunk);
        }
      },
      3000,
    );
    // Unbounded: every connection's 40 MiB is read and kept (~400 MiB and more). Bounded: the
    // budget admits two 100 MiB frames, so about 2 x 40 MiB is read; the rest waits in the
    // kernel and in this test process.
    expect(peak - before).toBeLessThan(200);

    // A client whose frames arrive whole is not held back by the budget.
    const c = await RawClient.connect(emu.kafkaPort);
    expect((await c.call(18, 0, {})).body.errorCode).toBe(0);
    c.close();

    for (const s of socks) s.destroy();
    // The budget is given back when connections close: a new partial frame is read again.
    await new Promise((r) => setTimeout(r, 500));
    const c2 = await RawClient.connect(emu.kafkaPort);
    expect((await c2.call(18, 0, {})).body.errorCode).toBe(0);
    c2.close();
    expect(emu.proc.exitCode).toBeNull();
  }, 60_000);
});
