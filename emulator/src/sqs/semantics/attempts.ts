/**
 * FIFO ReceiveRequestAttemptId: a receive retried with the same attempt id within 5 minutes gets the
 * same messages and receipt handles, as long as they are still in flight from that receive. Each
 * attempt is written with the receive's unit of work, so a retry after a restart is answered too.
 */
import type { Timer } from '../../core/clock.js';
import type { UnitOfWork } from '../../core/storage/unit-of-work.js';
import { delAttempt, putAttempt, type AttemptRecord } from '../storage/records.js';
import type { Message } from './messages.js';
import type { Queue } from './queue.js';
import { formatHead, type Head, type Selection } from './receive-format.js';
import type { SqsState } from './state.js';

const ATTEMPT_WINDOW_MS = 5 * 60 * 1000;

interface Attempt {
  messages: { m: Message; receiveCount: number }[];
  /** The answer without contents (read again from the store on a retry). */
  heads: Head[];
  sel: Selection;
  sid: string;
  timer: Timer;
}

export class Attempts {
  private readonly byQueue = new WeakMap<Queue, Map<string, Attempt>>();

  constructor(private readonly s: SqsState) {}

  /** The answer of an earlier receive with this attempt id, if its messages are still in flight from it. */
  retry(q: Queue, key: string): { sid: string; seqs: number[]; heads: Head[]; sel: Selection } | undefined {
    const a = this.byQueue.get(q)?.get(key);
    if (!a) return undefined;
    if (a.messages.every(({ m, receiveCount }) => m.state === 'inflight' && m.receiveCount === receiveCount)) {
      return { sid: a.sid, seqs: a.messages.map(({ m }) => m.seq), heads: a.heads, sel: a.sel };
    }
    this.forget(q, key);
    return undefined;
  }

  /** Remember a receive's answer (in memory at once, on disk with the receive's unit of work). */
  remember(q: Queue, key: string, taken: Message[], heads: Head[], sel: Selection, ops: UnitOfWork): void {
    const record: AttemptRecord = {
      sid: q.record.sid,
      items: taken.map((m, i) => ({ seq: m.seq, receiveCount: m.receiveCount, handle: heads[i].handle })),
      system: [...sel.system],
      attributes: sel.attributes,
      expiresAt: this.s.core.clock.now() + ATTEMPT_WINDOW_MS,
    };
    this.forget(q, key, false);
    const a = this.enter(q, key, taken, heads, sel, record.expiresAt);
    ops.push(putAttempt(q.record.id, key, record));
    ops.onRollback(() => {
      if (this.byQueue.get(q)?.get(key) === a) this.forget(q, key, false);
    });
  }

  /** Re-enter the attempts read at load; stale or expired ones are deleted in `ops`. */
  restore(q: Queue, loaded: { attemptId: string; record: AttemptRecord }[], ops: UnitOfWork): void {
    const now = this.s.core.clock.now();
    for (const { attemptId, record: r } of loaded) {
      const messages = r.items.map((it) => q.messages.get(it.seq));
      const live = r.expiresAt > now && r.sid === q.record.sid && messages.every((m, i) => m && m.receiveCount === r.items[i].receiveCount);
      if (!live) {
        ops.push(delAttempt(q.record.id, attemptId));
        continue;
      }
      const sel: Selection = { system: new Set(r.system), attributes: r.attributes };
      const heads = messages.map((m, i) => formatHead(m!, r.items[i].handle, sel));
      this.enter(q, attemptId, messages as Message[], heads, sel, r.expiresAt);
    }
  }

  private enter(q: Queue, key: string, taken: Message[], heads: Head[], sel: Selection, expiresAt: number): Attempt {
    let map = this.byQueue.get(q);
    if (!map) this.byQueue.set(q, (map = new Map()));
    const timer = this.s.core.clock.at(expiresAt, () => this.forget(q, key));
    const a: Attempt = { messages: taken.map((m) => ({ m, receiveCount: m.receiveCount })), heads, sel, sid: q.record.sid, timer };
    map.set(key, a);
    return a;
  }

  /** Drop an attempt; its key is deleted in a unit nobody waits for unless `persist` is false (it is being replaced). */
  private forget(q: Queue, key: string, persist = true): void {
    const map = this.byQueue.get(q);
    const a = map?.get(key);
    if (!a) return;
    this.s.core.clock.cancel(a.timer);
    map!.delete(key);
    if (!persist || q.deleted) return;
    const ops = this.s.begin();
    ops.push(delAttempt(q.record.id, key));
    this.s.background(ops, 'attempt expiry', q.name);
  }
}
