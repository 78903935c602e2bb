/**
 * Consumer lag as `kafka-consumer-groups --describe` prints it, read from a running emulator's
 * admin route:  npm run lag -- [--group g] [--url http://127.0.0.1:9324]
 * Without --group, every group is shown.
 */
import type { LagRow } from './index.js';

const USAGE = 'usage: npm run lag -- [--group g] [--url http://127.0.0.1:9324]';
const HEADER = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'];

function parseArgs(argv: string[]): { url: string; group: string | undefined } {
  let url = 'http://127.0.0.1:9324';
  let group: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (flag === '--url') url = value();
    else if (flag === '--group') group = value();
    else throw new Error(`unknown argument "${argv[i]}"\n${USAGE}`);
  }
  return { url: url.replace(/\/+$/, ''), group };
}

function formatTable(rows: LagRow[]): string {
  const cell = (v: string | number | null) => (v === null ? '-' : String(v));
  const table = [HEADER, ...rows.map((r) => [r.group, r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId].map(cell))];
  const widths = HEADER.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

async function main(): Promise<void> {
  const { url, group } = parseArgs(process.argv.slice(2));
  const res = await fetch(`${url}/_tandem/kafka/lag${group === undefined ? '' : `?group=${encodeURIComponent(group)}`}`);
  const body = (await res.json()) as { error?: string; partitions?: LagRow[]; groups?: { partitions: LagRow[] }[] };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  const rows = body.partitions ?? (body.groups ?? []).flatMap((g) => g.partitions);
  process.stdout.write(formatTable(rows) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
