/**
 * Test control from the command line: `tandem clock` (the manual clock), `tandem faults`
 * (fault injection rules, core/faults.ts) and `tandem reset`. Everything a test suite does over
 * POST /_tandem/clock, /_tandem/faults and /_tandem/reset, for a developer at a shell.
 */
import { duration, http, intOption, Refused, table, type Command, type Ctx, UsageError } from './common.js';

interface Rule {
  id: string;
  engine: string;
  action?: string;
  queue?: string;
  api?: string | number;
  topic?: string;
  partition?: number;
  clientId?: string;
  error?: string;
  latencyMs?: number;
  disconnect?: boolean;
  dropResponse?: boolean;
  hits: number;
  remaining: number | null;
  expiresAt: number | null;
  active: boolean;
}

const clockShow = (r: { now: number; manual: boolean }) => `${new Date(r.now).toISOString()}  (${r.now})  ${r.manual ? 'manual clock' : 'system clock'}`;

async function clock(c: Ctx, body?: object): Promise<{ now: number; manual: boolean }> {
  try {
    return (await http(c, 'POST', '/_tandem/clock', body)) as { now: number; manual: boolean };
  } catch (e) {
    if (e instanceof Refused && e.status === 404) throw new Refused('Tandem runs on the system clock: start it with --manual-clock to move time');
    throw e;
  }
}

function match(r: Rule): string {
  const parts = r.engine === 'sqs' ? [r.action, r.queue && `queue=${r.queue}`] : [r.api !== undefined && String(r.api), r.topic && `topic=${r.topic}`, r.partition !== undefined && `partition=${r.partition}`, r.clientId && `client=${r.clientId}`];
  return parts.filter(Boolean).join(' ') || '*';
}

function effect(r: Rule): string {
  const e = r.error ?? (r.disconnect ? 'disconnect' : r.dropResponse ? 'drop-response' : '');
  return [r.latencyMs ? `+${r.latencyMs}ms` : '', e].filter(Boolean).join(' ');
}

export const CONTROL_COMMANDS: Record<string, Command> = {
  clock: {
    usage: 'clock [advance DURATION | set TIME]',
    describe: 'show Tandem\'s clock; with --manual-clock, move it forward or set it',
    args: [],
    optional: ['advance|set', 'VALUE'],
    details: [
      'DURATION: milliseconds or 30s, 5m, 2h, 1d. TIME: epoch milliseconds or an ISO date.',
      'Everything time-driven follows at once: visibility timeouts, delays, retention, session and transaction timeouts.',
      'example: tandem clock advance 31s',
    ].join('\n'),
    async run(c, [verb, value]) {
      if (verb === undefined) return http(c, 'GET', '/_tandem/clock');
      if (value === undefined) throw new UsageError(`clock ${verb} needs a value`);
      if (verb === 'advance') return clock(c, { advanceMs: duration(value, 'DURATION') });
      if (verb === 'set') {
        const now = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
        if (!Number.isFinite(now)) throw new UsageError(`TIME must be epoch milliseconds or an ISO date, got "${value}"`);
        return clock(c, { now });
      }
      throw new UsageError(`unknown clock action "${verb}" (advance or set)`);
    },
    show: clockShow,
  },
  'faults add': {
    usage: 'faults add sqs|kafka [match] EFFECT [--times N] [--for DURATION]',
    describe: 'add a fault rule (the next N matching requests, or for a time on Tandem\'s clock)',
    options: {
      action: { type: 'string' },
      queue: { type: 'string' },
      api: { type: 'string' },
      topic: { type: 'string' },
      partition: { type: 'string' },
      'client-id': { type: 'string' },
      error: { type: 'string' },
      latency: { type: 'string' },
      disconnect: { type: 'boolean' },
      'drop-response': { type: 'boolean' },
      times: { type: 'string' },
      for: { type: 'string' },
    },
    args: ['ENGINE'],
    details: [
      'match (all optional): sqs --action SendMessage --queue NAME; kafka --api Produce|0 --topic T --partition P --client-id C',
      'EFFECT: --error NAME (sqs: ThrottlingException, RequestThrottled, ServiceUnavailable, InternalError, KmsThrottled, ... any SQS error;',
      '        kafka: NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, COORDINATOR_NOT_AVAILABLE, ... any Kafka error name or code)',
      '        --disconnect (close the connection, request not run), --drop-response (run it, then close instead of answering),',
      '        --latency DURATION (on the clock; alone or with another effect)',
      'examples: tandem faults add sqs --action SendMessage --error ThrottlingException --times 2',
      '          tandem faults add kafka --api Produce --topic orders --drop-response --times 1',
    ].join('\n'),
    run(c, [engine], o) {
      const rule: Record<string, unknown> = { engine };
      for (const k of ['action', 'queue', 'topic', 'error'] as const) if (o[k] !== undefined) rule[k] = o[k];
      if (o.api !== undefined) rule.api = /^\d+$/.test(o.api as string) ? Number(o.api) : o.api;
      if (o['client-id'] !== undefined) rule.clientId = o['client-id'];
      if (o.partition !== undefined) rule.partition = intOption(o.partition, '--partition');
      if (o.latency !== undefined) rule.latencyMs = duration(o.latency as string, '--latency');
      if (o.disconnect) rule.disconnect = true;
      if (o['drop-response']) rule.dropResponse = true;
      if (o.times !== undefined) rule.times = intOption(o.times, '--times', 1);
      if (o.for !== undefined) rule.forMs = duration(o.for as string, '--for');
      return http(c, 'POST', '/_tandem/faults', rule);
    },
    show: (r: Rule) => `added ${r.id}: ${r.engine} ${match(r)} -> ${effect(r)}`,
  },
  'faults ls': {
    usage: 'faults ls',
    describe: 'list fault rules with their hit counts',
    args: [],
    run: async (c) => ((await http(c, 'GET', '/_tandem/faults')) as { rules: Rule[] }).rules,
    show: (rules: Rule[]) =>
      table(
        ['ID', 'ENGINE', 'MATCH', 'EFFECT', 'HITS', 'LEFT', 'UNTIL', 'ACTIVE'],
        rules.map((r) => [r.id, r.engine, match(r), effect(r), r.hits, r.remaining, r.expiresAt === null ? null : new Date(r.expiresAt).toISOString(), r.active ? 'yes' : 'no']),
      ),
  },
  'faults clear': {
    usage: 'faults clear [ID]',
    describe: 'remove one fault rule, or every rule',
    args: [],
    optional: ['ID'],
    run: (c, [id]) => http(c, 'DELETE', `/_tandem/faults${id === undefined ? '' : `?id=${encodeURIComponent(id)}`}`),
    show: (r: { cleared: number }) => `cleared ${r.cleared} rule(s)`,
  },
  reset: {
    usage: 'reset',
    describe: 'delete every queue, topic and consumer group (POST /_tandem/reset)',
    args: [],
    run: (c) => http(c, 'POST', '/_tandem/reset'),
    show: (r: { queues: number; topics: number; groups: number }) => `deleted ${r.queues} queue(s), ${r.topics} topic(s), ${r.groups} group(s)`,
  },
};
