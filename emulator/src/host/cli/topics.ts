/**
 * `tandem topics ...`, `tandem produce` and `tandem consume`: Kafka has no HTTP protocol, so these
 * use Tandem's admin routes (../admin-api.ts for topics) and the console's read API (records
 * decoded by the engine's own batch codec, every compression codec) — a consume here reads without
 * joining a group or committing anything.
 */
import { cell, http, intOption, pairs, table, type Command, UsageError } from './common.js';

interface Rendered {
  format: string;
  text: string | null;
}
interface Browsed {
  start: number;
  next: number;
  logEndOffset: number;
  records: { partition: number; offset: number; timestamp: number; key: Rendered; value: Rendered; headers: { key: string; value: Rendered }[] }[];
}

/** A timestamp given as epoch milliseconds or an ISO 8601 date. */
function timestamp(v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new UsageError(`--timestamp must be epoch milliseconds or an ISO date, got "${v}"`);
  return n;
}

const topicPath = (name: string) => `/_tandem/kafka/topics/${encodeURIComponent(name)}/records`;

export const TOPIC_COMMANDS: Record<string, Command> = {
  'topics ls': {
    usage: 'topics ls',
    describe: 'list topics with partitions and record counts',
    args: [],
    run: async (c) => ((await http(c, 'GET', '/_tandem/topics')) as { topics: unknown[] }).topics,
    show: (r: { name: string; partitions: { logStartOffset: number; logEndOffset: number }[] }[]) =>
      table(['TOPIC', 'PARTITIONS', 'RECORDS'], r.map((t) => [t.name, t.partitions.length, t.partitions.reduce((n, p) => n + p.logEndOffset - p.logStartOffset, 0)])),
  },
  'topics create': {
    usage: 'topics create NAME [--partitions N] [--config KEY=VALUE]...',
    describe: 'create a topic (CreateTopics rules)',
    options: { partitions: { type: 'string' }, config: { type: 'string', multiple: true } },
    args: ['NAME'],
    details: 'example: tandem topics create order-events --partitions 4 --config retention.ms=604800000',
    run(c, [name], o) {
      const partitions = o.partitions === undefined ? undefined : Number(o.partitions);
      if (partitions !== undefined && !(Number.isInteger(partitions) && partitions > 0)) throw new UsageError('--partitions must be a positive integer');
      return http(c, 'POST', '/_tandem/topics', { name, partitions, configs: pairs(o.config, '--config') });
    },
    show: (r: { name: string; partitions: unknown[] }) => `created ${r.name} with ${r.partitions.length} partition(s)`,
  },
  'topics describe': {
    usage: 'topics describe NAME',
    describe: 'partitions with log offsets, and the topic configs',
    args: ['NAME'],
    run: (c, [name]) => http(c, 'GET', `/_tandem/topics?topic=${encodeURIComponent(name)}`),
    show: (t: { name: string; partitions: { partition: number; logStartOffset: number; logEndOffset: number }[]; configs: Record<string, string> }) =>
      table(['TOPIC', 'PARTITION', 'LOG-START-OFFSET', 'LOG-END-OFFSET'], t.partitions.map((p) => [t.name, p.partition, p.logStartOffset, p.logEndOffset])) +
      (Object.keys(t.configs).length ? '\n\n' + table(['CONFIG', 'VALUE'], Object.entries(t.configs)) : ''),
  },
  'topics delete': { usage: 'topics delete NAME', describe: 'delete a topic', args: ['NAME'], run: (c, [name]) => http(c, 'DELETE', `/_tandem/topics?topic=${encodeURIComponent(name)}`), show: () => 'deleted' },
  produce: {
    usage: 'produce TOPIC VALUE [--key K] [--partition P] [--header KEY=VALUE]... [--null-value]',
    describe: 'append one record (through the log\'s produce path, as a client\'s Produce)',
    options: { key: { type: 'string' }, partition: { type: 'string' }, header: { type: 'string', multiple: true }, 'null-value': { type: 'boolean' } },
    args: ['TOPIC'],
    optional: ['VALUE'],
    details: 'VALUE is UTF-8 text (JSON is text too); --null-value writes a tombstone instead.',
    run(c, [topic, value], o) {
      if ((value === undefined) === !o['null-value']) throw new UsageError('give a VALUE or --null-value');
      const headers = Object.entries(pairs(o.header, '--header')).map(([key, v]) => ({ key, value: v }));
      return http(c, 'POST', topicPath(topic), { value: o['null-value'] ? null : value, key: o.key, partition: intOption(o.partition, '--partition'), headers });
    },
    show: (r: { partition: number; offset: number }) => `partition ${r.partition} offset ${r.offset}`,
  },
  consume: {
    usage: 'consume TOPIC [--partition P] [--offset O | --timestamp T] [--max N]',
    describe: 'read records of one partition, decoded (no group, nothing committed)',
    options: { partition: { type: 'string' }, offset: { type: 'string' }, timestamp: { type: 'string' }, max: { type: 'string' } },
    args: ['TOPIC'],
    details: 'From the log start unless --offset, or --timestamp (epoch ms or ISO date: the first record at or after it). --max up to 500 (default 50).',
    async run(c, [topic], o) {
      if (o.offset !== undefined && o.timestamp !== undefined) throw new UsageError('give --offset or --timestamp, not both');
      const q = new URLSearchParams({ partition: String(intOption(o.partition, '--partition') ?? 0), limit: String(intOption(o.max, '--max', 1) ?? 50) });
      if (o.offset !== undefined) q.set('offset', String(intOption(o.offset, '--offset')));
      if (o.timestamp !== undefined) q.set('timestamp', String(timestamp(o.timestamp as string)));
      return http(c, 'GET', `${topicPath(topic)}?${q}`);
    },
    show: (r: Browsed) =>
      table(
        ['PARTITION', 'OFFSET', 'TIMESTAMP', 'KEY', 'VALUE', 'HEADERS'],
        r.records.map((x) => [x.partition, x.offset, new Date(x.timestamp).toISOString(), cell(x.key.text), cell(x.value.text), x.headers.map((h) => `${h.key}=${cell(h.value.text, 20)}`).join(',') || '-']),
      ) + `\n(next offset ${r.next}, log end ${r.logEndOffset})`,
  },
};
