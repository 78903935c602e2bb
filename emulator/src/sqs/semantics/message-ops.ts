/** SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility and their batch forms. */
import type { UnitOfWork } from '../../core/storage/unit-of-work.js';
import type * as T from '../model/generated.js';
import { SqsError, type RequestContext } from './api.js';
import { Attempts } from './attempts.js';
import { checkBatch, failure, type BatchFailure } from './batch.js';
import { invalidParameter, optionalInt } from './errors.js';
import { entryBytes, ID_CHARS, validateEntry, type Content, type Draft, type Message } from './messages.js';
import type { Queue } from './queue.js';
import { encodeReceipt } from './receipts.js';
import { formatHead, formatMessage, selection, type Head, type Selection } from './receive-format.js';
import type { SqsState } from './state.js';

const MAX_BATCH_BYTES = 1048576;

function limits(q: Queue) {
  return { fifo: q.fifo, contentBasedDedup: q.record.attrs.ContentBasedDeduplication === 'true', maxMessageSize: q.num('MaximumMessageSize') };
}

/** What SendMessage answers, and a SendMessageBatch entry without its Id. */
function sendOutput(d: Draft, r: { messageId: string; sequenceNumber?: string }): Omit<T.SendMessageBatchResultEntry, 'Id'> {
  const out: Omit<T.SendMessageBatchResultEntry, 'Id'> = { MD5OfMessageBody: d.md5Body, MessageId: r.messageId };
  if (d.md5Attrs) out.MD5OfMessageAttributes = d.md5Attrs;
  if (d.md5System) out.MD5OfMessageSystemAttributes = d.md5System;
  if (r.sequenceNumber) out.SequenceNumber = r.sequenceNumber;
  return out;
}

/** A receive's take, before its write and its body read. */
interface Taken {
  sid: string;
  seqs: number[];
  heads: Head[];
  ops: UnitOfWork;
}

/** The received messages with their contents; one without (deleted meanwhile) is left out. */
function format(contents: (Content | undefined)[], heads: Head[], sel: Selection): T.Message[] {
  const out: T.Message[] = [];
  heads.forEach((h, i) => {
    const c = contents[i];
    if (c) out.push(formatMessage(h, c, sel));
  });
  return out;
}

const answer = (output: T.Message[]): T.ReceiveMessageResult => (output.length > 0 ? { Messages: output } : {});

export class MessageOps {
  readonly attempts: Attempts;

  constructor(private readonly s: SqsState) {
    this.attempts = new Attempts(s);
  }

