/**
 * Runs the Kafka fuzzer against a spawned Tandem: a few concurrent connections each send one input
 * at a time and judge the outcome (./kafka.ts); a process exit is a crash, an unanswered request
 * is checked against a health probe on a fresh connection, and the broker's error log lines
 * (handler failures: Kafka's UNKNOWN_SERVER_ERROR) are counted as internal errors.
 */
import { Emulator } from '../../compat-tests/harness/emulator.js';
import { encodeRequest } from '../../kafka-shim/src/protocol/messages.js';
import { Report } from './common.js';
import { checkAnswer, frameHex, KafkaConn, kafkaInput, type KafkaInput } from './kafka.js';

export interface RunOptions {
  count: number;
  seed: number;
  workers: number;
  outDir: string;
  /** Replay only these input numbers. */
  only?: number[];
}

const PING_ID = 0x7fffffff;
const ping = (): Buffer => encodeRequest({ apiKey: 18, apiVersion: 0, correlationId: PING_ID, clientId: 'fuzz-ping' }, {});

async function probe(port: number): Promise<boolean> {
  try {
    const c = await KafkaConn.connect(port);
    const o = await c.send(ping(), 5000);
    c.destroy();
    return o.kind === 'answered';
  } catch {
    return false;
  }
}

export async function runKafka(opts: RunOptions): Promise<Report> {
  const report = new Report('kafka', opts.seed, opts.outDir);
  const start = () => Emulator.start({ realClock: true, readyTimeoutMs: 120_000, args: ['--kafka-group-initial-rebalance-delay-ms', '0', '--log-level', 'error'] });
  let emu = await start();
  const inFlight = new Set<number>();
  const watch = (e: Emulator) => {
    e.proc.stderr!.on('data', (d: Buffer | string) => {
      for (const line of String(d).split('\n')) {
        if (!line.includes('"error"')) continue;
        report.find({ kind: 'internal', input: Math.min(...inFlight), detail: line.slice(0, 2000), sample: [...inFlight] });
      }
    });
    e.proc.once('exit', (code, sig) => {
      if (stopping) return;
      report.find({ kind: 'crash', input: Math.min(...inFlight), detail: `exit ${code} ${sig}: ${e.stderr.join('').slice(-2000)}`, sample: [...inFlight] });
      crashed = true;
    });
  };
  let stopping = false;
  let crashed = false;
  watch(emu);
  report.sampleRss(emu.proc.pid!);
  const inputs = opts.only ?? Array.from({ length: opts.count }, (_, i) => i);
  let next = 0;
  let restarting: Promise<void> | undefined;

  const handle = async (conn: KafkaConn, input: KafkaInput, i: number): Promise<boolean> => {
    const abandonAfter = input.waitMs > 10_000;
    const deadline = abandonAfter ? 5000 : 5000 + input.waitMs;
    // acks=0 sends nothing back: an ApiVersions ping behind it must be answered instead.
    const frame = input.expect === 'silence' ? Buffer.concat([input.frame, ping()]) : input.frame;
    const o = await conn.send(frame, deadline);
    if (o.kind === 'answered') {
      report.answered++;
      const want = input.expect === 'silence' ? { ...input, apiKey: 18, apiVersion: 0, correlationId: PING_ID } : input;
      const bad = checkAnswer(want, o.frame);
      report.count(`${input.label}:answered`);
      if (bad) report.find({ kind: 'non-protocol', input: i, detail: `api ${input.apiKey} v${input.apiVersion}: ${bad}`, sample: frameHex(input) });
      return true;
    }
    if (o.kind === 'closed') {
      report.closed++;
      report.count(`${input.label}:closed`);
      if (input.expect !== 'any' && !crashed) {
        report.find({ kind: 'non-protocol', input: i, detail: `api ${input.apiKey} v${input.apiVersion}: connection closed where Kafka answers`, sample: frameHex(input) });
      }
      return false;
    }
    report.count(`${input.label}:timeout`);
    if (abandonAfter) return false; // it asked to wait longer than we do
    const alive = await probe(emu.kafkaPort);
    report.find({
      kind: 'hang',
      input: i,
      detail: `api ${input.apiKey} v${input.apiVersion} (expect ${input.expect}) unanswered after ${deadline} ms; broker ${alive ? 'alive' : 'NOT answering a probe'}`,
      sample: frameHex(input),
    });
    return false;
  };

  const worker = async () => {
    let conn: KafkaConn | undefined;
    while (next < inputs.length) {
      if (restarting) await restarting;
      const i = inputs[next++];
      const input = kafkaInput(opts.seed, i);
      report.inputs++;
      try {
        if (!conn?.alive) conn = await KafkaConn.connect(emu.kafkaPort);
        inFlight.add(i);
        const keep = await handle(conn, input, i);
        if (!keep) {
          conn.destroy();
          conn = undefined;
        }
      } catch (e) {
        report.count('connect-failed');
        conn = undefined;
        if (!crashed && !(await probe(emu.kafkaPort))) report.find({ kind: 'hang', input: i, detail: `connect failed and probe failed: ${(e as Error).message}` });
      } finally {
        inFlight.delete(i);
      }
      if (crashed && !restarting) {
        restarting = (async () => {
          emu = await start();
          watch(emu);
          crashed = false;
          restarting = undefined;
        })();
      }
      if (report.inputs % 1000 === 0) report.sampleRss(emu.proc.pid!);
      if (report.inputs % 10_000 === 0) console.error(`[kafka] ${report.inputs} inputs, rss ${Math.round(report.rssEnd)} MiB, findings ${report.findings.length}`);
    }
    conn?.destroy();
  };
  try {
    await Promise.all(Array.from({ length: opts.workers }, worker));
    report.sampleRss(emu.proc.pid!);
  } finally {
    stopping = true;
    await emu.stop();
  }
  return report;
}
