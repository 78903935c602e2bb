/**
 * Event-driven waiting for compat tests: a condition re-checked whenever something that could
 * change it happens (a client event), never on a timer. Jest's test timeout is the only bound.
 */
import { EventEmitter } from 'node:events';
import type { Consumer, EachMessagePayload } from 'kafkajs';

export class Watch extends EventEmitter {
  /** Resolve once `cond()` holds, re-checking on every `poke()`. */
  until(cond: () => boolean): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!cond()) return;
        this.off('poke', check);
        resolve();
      };
      this.on('poke', check);
    });
  }

  poke(): void {
    this.emit('poke');
  }
}

export interface Tracked {
  consumer: Consumer;
  name: string;
  /** topic-partition -> number of times seen, per message key "p:offset" */
  seen: string[];
  /** Latest assignment from GROUP_JOIN: topic -> partitions */
  assignment: Record<string, number[]>;
  joins: number;
  heartbeats: number;
}

/** Follow a kafkajs consumer's group joins, heartbeats and messages, poking `watch` on each. */
export function track(consumer: Consumer, name: string, watch: Watch): Tracked {
  const t: Tracked = { consumer, name, seen: [], assignment: {}, joins: 0, heartbeats: 0 };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    t.assignment = e.payload.memberAssignment;
    t.joins++;
    watch.poke();
  });
  consumer.on(consumer.events.HEARTBEAT, () => {
    t.heartbeats++;
    watch.poke();
  });
  return t;
}

export function recorder(t: Tracked, watch: Watch): (p: EachMessagePayload) => Promise<void> {
  return async ({ partition, message }) => {
    t.seen.push(`${partition}:${message.offset}`);
    watch.poke();
  };
}

/** Partitions of `topic` assigned across `members`, sorted; duplicates show up twice. */
export function assigned(members: Tracked[], topic: string): number[] {
  return members.flatMap((m) => m.assignment[topic] ?? []).sort((a, b) => a - b);
}
