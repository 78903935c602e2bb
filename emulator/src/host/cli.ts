/**
 * The `tandem` command's subcommands, which talk to a running Tandem (`--endpoint`, default
 * http://127.0.0.1:9324, env TANDEM_ENDPOINT): SQS commands through SQS's own JSON protocol, Kafka
 * topics and groups through the admin routes (admin-api.ts), reset through POST /_tandem/reset.
 * Human tables by default, `--json` for scripts. Exit codes: 0 done, 1 refused by Tandem (the
 * error is printed), 2 bad usage, 3 Tandem not reachable.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { clusterCommands } from './cli-cluster.js';

export const EXIT = { OK: 0, REFUSED: 1, USAGE: 2, UNREACHABLE: 3 } as const;

export interface Command {
  usage: string;
  describe: string;
  options?: ParseArgsConfig['options'];
  /** Positional arguments: required names. */
  args: string[];
  run(c: Ctx, args: string[], opts: Record<string, unknown>): Promise<unknown>;
  /** Human rendering of the result. */
  show?(result: any): string;
}

export interface Ctx {
  endpoint: string;
}

class Refused extends Error {}
class Unreachable extends Error {}

export type Http = typeof http;
export type Table = typeof table;

async function http(c: Ctx, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(c.endpoint + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new Unreachable(`cannot reach Tandem at ${c.endpoint}: ${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}`);
  }
  const text = await res.text();
  const json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  if (!res.ok) {
    const type = typeof json.__type === 'string' ? `${json.__type.split('#').pop()}: ` : '';
    throw new Refused(`${type}${String(json.message ?? json.error ?? res.statusText)}`);
  }
  return json;
}

const sqs = (c: Ctx, op: string, input: Record<string, unknown>) => http(c, 'POST', '/', input, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` });

const pairs = (list: unknown, what: string): Record<string, string> =>
  Object.fromEntries(
    ((list as string[] | undefined) ?? []).map((kv) => {
      const i = kv.indexOf('=');
      if (i < 1) throw new UsageError(`${what} must be KEY=VALUE, got "${kv}"`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );

class UsageError extends Error {}

/** Columns padded to their widest cell, as kafka-consumer-groups prints them. */
export function table(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((v) => (v === null || v === undefined ? '-' : String(v))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]))).join('  ')).join('\n');
}

const COMMANDS: Record<string, Command> = {
  'queues ls': {
    usage: 'queues ls [--prefix P]',
    describe: 'list queues with their depth',
    options: { prefix: { type: 'string' } },
    args: [],
    async run(c, _a, o) {
      const { QueueUrls = [] } = (await sqs(c, 'ListQueues', o.prefix ? { QueueNamePrefix: o.prefix } : {})) as { QueueUrls?: string[] };
      const out = [];
      for (const url of QueueUrls) {
        const { Attributes = {} } = (await sqs(c, 'GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })) as { Attributes?: Record<string, string> };
        out.push({ name: url.slice(url.lastIndexOf('/') + 1), url, visible: Number(Attributes.ApproximateNumberOfMessages), inflight: Number(Attributes.ApproximateNumberOfMessagesNotVisible), delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed) });
      }
      return out;
    },
    show: (r: { name: string; visible: number; inflight: number; delayed: number; url: string }[]) => table(['QUEUE', 'VISIBLE', 'INFLIGHT', 'DELAYED', 'URL'], r.map((q) => [q.name, q.visible, q.inflight, q.delayed, q.url])),
  },
  'queues create': {
    usage: 'queues create NAME [--attr KEY=VALUE]... [--tag KEY=VALUE]...',
    describe: 'create a queue (CreateQueue)',
    options: { attr: { type: 'string', multiple: true }, tag: { type: 'string', multiple: true } },
    args: ['NAME'],
    run: (c, [name], o) => sqs(c, 'CreateQueue', { QueueName: name, Attributes: pairs(o.attr, '--attr'), tags: pairs(o.tag, '--tag') }),
    show: (r: { QueueUrl: string }) => r.QueueUrl,
  },
  'queues delete': { usage: 'queues delete NAME', describe: 'delete a queue', args: ['NAME'], run: (c, [name]) => sqs(c, 'DeleteQueue', { QueueUrl: name }), show: () => 'deleted' },
  'queues purge': { usage: 'queues purge NAME', describe: 'delete every message of a queue', args: ['NAME'], run: (c, [name]) => sqs(c, 'PurgeQueue', { QueueUrl: name }), show: () => 'purged' },
  send: {
    usage: 'send QUEUE BODY [--group-id G] [--dedup-id D] [--delay SECONDS]',
    describe: 'send one message (SendMessage)',
    options: { 'group-id': { type: 'string' }, 'dedup-id': { type: 'string' }, delay: { type: 'string' } },
    args: ['QUEUE', 'BODY'],
    run: (c, [queue, body], o) =>
      sqs(c, 'SendMessage', {
        QueueUrl: queue,
        MessageBody: body,
        ...(o['group-id'] ? { MessageGroupId: o['group-id'] } : {}),
        ...(o['dedup-id'] ? { MessageDeduplicationId: o['dedup-id'] } : {}),
        ...(o.delay ? { DelaySeconds: Number(o.delay) } : {}),
      }),
    show: (r: { MessageId: string }) => r.MessageId,
  },
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
  'groups ls': {
    usage: 'groups ls',
    describe: 'list consumer groups and their state',
    args: [],
    run: async (c) => ((await http(c, 'GET', '/_tandem/groups')) as { groups: unknown[] }).groups,
    show: (r: { groupId: string; state: string }[]) => table(['GROUP', 'STATE'], r.map((g) => [g.groupId, g.state])),
  },
  'groups describe': {
    usage: 'groups describe [GROUP]',
    describe: 'lag per partition, as kafka-consumer-groups --describe prints it (every group without GROUP)',
    // --group and --url: the flags of the `npm run lag` script this command replaces.
    options: { group: { type: 'string' }, url: { type: 'string' } },
    args: [],
    async run(c, [positional], o) {
      const group = positional ?? (o.group as string | undefined);
      if (group !== undefined) return ((await http(c, 'GET', `/_tandem/kafka/lag?group=${encodeURIComponent(group)}`)) as { partitions: unknown[] }).partitions;
      return ((await http(c, 'GET', '/_tandem/kafka/lag')) as { groups: { partitions: unknown[] }[] }).groups.flatMap((g) => g.partitions);
    },
    show: (rows: { group: string; topic: string; partition: number; currentOffset: number | null; logEndOffset: number | null; lag: number | null; consumerId: string | null; host: string | null; clientId: string | null }[]) =>
      table(
        ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
        rows.map((r) => [r.group, r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId]),
      ),
  },
  reset: {
    usage: 'reset',
    describe: 'delete every queue, topic and consumer group (POST /_tandem/reset)',
    args: [],
    run: (c) => http(c, 'POST', '/_tandem/reset'),
    show: (r: { queues: number; topics: number; groups: number }) => `deleted ${r.queues} queue(s), ${r.topics} topic(s), ${r.groups} group(s)`,
  },
  ...clusterCommands(http, table),
};

/** First words that make the argument list a CLI command rather than server flags. */
export const SUBCOMMANDS = new Set(Object.keys(COMMANDS).map((k) => k.split(' ')[0]));

const COMMON = '  --endpoint URL   Tandem\'s SQS/admin port (default http://127.0.0.1:9324, env TANDEM_ENDPOINT)\n  --json           print JSON instead of a table\n  --help           print this';

export function cliUsage(): string {
  return [
    'usage: tandem [serve] [server flags]     run Tandem (tandem serve --help lists the flags)',
    '       tandem COMMAND [options]           talk to a running Tandem',
    '',
    'commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(64)} ${c.describe}`),
    '',
    'options of every command:',
    COMMON,
    '',
    'exit codes: 0 done, 1 refused by Tandem, 2 bad usage, 3 Tandem not reachable',
  ].join('\n');
}

