/**
 * `npm run bench`: Tandem's SQS and Kafka endpoints against baselines measured in the same run
 * (bare node:http, raw LevelDB, raw TCP, librdkafka's mock cluster) and against the peers users
 * would otherwise run (suites/peers.ts: real Kafka, kfake, ElasticMQ, moto, goaws, LocalStack). Table on stdout, progress on
 * stderr, the same numbers as JSON in .bench/results.json (or --out).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { killAll, WORK_DIR } from './lib/procs.js';
import { profiles, topSelf } from './lib/profile.js';
import { Report } from './lib/report.js';
import type { Ctx } from './suites/common.js';
import { backlogSuite } from './suites/backlog.js';
import { kafkaSuite } from './suites/kafka.js';
import { kafkaIdemSuite } from './suites/kafka-idem.js';
import { peersSuite } from './suites/peers.js';
import { scaleSuite } from './suites/scale.js';
import { sqsSuite } from './suites/sqs.js';
import { startupSuite } from './suites/startup.js';

const SUITES = { startup: startupSuite, sqs: sqsSuite, kafka: kafkaSuite, 'kafka-idem': kafkaIdemSuite, scale: scaleSuite, backlog: backlogSuite, peers: peersSuite } as const;
type SuiteName = keyof typeof SUITES;

const USAGE = `usage: node dist/scripts/bench/index.js [options]
  --only LIST   comma-separated suites: ${Object.keys(SUITES).join(', ')} (default: all; kafka-idem = only the idempotent-vs-plain slice of kafka)
  --quick       small counts (< 1 minute), to check the bench itself
  --out FILE    JSON results (default .bench/results.json)
  --cpu-prof    run the emulator under node --cpu-prof; profiles and top functions in .bench/prof/`;

function parseArgs(argv: string[]): { only: SuiteName[]; quick: boolean; out: string; cpuProf: boolean } {
  // kafka-idem is a narrow slice of kafka (which runs it too), so the default leaves it out.
  const opts: { only: SuiteName[]; quick: boolean; out: string; cpuProf: boolean } = { only: (Object.keys(SUITES) as SuiteName[]).filter((s) => s !== 'kafka-idem'), quick: false, out: path.join(WORK_DIR, 'results.json'), cpuProf: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    switch (flag) {
      case '--only':
        opts.only = value().split(',').map((s) => (s in SUITES ? (s as SuiteName) : fail(`unknown suite "${s}"`)));
        break;
      case '--quick':
        opts.quick = true;
        break;
      case '--out':
        opts.out = path.resolve(value());
        break;
      case '--cpu-prof':
        opts.cpuProf = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        fail(`unknown argument "${argv[i]}"`);
    }
  }
  return opts;
}

function fail(msg: string): never {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const report = new Report();
const ctx: Ctx = { report, quick: opts.quick, cpuProf: opts.cpuProf };
const profDir = path.join(WORK_DIR, 'prof');
if (opts.cpuProf) rmSync(profDir, { recursive: true, force: true });
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAll();
    process.exit(130);
  });
}

try {
  for (const name of opts.only) {
    report.progress(`suite ${name}${opts.quick ? ' (quick)' : ''}`);
    try {
      await SUITES[name](ctx);
    } catch (e) {
      report.error(name, 'suite aborted', e);
    }
  }
} finally {
  killAll();
}
report.endProgress();

process.stdout.write(report.table());
mkdirSync(path.dirname(opts.out), { recursive: true });
writeFileSync(opts.out, JSON.stringify(report.json(opts), null, 2) + '\n');
process.stderr.write(`results: ${opts.out}\n`);
if (opts.cpuProf) {
  const lines: string[] = [];
  for (const f of profiles(profDir)) lines.push(`\n${path.relative(WORK_DIR, f)}`, ...topSelf(f));
  writeFileSync(path.join(profDir, 'summary.txt'), lines.join('\n') + '\n');
  process.stderr.write(`cpu profiles: ${path.join(profDir, 'summary.txt')}\n`);
}
