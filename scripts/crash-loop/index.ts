/**
 * `node dist/scripts/crash-loop/index.js --iterations N [--seed S] [--min-ms A --max-ms B]`:
 * kill -9 at random moments under mixed SQS (standard and FIFO send, receive, delete, visibility)
 * and Kafka (acks=-1 produce, fetch, offset commits) load, restart on the same data dir, and check
 * the invariants of ./sqs-load.ts and ./kafka-load.ts after every restart; at the end, every
 * acknowledged SQS message must have been delivered. Exits 1 on any violation.
 */
import { Emulator } from '../../compat-tests/harness/emulator.js';
import { KafkaModel } from './kafka-load.js';
import { SqsModel } from './sqs-load.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const iterations = Number(arg('iterations', '10'));
const minMs = Number(arg('min-ms', '200'));
const maxMs = Number(arg('max-ms', '1500'));

const started = Date.now();
const sqs = new SqsModel();
const kafka = new KafkaModel();
let emu = await Emulator.start({ readyTimeoutMs: 120_000 });
// The manual clock does not move by itself: the value read at start is the value at the kill,
// and restart() starts the next process there. Unread, each restart would begin at wall-clock
// time, and messages kept in flight for 600 s would expire after 10 real minutes.
await emu.now();
let killedWithInflight = 0;
let reported = 0;
try {
  await sqs.setup(emu.sqsEndpoint);
  await kafka.setup(emu.kafkaPort);
  for (let it = 1; it <= iterations; it++) {
    const stop = new AbortController();
    const load = Promise.all([sqs.load(stop.signal), kafka.load(emu.kafkaPort, stop.signal)]);
    await new Promise((r) => setTimeout(r, minMs + Math.random() * (maxMs - minMs)));
    // Kill first, then stop the load: requests are in flight at the moment of death.
    await emu.kill9();
    stop.abort();
    await load;
    const maybe = [...sqs.msgs.values()].filter((m) => m.state === 'maybe').length + kafka.maybe.size;
    if (maybe > 0) killedWithInflight++;
    emu = await emu.restart();
    await emu.now();
    sqs.reconnect(emu.sqsEndpoint);
    await kafka.check(emu.kafkaPort).catch((e: Error) => kafka.violations.push(`check after restart failed: ${e.message}`));
    const v = sqs.violations.length + kafka.violations.length;
    for (const line of [...sqs.violations, ...kafka.violations].slice(reported)) console.error(`  VIOLATION ${line}`);
    reported = v;
    console.error(
      `iteration ${it}: sqs messages ${sqs.msgs.size}, kafka records acked ${kafka.ackedRecords}, unanswered at kills and not yet resolved ${maybe}, violations ${v}`,
    );
  }
  const { acked, drained } = await sqs.drainAndCheckLost((ms) => emu.advance(ms)).catch((e: Error) => {
    sqs.violations.push(`final drain failed: ${e.message}`);
    return { acked: 0, drained: 0 };
  });
  const violations = [...sqs.violations, ...kafka.violations];
  const summary = {
    iterations,
    seconds: Math.round((Date.now() - started) / 1000),
    sqsMessagesAcknowledged: acked,
    sqsDrainedAtEnd: drained,
    kafkaRecordsAcknowledged: kafka.ackedRecords,
    killsWithRequestsInFlight: killedWithInflight,
    violations: violations.length,
    firstViolations: violations.slice(0, 20),
  };
  console.log(JSON.stringify(summary, null, 1));
  process.exitCode = violations.length > 0 ? 1 : 0;
} finally {
  await emu.stop();
}
