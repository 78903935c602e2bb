/**
 * `npm run fuzz -- --protocol sqs|kafka --count N --seed S [--workers W] [--out DIR] [--only i,j]`:
 * a bounded, seeded fuzz run against a spawned Tandem (build first: npm run build). Input i of a
 * seed is always the same, so `--only` replays the inputs a report names. Prints a JSON summary
 * and exits 1 on any crash, hang, non-protocol or internal error (details in --out).
 */
import { runKafka, type RunOptions } from './run-kafka.js';
import { runSqs } from './run-sqs.js';

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const protocol = arg('protocol', 'sqs');
const opts: RunOptions = {
  count: Number(arg('count', '1000')),
  seed: Number(arg('seed', '1')),
  workers: Number(arg('workers', '4')),
  outDir: arg('out', `fuzz-out/${protocol}-${arg('seed', '1')}`)!,
  only: arg('only')?.split(',').map(Number),
};
if (protocol !== 'sqs' && protocol !== 'kafka') {
  console.error('--protocol sqs|kafka');
  process.exit(2);
}
const report = protocol === 'kafka' ? await runKafka(opts) : await runSqs(opts);
const summary = report.summary();
console.log(JSON.stringify(summary, null, 1));
const bad = report.findings.length;
process.exit(bad > 0 ? 1 : 0);
