/** Queue management: create/delete/find/list queues, their attributes, tags, permissions, purge. */
import type { UnitOfWork } from '../../core/storage/unit-of-work.js';
import { attemptRange, delTombstone, delQueue, dedupRange, messageRange, putQueue, putTombstone, type QueueRecord } from '../storage/records.js';
import type * as T from '../model/generated.js';
import { SqsError, type RequestContext } from './api.js';
import { initialAttributes, normalizeQueueAttributes, selectAttributeNames, xmlText } from './attributes.js';
import { invalidParameter, queueDoesNotExist } from './errors.js';
import { paginate } from './paging.js';
import { Queue } from './queue.js';
import { checkRedriveTarget } from './redrive.js';
import type { SqsState } from './state.js';

const COOLDOWN_MS = 60_000;
const PERMISSION_ACTIONS = new Set([
  '*', 'SendMessage', 'ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility', 'GetQueueAttributes', 'GetQueueUrl',
  'ListDeadLetterSourceQueues', 'PurgeQueue', 'ListQueueTags',
]);

const seconds = (ms: number): string => String(Math.floor(ms / 1000));

export class QueueOps {
  constructor(private readonly s: SqsState) {}

  private get now(): number {
    return this.s.core.clock.now();
  }

  private get cooldowns(): boolean {
    return !this.s.config.relaxedTimers;
  }