/** Run one command; answers the exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  const name = COMMANDS[two] ? two : COMMANDS[argv[0]] ? argv[0] : undefined;
  if (!name) {
    if (argv[1] === undefined || argv[1] === '--help') {
      out(cliUsage());
      return argv[1] === '--help' ? EXIT.OK : EXIT.USAGE;
    }
    err(`tandem: unknown command "${two.trim()}"\n\n${cliUsage()}`);
    return EXIT.USAGE;
  }
  const cmd = COMMANDS[name];
  const rest = argv.slice(name.split(' ').length);
  const help = `usage: tandem ${cmd.usage}\n\n${cmd.describe}\n\n${COMMON}`;
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { ...cmd.options, endpoint: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    err(`tandem ${name}: ${(e as Error).message}\n\n${help}`);
    return EXIT.USAGE;
  }
  if (values.help) {
    out(help);
    return EXIT.OK;
  }
  const maxArgs = name === 'groups describe' ? 1 : cmd.args.length;
  if (positionals.length < cmd.args.length || positionals.length > maxArgs) {
    err(`tandem ${name}: expected ${cmd.args.join(' ') || 'no arguments'}\n\n${help}`);
    return EXIT.USAGE;
  }
  const endpoint = String(values.endpoint ?? values.url ?? env.TANDEM_ENDPOINT ?? 'http://127.0.0.1:9324').replace(/\/+$/, '');
  try {
    const result = await cmd.run({ endpoint }, positionals, values);
    out(values.json || !cmd.show ? JSON.stringify(result, null, 2) : cmd.show(result));
    return EXIT.OK;
  } catch (e) {
    err(`tandem ${name}: ${(e as Error).message}`);
    return e instanceof UsageError ? EXIT.USAGE : e instanceof Unreachable ? EXIT.UNREACHABLE : EXIT.REFUSED;
  }
}
