/**
 * `tandem queues ...` and `tandem send`: SQS through SQS's own JSON protocol (what any SDK does),
 * except `queues peek`, which reads messages through the console's read API so it changes nothing
 * (no visibility timeout starts, no receive count grows: a ReceiveMessage would do both).
 */
import { cell, http, intOption, pairs, sqs, table, type Command, type Ctx, Refused, UsageError } from './common.js';

interface QueueRow {
  name: string;
  region: string;
  account: string;
}

interface Peeked {
  messageId: string;
  body: string;
  state: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  groupId?: string;
}

/** The console route path of a queue named `name` (region and account resolved when unique). */
async function queuePath(c: Ctx, name: string, o: Record<string, unknown>): Promise<string> {
  const all = (await http(c, 'GET', '/_tandem/sqs/queues')) as QueueRow[];
  const found = all.filter((q) => q.name === name && (o.region === undefined || q.region === o.region) && (o.account === undefined || q.account === o.account));
  if (found.length === 0) throw new Refused(`QueueDoesNotExist: no queue "${name}"`);
  if (found.length > 1) throw new UsageError(`"${name}" exists in ${found.map((q) => `${q.region}/${q.account}`).join(', ')}: pick one with --region/--account`);
  const q = found[0];
  return `/_tandem/sqs/queues/${encodeURIComponent(q.region)}/${encodeURIComponent(q.account)}/${encodeURIComponent(q.name)}`;
}

export const QUEUE_COMMANDS: Record<string, Command> = {
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
    details: 'example: tandem queues create orders.fifo --attr FifoQueue=true --attr ContentBasedDeduplication=true',
    run: (c, [name], o) => sqs(c, 'CreateQueue', { QueueName: name, Attributes: pairs(o.attr, '--attr'), tags: pairs(o.tag, '--tag') }),
    show: (r: { QueueUrl: string }) => r.QueueUrl,
  },
  'queues delete': { usage: 'queues delete NAME', describe: 'delete a queue', args: ['NAME'], run: (c, [name]) => sqs(c, 'DeleteQueue', { QueueUrl: name }), show: () => 'deleted' },
  'queues purge': { usage: 'queues purge NAME', describe: 'delete every message of a queue', args: ['NAME'], run: (c, [name]) => sqs(c, 'PurgeQueue', { QueueUrl: name }), show: () => 'purged' },
  'queues peek': {
    usage: 'queues peek NAME [--max N] [--region R] [--account A]',
    describe: 'show messages without receiving them (no visibility change, no receive count)',
    options: { max: { type: 'string' }, region: { type: 'string' }, account: { type: 'string' } },
    args: ['NAME'],
    details: 'Messages in every state (ready, in flight, delayed), oldest first; --max up to 100 (default 10).',
    async run(c, [name], o) {
      const max = intOption(o.max, '--max', 1) ?? 10;
      return http(c, 'GET', `${await queuePath(c, name, o)}/messages?max=${max}`);
    },
    show: (r: Peeked[]) =>
      table(
        ['MESSAGE-ID', 'STATE', 'RECEIVES', 'SENT', 'GROUP', 'BODY'],
        r.map((m) => [m.messageId, m.state, m.receiveCount, new Date(m.sentAt).toISOString(), m.groupId, cell(m.body)]),
      ),
  },
  send: {
    usage: 'send QUEUE BODY [--group-id G] [--dedup-id D] [--delay SECONDS] [--attr NAME=VALUE]...',
    describe: 'send one message (SendMessage)',
    options: { 'group-id': { type: 'string' }, 'dedup-id': { type: 'string' }, delay: { type: 'string' }, attr: { type: 'string', multiple: true } },
    args: ['QUEUE', 'BODY'],
    details: '--attr adds a String message attribute.',
    run: (c, [queue, body], o) => {
      const attrs = pairs(o.attr, '--attr');
      return sqs(c, 'SendMessage', {
        QueueUrl: queue,
        MessageBody: body,
        ...(o['group-id'] ? { MessageGroupId: o['group-id'] } : {}),
        ...(o['dedup-id'] ? { MessageDeduplicationId: o['dedup-id'] } : {}),
        ...(o.delay !== undefined ? { DelaySeconds: intOption(o.delay, '--delay') } : {}),
        ...(Object.keys(attrs).length ? { MessageAttributes: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])) } : {}),
      });
    },
    show: (r: { MessageId: string }) => r.MessageId,
  },
};
