/**
 * One queue: its record (attributes, tags), its messages and their lifecycle
 * (delayed -> ready -> inflight -> ready ... -> gone), each transition timed by the core clock.
 * Methods add the ops that make a change durable to the caller's unit of work, and change memory
 * when it commits: a message appears (send, move in), disappears (delete) or changes visibility only
 * once that is on disk. A receive takes messages at once, so that no other receive gets them, and
 * puts them back if its write fails; so does a move out (dead-lettering, move tasks).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../core/logger.js';
import type { Timer } from '../../core/clock.js';
import { IndexedHeap } from '../../core/heap.js';
import type { UnitOfWork } from '../../core/storage/unit-of-work.js';
import { copyMessage, delMessage, putMessage, putMessageState, type QueueRecord } from '../storage/records.js';
import { SqsError } from './api.js';
import { DedupWindow } from './dedup.js';
import { invalidParameter, receiptHandleInvalid } from './errors.js';
import type { Draft, Message, MessageState } from './messages.js';
import { decodeReceipt, type Receipt } from './receipts.js';
import { FifoIndex, StandardIndex, type ReadyIndex, type Verdict } from './ready-index.js';

/** A message stays in flight at most 12 hours after the receive that made it so. */
const MAX_INFLIGHT_MS = 43200 * 1000;

/** What a queue needs from the service around it. */
export interface QueueEnv {
  core: Core;
  /** The live queue with this ARN, if any (dead-letter targets). */
  byArn(arn: string): Queue | undefined;
  nextSequenceNumber(): string;
  /** The URL of a queue in this region and account, on `baseUrl`, in the configured style. */
  queueUrl(region: string, account: string, name: string, baseUrl: string): string;
  /** A queue's ready set grew: long polls may now be answered. */
  onReady(q: Queue): void;
  log: Logger;
  /** A unit of work for one operation. */
  begin(): UnitOfWork;
  /** Commit a unit nobody waits for (timer-driven cleanups); failures are logged with the queue's name. */
  background(uow: UnitOfWork, what: string, queue: string): void;
}

export interface SendResult {
  messageId: string;
  sequenceNumber?: string;
}

export class Queue {
  readonly fifo: boolean;
  readonly messages = new Map<number, Message>();
  readonly counts: Record<Exclude<MessageState, 'gone'>, number> = { delayed: 0, ready: 0, inflight: 0 };
  readonly dedup: DedupWindow | undefined;
  private index: ReadyIndex;
  private nextSeq = 1;
  /** Messages by the time their retention period counts from; one timer for the oldest. */
  private readonly retention = new IndexedHeap<Message>(
    (a, b) => a.retainFrom < b.retainFrom,
    (m) => m.heapIndex,
    (m, i) => (m.heapIndex = i),
  );
  private retentionTimer: Timer | undefined;
  private redriveCache: { policy: string; arn: string; maxReceiveCount: number } | undefined;
  deleted = false;

  constructor(
    private readonly env: QueueEnv,
    public record: QueueRecord,
  ) {
    this.fifo = record.name.endsWith('.fifo');
    this.index = this.fifo ? new FifoIndex() : new StandardIndex();
    this.dedup = this.fifo ? new DedupWindow(env, record.id, record.name) : undefined;
  }

  get name(): string {
    return this.record.name;
  }

  get arn(): string {
    return `arn:aws:sqs:${this.record.region}:${this.record.account}:${this.record.name}`;
  }

  url(baseUrl: string): string {
    return this.env.queueUrl(this.record.region, this.record.account, this.record.name, baseUrl);
  }

  num(attr: string): number {
    return Number(this.record.attrs[attr] ?? 0);
  }

  /**
   * The RedrivePolicy, parsed once per value: receives, ListDeadLetterSourceQueues and move tasks all
   * ask, and the attribute is stored as the JSON text AWS returns.
   */
  private redrivePolicy(): { arn: string; maxReceiveCount: number } | undefined {
    const policy = this.record.attrs.RedrivePolicy;
    if (!policy) return undefined;
    if (this.redriveCache?.policy !== policy) {
      const p = JSON.parse(policy) as { deadLetterTargetArn: string; maxReceiveCount: number };
      this.redriveCache = { policy, arn: p.deadLetterTargetArn, maxReceiveCount: p.maxReceiveCount };
    }
    return this.redriveCache;
  }

  /** The ARN this queue dead-letters to, live or not. */
  get deadLetterTargetArn(): string | undefined {
    return this.redrivePolicy()?.arn;
  }

