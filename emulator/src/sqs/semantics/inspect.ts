/**
 * Read access to the SQS engine for the web console (and any other admin tool): queues with their
 * depth, age of oldest message, dead-letter wiring and attributes, and a peek at messages that
 * changes nothing (no visibility, no receive count). State changes the console offers (send, purge)
 * go through the engine's own operations, so they take the same validation and units of work as a
 * client's request (so do redrives: StartMessageMoveTask and its kin). Free of HTTP: the host maps these to JSON routes.
 */
import { randomUUID } from 'node:crypto';
import type { RequestContext, SqsApi } from './api.js';
import { SqsError } from './api.js';
import type { Content, Message } from './messages.js';
import type { Queue } from './queue.js';
import type { SqsState } from './state.js';

export interface QueueSummary {
  name: string;
  region: string;
  account: string;
  arn: string;
  fifo: boolean;
  visible: number;
  inflight: number;
  delayed: number;
  /** Seconds since the oldest message's retention started; null when the queue is empty. */
  oldestAgeSeconds: number | null;
  /** The queue this one dead-letters to (its name when live in the same process, else the ARN). */
  deadLetterTarget: string | null;
  maxReceiveCount: number | null;
  /** Queues whose RedrivePolicy names this one. */
  redriveSources: string[];
  attributes: Record<string, string>;
  tags: Record<string, string>;
  createdAt: number;
}

export interface PeekedMessage {
  messageId: string;
  body: string;
  state: 'delayed' | 'ready' | 'inflight';
  sentAt: number;
  receiveCount: number;
  /** When it becomes visible (delayed or in flight). */
  visibleAt: number;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
  attributes: Record<string, { type: string; value: string }>;
}

export interface ConsoleSend {
  body: string;
  delaySeconds?: number;
  groupId?: string;
  deduplicationId?: string;
}

/** Peeks return at most this many messages. */
export const MAX_PEEK = 100;

export class SqsInspect {
  constructor(
    private readonly s: SqsState,
    private readonly api: SqsApi,
  ) {}

  queues(): QueueSummary[] {
    const now = this.s.core.clock.now();
    const all = [...this.s.registry.all()].filter((q) => !q.deleted);
    const sources = new Map<string, string[]>();
    for (const q of all) {
      const target = q.deadLetterTargetArn;
      if (target) sources.set(target, [...(sources.get(target) ?? []), q.name]);
    }
    return all
      .map((q): QueueSummary => {
        const oldest = q.oldest;
        const dlq = q.redrive();
        const target = q.deadLetterTargetArn;
        return {
          name: q.name,
          region: q.record.region,
          account: q.record.account,
          arn: q.arn,
          fifo: q.fifo,
          visible: q.counts.ready,
          inflight: q.counts.inflight,
          delayed: q.counts.delayed,
          oldestAgeSeconds: oldest ? Math.max(0, Math.floor((now - oldest.retainFrom) / 1000)) : null,
          deadLetterTarget: target ? (dlq?.dlq.name ?? target) : null,
          maxReceiveCount: dlq?.maxReceiveCount ?? null,
          redriveSources: (sources.get(q.arn) ?? []).sort(),
          attributes: { ...q.record.attrs },
          tags: { ...q.record.tags },
          createdAt: q.record.createdAt,
        };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arn < b.arn ? -1 : 1));
  }

  /** Up to `max` messages in queue order, read from memory only: nothing about them changes. */
  async peek(region: string, account: string, name: string, max = 10): Promise<PeekedMessage[]> {
    const q = this.queue(region, account, name);
    const picked: Message[] = [];
    for (const m of q.messages.values()) {
      if (picked.length >= Math.min(Math.max(1, max), MAX_PEEK)) break;
      if (m.state !== 'gone') picked.push(m);
    }
    // Bodies live in the store: one batched read; a message deleted meanwhile is left out.
    const contents = await this.s.contents(q.record.sid, picked.map((m) => m.seq));
    const out: PeekedMessage[] = [];
    picked.forEach((m, i) => {
      const c = contents[i];
      if (c) out.push(view(m, c));
    });
    return out;
  }

