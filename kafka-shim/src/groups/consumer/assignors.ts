/**
 * The server-side assignors of the KIP-848 protocol (group.consumer.assignors): "uniform" (Kafka's
 * default) and "range". They turn the members' subscriptions and the subscribed topics' partition
 * counts into a target assignment; the coordinator then moves members toward it (./reconcile.ts).
 *
 * Facts kept from Kafka's UniformAssignor and RangeAssignor: both are deterministic, both are
 * sticky towards the previous target assignment where balance allows, uniform balances the number
 * of partitions per member over all topics, range gives each member contiguous ranges of every
 * topic it subscribes to (the first `partitions % members` members one more). The exact choice of
 * which partition moves may differ from Kafka's (its heterogeneous builder is an optimiser).
 */

/** topic id -> partitions */
export type Assignment = Map<string, Set<number>>;

export interface AssignorMember {
  memberId: string;
  /** Topic ids the member subscribes to (after regex resolution), existing topics only. */
  topics: Set<string>;
  /** The member's previous target assignment. */
  previous: Assignment;
}

export interface Assignor {
  readonly name: string;
  /** partitions: topic id -> partition count of every subscribed topic. */
  assign(members: AssignorMember[], partitions: Map<string, number>): Map<string, Assignment>;
}

const byId = (a: AssignorMember, b: AssignorMember) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

function add(a: Assignment, topic: string, p: number): void {
  let s = a.get(topic);
  if (!s) a.set(topic, (s = new Set()));
  s.add(p);
}

export function count(a: Assignment): number {
  let n = 0;
  for (const s of a.values()) n += s.size;
  return n;
}

export const uniformAssignor: Assignor = {
  name: 'uniform',
  assign(members, partitions) {
    const sorted = [...members].sort(byId);
    const out = new Map<string, Assignment>(sorted.map((m) => [m.memberId, new Map()]));
    const owner = new Map<string, string>();
    const all: [string, number][] = [];
    for (const [topic, n] of [...partitions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (!sorted.some((m) => m.topics.has(topic))) continue;
      for (let p = 0; p < n; p++) all.push([topic, p]);
    }
    // Balanced share of each member when everyone subscribes to the same topics; with different
    // subscriptions the final balancing pass below evens out what can be evened.
    const homogeneous = sorted.every((m) => m.topics.size === sorted[0]?.topics.size && [...m.topics].every((t) => sorted[0].topics.has(t)));
    const quota = (i: number) => Math.floor(all.length / sorted.length) + (i < all.length % sorted.length ? 1 : 0);
    // Stickiness: members keep what they had, up to their share (larger shares to the members
    // that already hold the most, so fewer partitions move).
    const order = homogeneous ? [...sorted].sort((a, b) => count(b.previous) - count(a.previous) || byId(a, b)) : sorted;
    order.forEach((m, i) => {
      const limit = homogeneous ? quota(i) : Infinity;
      let kept = 0;
      for (const [topic, parts] of [...m.previous].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const n = partitions.get(topic);
        if (n === undefined || !m.topics.has(topic)) continue;
        for (const p of [...parts].sort((a, b) => a - b)) {
          if (p >= n || kept >= limit || owner.has(`${topic}:${p}`)) continue;
          add(out.get(m.memberId)!, topic, p);
          owner.set(`${topic}:${p}`, m.memberId);
          kept++;
        }
      }
    });
    // The rest, one at a time, to the eligible member holding the fewest.
    for (const [topic, p] of all) {
      if (owner.has(`${topic}:${p}`)) continue;
      let best: AssignorMember | undefined;
      for (const m of sorted) if (m.topics.has(topic) && (!best || count(out.get(m.memberId)!) < count(out.get(best.memberId)!))) best = m;
      if (!best) continue;
      add(out.get(best.memberId)!, topic, p);
      owner.set(`${topic}:${p}`, best.memberId);
    }
    if (!homogeneous) balance(sorted, out);
    return out;
  },
};

/** Move partitions from the fullest members to eligible emptier ones until no move helps. */
function balance(members: AssignorMember[], out: Map<string, Assignment>): void {
  for (let guard = 0; guard < 100_000; guard++) {
    let moved = false;
    const bySize = [...members].sort((a, b) => count(out.get(b.memberId)!) - count(out.get(a.memberId)!) || byId(a, b));
    outer: for (const from of bySize) {
      const fa = out.get(from.memberId)!;
      for (const to of [...bySize].reverse()) {
        const ta = out.get(to.memberId)!;
        if (count(fa) - count(ta) < 2) continue;
        for (const [topic, parts] of fa) {
          if (!to.topics.has(topic) || parts.size === 0) continue;
          const p = Math.max(...parts);
          parts.delete(p);
          if (parts.size === 0) fa.delete(topic);
          add(ta, topic, p);
          moved = true;
          break outer;
        }
      }
    }
    if (!moved) return;
  }
}

export const rangeAssignor: Assignor = {
  name: 'range',
  assign(members, partitions) {
    const sorted = [...members].sort(byId);
    const out = new Map<string, Assignment>(sorted.map((m) => [m.memberId, new Map()]));
    for (const [topic, n] of partitions) {
      const subs = sorted.filter((m) => m.topics.has(topic));
      if (subs.length === 0) continue;
      const base = Math.floor(n / subs.length);
      const extra = n % subs.length;
      let next = 0;
      subs.forEach((m, i) => {
        const size = base + (i < extra ? 1 : 0);
        for (let k = 0; k < size; k++) add(out.get(m.memberId)!, topic, next++);
      });
    }
    return out;
  },
};

export const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([uniformAssignor, rangeAssignor].map((a) => [a.name, a]));
