/**
 * Which messages a receive may take next: for standard queues, a heap of visible messages in send
 * order (O(log n) per message); for FIFO queues, per-group message lists and an ordered set of
 * groups whose head is visible (O(1) per message, entries of removed messages dropped lazily).
 */
import { IndexedHeap } from '../../core/heap.js';
import { Deque } from './deque.js';
import type { Message } from './messages.js';

/** What a receive or move task does with an offered message. 'skip': it left the queue (e.g. went to a DLQ). */
export type Verdict = 'take' | 'skip' | 'stop';

export interface ReadyIndex {
  /** A message entered the queue (any state). */
  added(m: Message): void;
  /** A message turned visible. */
  becameReady(m: Message): void;
  /** A message was taken, delayed or made invisible by other means than `take`, or left the queue. */
  changed(m: Message): void;
  /** Offer visible messages in delivery order until `max` are taken or `decide` says stop. */
  take(max: number, decide: (m: Message) => Verdict): void;
  clear(): void;
}

/**
 * Standard queues: visible messages in send order (a min-heap on the queue position), so a message
 * whose visibility expired is delivered before messages sent after it, as AWS does best-effort.
 */
export class StandardIndex implements ReadyIndex {
  private readonly ready = new IndexedHeap<Message>(
    (a, b) => a.seq < b.seq,
    (m) => m.readyPos ?? -1,
    (m, i) => (m.readyPos = i),
  );

  added(m: Message): void {
    if (m.state === 'ready') this.becameReady(m);
  }

  becameReady(m: Message): void {
    if ((m.readyPos ?? -1) < 0) this.ready.push(m);
  }

  changed(m: Message): void {
    if (m.state !== 'ready' && (m.readyPos ?? -1) >= 0) this.ready.remove(m);
  }

  take(max: number, decide: (m: Message) => Verdict): void {
    let taken = 0;
    while (taken < max) {
      const m = this.ready.peek();
      if (!m) return;
      if (m.state !== 'ready') {
        this.ready.remove(m);
        continue;
      }
      const v = decide(m);
      if (v === 'stop') return;
      if ((m.readyPos ?? -1) >= 0) this.ready.remove(m);
      if (v === 'take') taken++;
    }
  }

  clear(): void {
    this.ready.clear();
  }
}

interface Group {
  id: string;
  messages: Deque<Message>;
}

export class FifoIndex implements ReadyIndex {
  private readonly groups = new Map<string, Group>();
  /** Groups whose first message is visible, in the order they became so. */
  private readonly readyGroups = new Set<Group>();
  /** The group `take` is walking: its list must not be compacted under the walk. */
  private walking: Group | undefined;

  added(m: Message): void {
    const id = m.group ?? '';
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = { id, messages: new Deque() }));
    g.messages.push(m);
    this.refresh(g);
  }

  becameReady(m: Message): void {
    const g = this.groups.get(m.group ?? '');
    if (g) this.refresh(g);
  }

  changed(m: Message): void {
    const g = this.groups.get(m.group ?? '');
    if (g && g !== this.walking) this.refresh(g);
  }

  /** A group is offered from its head up to (not including) its first invisible message. */
  take(max: number, decide: (m: Message) => Verdict): void {
    let taken = 0;
    for (const g of this.readyGroups) {
      if (taken >= max) return;
      let stop = false;
      this.walking = g;
      for (const m of g.messages) {
        if (m.state === 'gone') continue;
        if (m.state !== 'ready' || taken >= max) break;
        const v = decide(m);
        if (v === 'stop') {
          stop = true;
          break;
        }
        if (v === 'take') taken++;
      }
      this.walking = undefined;
      this.refresh(g);
      if (stop) return;
    }
  }

  clear(): void {
    this.groups.clear();
    this.readyGroups.clear();
  }

  private refresh(g: Group): void {
    while (g.messages.peek()?.state === 'gone') g.messages.shift();
    const head = g.messages.peek();
    if (!head) {
      this.groups.delete(g.id);
      this.readyGroups.delete(g);
    } else if (head.state === 'ready') {
      this.readyGroups.add(g);
    } else {
      this.readyGroups.delete(g);
    }
  }
}