  async create(input: T.CreateQueueRequest, ctx: RequestContext): Promise<T.CreateQueueResult> {
    const name: string = input.QueueName;
    const given: Record<string, string> = { ...(input.Attributes ?? {}) };
    const fifoAttr = given.FifoQueue === undefined ? undefined : String(given.FifoQueue).toLowerCase();
    const fifo = name.endsWith('.fifo');
    if (fifo || fifoAttr === 'true') {
      if (!fifo || fifoAttr !== 'true' || !/^[A-Za-z0-9_-]{1,75}\.fifo$/.test(name)) {
        throw new SqsError('InvalidParameterValue', 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.');
      }
    } else if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw new SqsError('InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    // AWS refuses FifoQueue on a standard queue, even FifoQueue=false.
    if (fifoAttr === 'false') throw new SqsError('InvalidAttributeName', 'Unknown Attribute FifoQueue.');
    const attrs = normalizeQueueAttributes(given, fifo);
    const arn = `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`;
    if (attrs.RedrivePolicy) checkRedriveTarget(this.s, arn, fifo, attrs.RedrivePolicy);

    const existing = this.s.registry.get(ctx.region, ctx.accountId, name);
    if (existing) {
      const current = existing.record.attrs;
      for (const [k, v] of Object.entries(attrs)) {
        if ((current[k] ?? '') !== v) throw new SqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${k}`);
      }
      return { QueueUrl: existing.url(ctx.baseUrl) };
    }
    if (this.s.registry.deletedRecently(ctx.region, ctx.accountId, name, this.now)) {
      throw new SqsError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.');
    }
    checkTags(input.tags);
    const record: QueueRecord = {
      id: this.s.newId(),
      sid: this.s.newId(),
      region: ctx.region,
      account: ctx.accountId,
      name,
      attrs: initialAttributes(attrs, fifo),
      tags: { ...(input.tags ?? {}) },
      createdAt: this.now,
      modifiedAt: this.now,
    };
    if (fifo) record.dedupScope = record.attrs.DeduplicationScope;
    const q = new Queue(this.s, record);
    // Registered at once so that a concurrent CreateQueue of the same name finds it; a failed write
    // takes it back out.
    this.s.registry.add(q);
    const ops = this.s.begin();
    ops.push(putQueue(record));
    ops.onRollback(() => {
      this.s.registry.remove(q);
      q.shutdown();
    });
    if (this.s.registry.clearTombstone(ctx.region, ctx.accountId, name)) ops.push(delTombstone(ctx.region, ctx.accountId, name));
    await ops.commit();
    this.s.log.info('sqs.queue_created', { queue: name, region: ctx.region, account: ctx.accountId, fifo });
    return { QueueUrl: q.url(ctx.baseUrl) };
  }

  async delete(input: T.DeleteQueueRequest, ctx: RequestContext): Promise<T.EmptyResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const r = q.record;
    const now = this.now;
    const ops = this.s.begin();
    ops.push(delQueue(r));
    if (this.cooldowns) ops.push(putTombstone(r.region, r.account, r.name, { deletedAt: now }));
    ops.delRange(messageRange(r.sid)).delRange(dedupRange(r.id)).delRange(attemptRange(r.id));
    await ops.commit();
    if (this.s.registry.get(r.region, r.account, r.name) !== q) return {};
    this.s.registry.remove(q);
    q.deleted = true;
    q.shutdown();
    this.s.polls.release(q);
    if (this.cooldowns) this.s.registry.setTombstone(r.region, r.account, r.name, now + COOLDOWN_MS);
    this.s.log.info('sqs.queue_deleted', { queue: r.name, region: r.region, account: r.account });
    return {};
  }

  async getUrl(input: T.GetQueueUrlRequest, ctx: RequestContext): Promise<T.GetQueueUrlResult> {
    const account = input.QueueOwnerAWSAccountId ?? ctx.accountId;
    const q = this.s.registry.get(ctx.region, account, input.QueueName);
    if (!q) throw queueDoesNotExist();
    return { QueueUrl: q.url(ctx.baseUrl) };
  }

  async list(input: T.ListQueuesRequest, ctx: RequestContext): Promise<T.ListQueuesResult> {
    const prefix: string = input.QueueNamePrefix ?? '';
    const names = this.s.registry.list(ctx.region, ctx.accountId).filter((q) => q.name.startsWith(prefix));
    const page = paginate(names, input.MaxResults, input.NextToken, (q) => q.name);
    const out: T.ListQueuesResult = {};
    if (page.items.length > 0) out.QueueUrls = page.items.map((q) => q.url(ctx.baseUrl));
    if (page.nextToken) out.NextToken = page.nextToken;
    return out;
  }

  async listDeadLetterSources(input: T.ListDeadLetterSourceQueuesRequest, ctx: RequestContext): Promise<T.ListDeadLetterSourceQueuesResult> {
    const dlq = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const sources = this.s.registry.list(ctx.region, dlq.record.account).filter((q) => q.deadLetterTargetArn === dlq.arn);
    const page = paginate(sources, input.MaxResults, input.NextToken, (q) => q.name);
    const out: T.ListDeadLetterSourceQueuesResult = { queueUrls: page.items.map((q) => q.url(ctx.baseUrl)) };
    if (page.nextToken) out.NextToken = page.nextToken;
    return out;
  }

  async getAttributes(input: T.GetQueueAttributesRequest, ctx: RequestContext): Promise<T.GetQueueAttributesResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const names = selectAttributeNames(input.AttributeNames, q.fifo);
    const r = q.record;
    const computed: Record<string, string> = {
      QueueArn: q.arn,
      ApproximateNumberOfMessages: String(q.counts.ready),
      ApproximateNumberOfMessagesNotVisible: String(q.counts.inflight),
      ApproximateNumberOfMessagesDelayed: String(q.counts.delayed),
      CreatedTimestamp: seconds(r.createdAt),
      LastModifiedTimestamp: seconds(r.modifiedAt),
    };
    const Attributes: Record<string, string> = {};
    for (const n of names) {
      const v = computed[n] ?? r.attrs[n];
      if (v !== undefined) Attributes[n] = v;
    }
    // No `"Attributes":{}` when none of the names asked for has a value (AWS omits it).
    return Object.keys(Attributes).length > 0 ? { Attributes } : {};
  }

  async setAttributes(input: T.SetQueueAttributesRequest, ctx: RequestContext): Promise<T.EmptyResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const attrs = normalizeQueueAttributes({ ...(input.Attributes ?? {}) }, q.fifo, q.record.attrs);
    if (attrs.RedrivePolicy) checkRedriveTarget(this.s, q.arn, q.fifo, attrs.RedrivePolicy);
    const next = { ...q.record.attrs };
    for (const [k, v] of Object.entries(attrs)) {
      if (v === '') delete next[k];
      else next[k] = v;
    }
    // As at creation (initialAttributes): a KMS key brings its reuse period (default 300 s), and
    // clearing the key takes the period away with it.
    if (attrs.KmsMasterKeyId !== undefined) {
      if (attrs.KmsMasterKeyId === '') delete next.KmsDataKeyReusePeriodSeconds;
      else next.KmsDataKeyReusePeriodSeconds ??= '300';
    }
    await this.save(q, { ...q.record, attrs: next, modifiedAt: this.now });
    if (attrs.MessageRetentionPeriod !== undefined) q.armRetention();
    return {};
  }

  async tag(input: T.TagQueueRequest, ctx: RequestContext): Promise<T.EmptyResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    checkTags(input.Tags);
    const tags = { ...q.record.tags, ...(input.Tags ?? {}) };
    if (Object.keys(input.Tags ?? {}).length === 0) throw new SqsError('InvalidParameterValue', 'The request must contain a non-empty tag map.');
    if (Object.keys(tags).length > 50) throw new SqsError('InvalidParameterValue', `Too many tags added for queue ${q.name}.`);
    await this.save(q, { ...q.record, tags });
    return {};
  }

  async untag(input: T.UntagQueueRequest, ctx: RequestContext): Promise<T.EmptyResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const tags = { ...q.record.tags };
    for (const k of input.TagKeys ?? []) delete tags[k];
    await this.save(q, { ...q.record, tags });
    return {};
  }

  async listTags(input: T.ListQueueTagsRequest, ctx: RequestContext): Promise<T.ListQueueTagsResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    return Object.keys(q.record.tags).length > 0 ? { Tags: { ...q.record.tags } } : {};
  }

  async addPermission(input: T.AddPermissionRequest, ctx: RequestContext): Promise<T.EmptyResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const label: string = input.Label;
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(label)) throw invalidParameter('Label', label, 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    const accounts: string[] = input.AWSAccountIds ?? [];
    const actions: string[] = input.Actions ?? [];
    if (accounts.length === 0) throw new SqsError('MissingParameter', 'The request must contain the parameter AWSAccountIds.');
    if (actions.length === 0) throw new SqsError('MissingParameter', 'The request must contain the parameter Actions.');
    for (const a of actions) {
      if (!PERMISSION_ACTIONS.has(a)) throw invalidParameter('ActionName', `SQS:${a}`, 'Please refer to the appropriate WSDL for a list of valid actions.');
    }
    if (actions.length > 7) throw new SqsError('OverLimit', `${actions.length} Actions were found, maximum allowed is 7.`);
    const policy = this.policy(q);
    if (policy.Statement.some((st) => st.Sid === label)) throw invalidParameter('Label', label, 'Already exists.');
    const principals = accounts.map((a) => `arn:aws:iam::${a}:root`);
    const sqsActions = actions.map((a) => `SQS:${a}`);
    policy.Statement.push({
      Sid: label,
      Effect: 'Allow',
      Principal: { AWS: principals.length === 1 ? principals[0] : principals },
      Action: sqsActions.length === 1 ? sqsActions[0] : sqsActions,
      Resource: q.arn,
    });
    await this.save(q, { ...q.record, attrs: { ...q.record.attrs, Policy: JSON.stringify(policy) } });
    return {};
  }

  async removePermission(input: T.RemovePermissionRequest, ctx: RequestContext): Promise<T.EmptyResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const policy = this.policy(q);
    const kept = policy.Statement.filter((st) => st.Sid !== input.Label);
    if (kept.length === policy.Statement.length) throw invalidParameter('Label', input.Label, "can't find label.");
    const attrs = { ...q.record.attrs };
    if (kept.length === 0) delete attrs.Policy;
    else attrs.Policy = JSON.stringify({ ...policy, Statement: kept });
    await this.save(q, { ...q.record, attrs });
    return {};
  }

  private policy(q: Queue): { Version: string; Id: string; Statement: Record<string, any>[] } {
    const existing = q.record.attrs.Policy;
    const parsed = existing ? (JSON.parse(existing) as Record<string, any>) : {};
    const statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
    // AddPermission writes the 2008-10-17 policy language version, as AWS does.
    return { Version: '2008-10-17', Id: `${q.arn}/SQSDefaultPolicy`, ...parsed, Statement: statements };
  }

  async purge(input: T.PurgeQueueRequest, ctx: RequestContext): Promise<T.EmptyResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    if (this.cooldowns && (q.record.purgeUntil ?? 0) > this.now) {
      throw new SqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${q.name} is allowed every 60 seconds.`);
    }
    const oldSid = q.record.sid;
    // The new storage id is in force from now on, so that messages sent while the purge is being
    // written are not inserted under the old one (see Queue.insertIfLive).
    await this.save(q, { ...q.record, sid: this.s.newId(), purgeUntil: this.cooldowns ? this.now + COOLDOWN_MS : undefined }, (ops) => {
      ops.delRange(messageRange(oldSid));
      // A purge also empties a FIFO queue's deduplication window, as in AWS.
      if (q.dedup) ops.delRange(dedupRange(q.record.id));
      ops.onCommit(() => {
        q.dropAll();
        q.dedup?.clear();
      });
    });
    this.s.log.info('sqs.queue_purged', { queue: q.name });
    return {};
  }

  /** Write a queue's new record, then put it in force; `more` adds to the same unit of work. */
  private async save(q: Queue, record: QueueRecord, more?: (ops: UnitOfWork) => void): Promise<void> {
    const ops = this.s.begin();
    ops.push(putQueue(record));
    ops.onCommit(() => {
      q.record = record;
    });
    more?.(ops);
    await ops.commit();
  }
}

/** Tag keys and values are echoed in ListQueueTags' XML: refuse what XML cannot carry. */
function checkTags(tags: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(tags ?? {})) {
    if (!xmlText(k)) throw new SqsError('InvalidParameterValue', 'Tag keys contain invalid characters.');
    if (!xmlText(v)) throw new SqsError('InvalidParameterValue', `Tag value for key ${JSON.stringify(k.replace(/[^\x20-\x7e]/g, '?'))} contains invalid characters.`);
  }
}