  /** The dead-letter target and threshold, when the RedrivePolicy names a live queue. */
  redrive(): { dlq: Queue; maxReceiveCount: number } | undefined {
    const policy = this.redrivePolicy();
    const dlq = policy && this.env.byArn(policy.arn);
    return dlq && dlq !== this ? { dlq, maxReceiveCount: policy.maxReceiveCount } : undefined;
  }

  /** The message whose retention started first (the console's "age of oldest message"). */
  get oldest(): Message | undefined {
    return this.retention.peek();
  }

  private get retentionMs(): number {
    return this.num('MessageRetentionPeriod') * 1000;
  }

  private get clock() {
    return this.env.core.clock;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Put a message (new, moved in, or loaded) into the queue and settle its state against the clock. */
  insert(m: Message): void {
    if (m.seq >= this.nextSeq) this.nextSeq = m.seq + 1;
    this.messages.set(m.seq, m);
    this.retention.push(m);
    this.armRetention();
    const now = this.clock.now();
    const state: MessageState = m.visibleAt > now ? (m.receiveCount > 0 ? 'inflight' : 'delayed') : 'ready';
    m.state = state;
    this.counts[state]++;
    this.index.added(m);
    if (state === 'ready') this.env.onReady(this);
    else this.armVisibility(m);
  }

  private setState(m: Message, s: MessageState): void {
    if (m.state !== 'gone') this.counts[m.state]--;
    if (s !== 'gone') this.counts[s]++;
    m.state = s;
  }

  private armVisibility(m: Message): void {
    this.clock.cancel(m.timer);
    m.timer = this.clock.at(m.visibleAt, () => {
      m.timer = undefined;
      if (m.state === 'gone') return;
      this.setState(m, 'ready');
      this.index.becameReady(m);
      this.env.onReady(this);
    });
  }

  /** Take a message out of the queue (memory only; the caller deletes its keys). */
  private remove(m: Message): void {
    if (m.state === 'gone') return;
    this.clock.cancel(m.timer);
    m.timer = undefined;
    this.setState(m, 'gone');
    this.messages.delete(m.seq);
    this.retention.remove(m);
    this.armRetention();
    this.index.changed(m);
    // Removing a FIFO group's head can unblock the group behind it.
    if (this.fifo && this.counts.ready > 0) this.env.onReady(this);
  }

  /** Re-arm the retention timer for the oldest message; also called when MessageRetentionPeriod changes. */
  armRetention(): void {
    const head = this.retention.peek();
    const at = head && head.retainFrom + this.retentionMs;
    if (this.retentionTimer && this.retentionTimer.index >= 0 && this.retentionTimer.at === at) return;
    this.clock.cancel(this.retentionTimer);
    this.retentionTimer = at === undefined ? undefined : this.clock.at(at, () => this.expire());
  }

  /** True when a message's retention period is over (at load: drop it instead of inserting it). */
  expired(m: Message, now: number): boolean {
    return m.retainFrom + this.retentionMs <= now;
  }

  private expire(): void {
    this.retentionTimer = undefined;
    const now = this.clock.now();
    // Expired messages leave memory at once: they must not be delivered, and a failed delete only
    // means they are dropped again at the next load (load skips expired messages).
    const ops = this.env.begin();
    for (let m = this.retention.peek(); m && this.expired(m, now); m = this.retention.peek()) {
      this.remove(m);
      ops.push(...delMessage(this.record.sid, m.seq));
    }
    this.armRetention();
    this.env.background(ops, 'retention', this.name);
  }

  // ---- send ------------------------------------------------------------------------------------

  /** Store a validated message; a FIFO duplicate within the dedup window is acknowledged, not stored. */
  send(d: Draft, senderId: string, ops: UnitOfWork): SendResult {
    const now = this.clock.now();
    let dedupId: string | undefined;
    let dedupKey: string | undefined;
    if (this.dedup) {
      dedupId = d.dedup ?? createHash('sha256').update(d.body, 'utf8').digest('hex');
      const scope = this.record.dedupScope ?? this.record.attrs.DeduplicationScope;
      dedupKey = scope === 'messageGroup' ? `${d.group}\t${dedupId}` : dedupId;
      const seen = this.dedup.get(dedupKey);
      if (seen) return { messageId: seen.messageId, sequenceNumber: seen.sequenceNumber };
    }
    // FIFO queues always apply the queue's delay (a per-message DelaySeconds=0 does not override it).
    const delay = this.fifo ? this.num('DelaySeconds') : d.delaySeconds ?? this.num('DelaySeconds');
    const id = randomUUID();
    const m: Message = {
      seq: this.nextSeq++,
      sentAt: now,
      group: d.group,
      dedup: dedupId,
      sequenceNumber: this.fifo ? this.env.nextSequenceNumber() : undefined,
      retainFrom: now,
      state: 'ready',
      visibleAt: now + delay * 1000,
      receiveCount: 0,
      firstReceiveAt: 0,
      receivedAt: 0,
      heapIndex: -1,
    };
    ops.push(putMessage(this.record.sid, m, { ...d, id, senderId }));
    ops.onCommit(() => this.insertIfLive(m, this.record.sid));
    // The dedup entry is taken now, so that a duplicate sent before this write lands is still
    // recognised; a failed write gives it back.
    if (this.dedup && dedupKey !== undefined) this.dedup.add(dedupKey, id, m.sequenceNumber!, now, ops);
    return { messageId: id, sequenceNumber: m.sequenceNumber };
  }

  /**
   * Move a message in from another queue (dead-lettering or a move task): same id, body, attributes
   * and receive count (ApproximateReceiveCount keeps counting, as in AWS), visible at once.
   */
  adopt(src: Message, fromSid: string, sourceArn: string | undefined, ops: UnitOfWork): void {
    const now = this.clock.now();
    const m: Message = {
      ...src,
      seq: this.nextSeq++,
      sourceArn,
      // Standard queues keep counting retention from the original enqueue; FIFO queues restart it.
      retainFrom: this.fifo ? now : src.sentAt,
      state: 'ready',
      visibleAt: now,
      countBase: src.receiveCount,
      receivedAt: 0,
      timer: undefined,
      heapIndex: -1,
      readyPos: -1,
    };
    if (this.expired(m, now)) return;
    ops.push(copyMessage(fromSid, src.seq, this.record.sid, m));
    // The state key carries the first-receive time; the count alone is in the message record.
    if (m.firstReceiveAt > 0) ops.push(putMessageState(this.record.sid, m));
    ops.onCommit(() => this.insertIfLive(m, this.record.sid));
  }

  /**
   * Insert a message whose write just committed, unless the queue was deleted, or purged (given a
   * new storage id) since the message was written under `sid`.
   */
  private insertIfLive(m: Message, sid: string): void {
    if (!this.deleted && sid === this.record.sid) this.insert(m);
  }

  // ---- receive ---------------------------------------------------------------------------------

  /**
   * Take up to `max` visible messages and make them invisible for `visibilitySeconds`. Messages
   * received `maxReceiveCount` times already go to the dead-letter queue instead.
   */
  receive(max: number, visibilitySeconds: number, ops: UnitOfWork): Message[] {
    const now = this.clock.now();
    const out: Message[] = [];
    const redrive = this.redrive();
    this.index.take(max, (m) => {
      if (redrive && m.receiveCount - (m.countBase ?? 0) >= redrive.maxReceiveCount) {
        this.moveOut(m, redrive.dlq, this.arn, ops);
        this.env.log.info('sqs.dlq_move', { queue: this.name, dlq: redrive.dlq.name, seq: m.seq });
        return 'skip';
      }
      const before = { receiveCount: m.receiveCount, firstReceiveAt: m.firstReceiveAt, receivedAt: m.receivedAt, visibleAt: m.visibleAt };
      ops.onRollback(() => this.unreceive(m, before));
      m.receiveCount++;
      if (m.firstReceiveAt === 0) m.firstReceiveAt = now;
      m.receivedAt = now;
      m.visibleAt = now + visibilitySeconds * 1000;
      this.setState(m, 'inflight');
      this.index.changed(m);
      this.armVisibility(m);
      ops.push(putMessageState(this.record.sid, m));
      // VisibilityTimeout=0: visible again as soon as this receive is written, before it is
      // answered, not when a timer gets round to it (a receive right after would miss it).
      if (visibilitySeconds === 0) {
        const receiveCount = m.receiveCount;
        ops.onCommit(() => this.setVisibility(m, receiveCount, m.visibleAt));
      }
      out.push(m);
      return 'take';
    });
    return out;
  }

  /** A receive's write failed: the message is visible again as it was before. */
  private unreceive(m: Message, before: Pick<Message, 'receiveCount' | 'firstReceiveAt' | 'receivedAt' | 'visibleAt'>): void {
    if (m.state !== 'inflight' || m.receiveCount !== before.receiveCount + 1) return;
    Object.assign(m, before);
    this.clock.cancel(m.timer);
    m.timer = undefined;
    this.setState(m, 'ready');
    this.index.becameReady(m);
    this.env.onReady(this);
  }

  /** Offer visible messages to a move task: `decide` moves them out (via `moveOut`) or stops. */
  drain(max: number, decide: (m: Message) => Verdict): void {
    this.index.take(max, decide);
  }

  moveOut(m: Message, to: Queue, sourceArn: string | undefined, ops: UnitOfWork): void {
    this.remove(m);
    ops.onRollback(() => this.insertIfLive(m, this.record.sid));
    // The copy reads the body before this batch's deletes are applied (expanded first, written together).
    to.adopt(m, this.record.sid, sourceArn, ops);
    ops.push(...delMessage(this.record.sid, m.seq));
  }

  // ---- receipt-handle operations ---------------------------------------------------------------

  /** The message a handle names, if it is still in this queue (a handle from before a purge names nothing). */
  private lookup(handle: string): { m: Message | undefined; r: Receipt } {
    const r = decodeReceipt(handle);
    if (!r) throw receiptHandleInvalid(handle);
    return { m: r.sid === this.record.sid ? this.messages.get(r.seq) : undefined, r };
  }

  /** Standard queues delete even with an outdated handle; FIFO queues require the current, unexpired one. */
  deleteMessage(handle: string, ops: UnitOfWork): void {
    const { m, r } = this.lookup(handle);
    if (!m) return;
    if (this.fifo && (m.receiveCount !== r.receiveCount || m.state !== 'inflight')) {
      throw invalidParameter('ReceiptHandle', handle, 'The receipt handle has expired.');
    }
    ops.push(...delMessage(this.record.sid, m.seq));
    ops.onCommit(() => this.remove(m));
  }

  /**
   * Standard queues, as AWS: any handle the message was ever received with changes its current
   * in-flight visibility, and is a no-op success once the message is visible again. FIFO queues
   * require the current handle of a message in flight.
   */
  changeVisibility(handle: string, seconds: number, ops: UnitOfWork): void {
    const { m, r } = this.lookup(handle);
    if (!m || r.receiveCount > m.receiveCount || (this.fifo && m.receiveCount !== r.receiveCount)) {
      throw invalidParameter('ReceiptHandle', handle, 'Message does not exist or is not available for visibility timeout change.');
    }
    if (m.state !== 'inflight') {
      if (!this.fifo) return;
      throw new SqsError('MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.');
    }
    const now = this.clock.now();
    if (now + seconds * 1000 > m.receivedAt + MAX_INFLIGHT_MS) {
      throw invalidParameter('VisibilityTimeout', seconds, `Total VisibilityTimeout for the message is beyond the limit [${MAX_INFLIGHT_MS / 1000} seconds]`);
    }
    ops.push(putMessageState(this.record.sid, { ...m, visibleAt: now + seconds * 1000 }));
    const receiveCount = m.receiveCount;
    ops.onCommit(() => this.setVisibility(m, receiveCount, now + seconds * 1000));
  }

  /** Apply a committed visibility change, unless the message left or was received again meanwhile. */
  private setVisibility(m: Message, receiveCount: number, visibleAt: number): void {
    if (m.state !== 'inflight' || m.receiveCount !== receiveCount) return;
    m.visibleAt = visibleAt;
    if (visibleAt <= this.clock.now()) {
      this.clock.cancel(m.timer);
      m.timer = undefined;
      this.setState(m, 'ready');
      this.index.becameReady(m);
      this.env.onReady(this);
    } else {
      this.armVisibility(m);
    }
  }

  // ---- whole-queue -----------------------------------------------------------------------------

  /** Forget every message; the caller gives the queue a new storage id and clears the old range. */
  dropAll(): void {
    for (const m of this.messages.values()) {
      this.clock.cancel(m.timer);
      m.timer = undefined;
      m.state = 'gone';
    }
    this.messages.clear();
    this.retention.clear();
    this.clock.cancel(this.retentionTimer);
    this.retentionTimer = undefined;
    this.index.clear();
    this.counts.delayed = this.counts.ready = this.counts.inflight = 0;
  }

  /** Stop every timer (queue deleted, or service closing). */
  shutdown(): void {
    this.dropAll();
    this.dedup?.shutdown();
  }
}