  async send(input: T.SendMessageRequest, ctx: RequestContext): Promise<T.SendMessageResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const d = validateEntry(input, limits(q), ctx.traceHeader);
    const ops = this.s.begin();
    const r = q.send(d, ctx.accountId, ops);
    await ops.commit();
    return sendOutput(d, r);
  }

  async sendBatch(input: T.SendMessageBatchRequest, ctx: RequestContext): Promise<T.SendMessageBatchResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const entries = checkBatch(input.Entries, 'SendMessageBatchRequestEntry');
    const queueLimits = limits(q);
    // AWS refuses the whole request, not one entry, when a FIFO entry lacks its group or
    // deduplication id, or when the entries (even a single one) exceed the batch size limit.
    if (q.fifo) {
      for (const e of entries) if (e.MessageGroupId === undefined) throw new SqsError('InvalidParameterValue', 'The request must contain the parameter MessageGroupId.');
      if (!queueLimits.contentBasedDedup && entries.some((e) => e.MessageDeduplicationId === undefined)) {
        throw new SqsError('InvalidParameterValue', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
    }
    const total = entries.reduce((n, e) => n + entryBytes(e), 0);
    if (total > MAX_BATCH_BYTES) {
      throw new SqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`);
    }
    const drafts: (Draft | BatchFailure)[] = entries.map((e) => {
      try {
        return validateEntry(e, queueLimits, ctx.traceHeader);
      } catch (err) {
        return failure(e.Id, err);
      }
    });
    const ops = this.s.begin();
    const Successful: T.SendMessageBatchResultEntry[] = [];
    const Failed: BatchFailure[] = [];
    for (const [i, d] of drafts.entries()) {
      if ('size' in d) Successful.push({ Id: entries[i].Id, ...sendOutput(d, q.send(d, ctx.accountId, ops)) });
      else Failed.push(d);
    }
    await ops.commit();
    return { Successful, Failed };
  }

  async receive(input: T.ReceiveMessageRequest, ctx: RequestContext): Promise<T.ReceiveMessageResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const max = optionalInt('MaxNumberOfMessages', input.MaxNumberOfMessages, 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
    const visibility =
      optionalInt('VisibilityTimeout', input.VisibilityTimeout, 0, 43200, 'Must be >= 0 and <= 43200, if provided.') ?? q.num('VisibilityTimeout');
    const wait =
      optionalInt('WaitTimeSeconds', input.WaitTimeSeconds, 0, 20, 'Must be >= 0 and <= 20, if provided.') ?? q.num('ReceiveMessageWaitTimeSeconds');
    const attemptId: unknown = input.ReceiveRequestAttemptId;
    if (attemptId !== undefined && (typeof attemptId !== 'string' || !ID_CHARS.test(attemptId))) {
      throw invalidParameter('ReceiveRequestAttemptId', attemptId, 'ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
    }
    const sel = selection(input);
    const key = q.fifo && typeof attemptId === 'string' ? attemptId : undefined;
    if (key !== undefined) {
      const again = this.attempts.retry(q, key);
      if (again) return answer(format(await this.s.contents(again.sid, again.seqs), again.heads, again.sel));
    }
    // AWS's in-flight cap: a short poll on a standard queue answers OverLimit; a long poll, or any
    // receive on a FIFO queue, returns nothing (AWS's quota documentation).
    const cap = q.fifo ? this.s.config.maxInflightFifo : this.s.config.maxInflight;
    if (cap > 0 && !q.fifo && wait === 0 && q.counts.inflight >= cap) {
      throw new SqsError('OverLimit', 'Too many messages have been received without being deleted.\nPlease delete your received messages or let them timeout before receiving more.');
    }
    const tryReceive = (): Taken => {
      const ops = this.s.begin();
      const room = cap > 0 ? Math.max(0, cap - q.counts.inflight) : max;
      const taken = room > 0 ? q.receive(Math.min(max, room), visibility, ops) : [];
      const sid = q.record.sid;
      const heads = taken.map((m) => formatHead(m, encodeReceipt({ sid, seq: m.seq, receiveCount: m.receiveCount }), sel));
      if (key !== undefined && taken.length > 0) this.attempts.remember(q, key, taken, heads, sel, ops);
      return { sid, seqs: taken.map((m) => m.seq), heads, ops };
    };
    // The bodies are read while the receive is written (a body record never changes, and it was on
    // disk before its message entered memory), so the read costs no extra round trip. A message
    // deleted before the read (an older handle, a purge) is left out, as if received just after.
    const finish = async (r: Taken): Promise<T.ReceiveMessageResult> => {
      const read = this.s.contents(r.sid, r.seqs);
      read.catch(() => {}); // awaited below unless the commit fails first
      await r.ops.commit();
      return answer(format(await read, r.heads, sel));
    };

    const first = tryReceive();
    if (first.heads.length > 0 || wait === 0) return finish(first);
    // Nothing to answer yet, but the attempt may have moved messages to the dead-letter queue:
    // persist those moves without holding up the poll.
    this.s.background(first.ops, 'dead-letter moves', q.name);
    return new Promise<T.ReceiveMessageResult>((resolve, reject) => {
      this.s.polls.wait(
        q,
        this.s.core.clock.now() + wait * 1000,
        () => {
          if (q.deleted) return false;
          const r = tryReceive();
          if (r.heads.length === 0) {
            this.s.background(r.ops, 'dead-letter moves', q.name);
            return false;
          }
          finish(r).then(resolve, reject);
          return true;
        },
        () => resolve({}),
      );
    });
  }

  async delete(input: T.DeleteMessageRequest, ctx: RequestContext): Promise<T.EmptyResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const ops = this.s.begin();
    q.deleteMessage(input.ReceiptHandle, ops);
    await ops.commit();
    return {};
  }

  async deleteBatch(input: T.DeleteMessageBatchRequest, ctx: RequestContext): Promise<T.DeleteMessageBatchResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const entries = checkBatch(input.Entries, 'DeleteMessageBatchRequestEntry');
    return this.perEntry(entries, (e, ops) => q.deleteMessage(e.ReceiptHandle, ops));
  }

  async changeVisibility(input: T.ChangeMessageVisibilityRequest, ctx: RequestContext): Promise<T.EmptyResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const seconds = visibilityTimeout(input.VisibilityTimeout);
    const ops = this.s.begin();
    q.changeVisibility(input.ReceiptHandle, seconds, ops);
    await ops.commit();
    return {};
  }

  async changeVisibilityBatch(input: T.ChangeMessageVisibilityBatchRequest, ctx: RequestContext): Promise<T.ChangeMessageVisibilityBatchResult> {
    const q = this.s.registry.resolve(input.QueueUrl, ctx.region, ctx.accountId);
    const entries = checkBatch(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
    return this.perEntry(entries, (e, ops) => q.changeVisibility(e.ReceiptHandle, visibilityTimeout(e.VisibilityTimeout ?? 0), ops));
  }

  private async perEntry<E extends { Id: string }>(entries: readonly E[], apply: (e: E, ops: UnitOfWork) => void): Promise<{ Successful: { Id: string }[]; Failed: BatchFailure[] }> {
    const ops = this.s.begin();
    const Successful: { Id: string }[] = [];
    const Failed: BatchFailure[] = [];
    for (const e of entries) {
      try {
        apply(e, ops);
        Successful.push({ Id: e.Id });
      } catch (err) {
        Failed.push(failure(e.Id, err));
      }
    }
    await ops.commit();
    return { Successful, Failed };
  }
}

function visibilityTimeout(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 43200) {
    throw invalidParameter('VisibilityTimeout', v, 'Must be between 0 and 43200.');
  }
  return v;
}