  /** SendMessage, as a client in the queue's own region and account would send it. */
  async send(region: string, account: string, name: string, msg: ConsoleSend): Promise<{ messageId: string }> {
    const q = this.queue(region, account, name);
    const ctx = this.ctx(q);
    const out = await this.api.call(
      'SendMessage',
      {
        QueueUrl: q.url(ctx.baseUrl),
        MessageBody: msg.body,
        DelaySeconds: msg.delaySeconds,
        MessageGroupId: msg.groupId || undefined,
        MessageDeduplicationId: msg.deduplicationId || undefined,
      },
      ctx,
    );
    return { messageId: out.MessageId ?? '' };
  }

  /** PurgeQueue, with its 60-second cooldown and its unit of work. */
  async purge(region: string, account: string, name: string): Promise<void> {
    const q = this.queue(region, account, name);
    const ctx = this.ctx(q);
    await this.api.call('PurgeQueue', { QueueUrl: q.url(ctx.baseUrl) }, ctx);
  }

  /** StartMessageMoveTask from this dead-letter queue (back to each message's source, or to `destination`). */
  async startRedrive(region: string, account: string, name: string, opts: { destination?: string; maxPerSecond?: number }): Promise<{ taskHandle: string }> {
    const q = this.queue(region, account, name);
    const dest = opts.destination ? this.s.registry.get(region, account, opts.destination) : undefined;
    if (opts.destination && !dest) throw new SqsError('ResourceNotFoundException', `no queue "${opts.destination}" to redrive to`);
    const out = await this.api.call('StartMessageMoveTask', { SourceArn: q.arn, DestinationArn: dest?.arn, MaxNumberOfMessagesPerSecond: opts.maxPerSecond }, this.ctx(q));
    return { taskHandle: out.TaskHandle ?? '' };
  }

  /** CancelMessageMoveTask for this queue's running task. */
  async cancelRedrive(region: string, account: string, name: string): Promise<{ moved: number }> {
    const q = this.queue(region, account, name);
    const running = (await this.redrives(region, account, name)).find((t) => t.status === 'RUNNING');
    if (!running?.taskHandle) throw new SqsError('ResourceNotFoundException', 'Task does not exist.');
    const out = await this.api.call('CancelMessageMoveTask', { TaskHandle: running.taskHandle }, this.ctx(q));
    return { moved: out.ApproximateNumberOfMessagesMoved ?? 0 };
  }

  /** ListMessageMoveTasks: the newest tasks of this queue, first the running one if any. */
  async redrives(region: string, account: string, name: string): Promise<{ status: string; taskHandle?: string; moved: number; toMove: number; destination?: string; failureReason?: string; startedAt: number }[]> {
    const q = this.queue(region, account, name);
    const out = await this.api.call('ListMessageMoveTasks', { SourceArn: q.arn, MaxResults: 10 }, this.ctx(q));
    return (out.Results ?? []).map((r) => ({
      status: r.Status ?? '',
      taskHandle: r.TaskHandle,
      moved: r.ApproximateNumberOfMessagesMoved ?? 0,
      toMove: r.ApproximateNumberOfMessagesToMove ?? 0,
      destination: r.DestinationArn,
      failureReason: r.FailureReason,
      startedAt: r.StartedTimestamp ?? 0,
    }));
  }

  private queue(region: string, account: string, name: string): Queue {
    const q = this.s.registry.get(region, account, name);
    if (!q || q.deleted) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    return q;
  }

  private ctx(q: Queue): RequestContext {
    return { region: q.record.region, accountId: q.record.account, baseUrl: 'http://console.tandem', requestId: randomUUID() };
  }
}

function view(m: Message, c: Content): PeekedMessage {
  const attributes: PeekedMessage['attributes'] = {};
  for (const [k, v] of Object.entries(c.attrs ?? {})) {
    attributes[k] = { type: v.DataType, value: v.StringValue ?? (v.BinaryValue ? Buffer.from(v.BinaryValue).toString('base64') : '') };
  }
  return {
    messageId: c.id,
    body: c.body,
    state: m.state as PeekedMessage['state'],
    sentAt: m.sentAt,
    receiveCount: m.receiveCount,
    visibleAt: m.visibleAt,
    groupId: m.group,
    deduplicationId: m.dedup,
    sequenceNumber: m.sequenceNumber,
    attributes,
  };
}
