/**
 * A member of a KIP-848 consumer group and the step that moves it toward its target assignment
 * (Kafka's ConsumerGroupMember and CurrentAssignmentBuilder, facts only). A partition moves to a
 * new owner only once the previous owner has acknowledged its revocation: until then it stays in
 * the old owner's `pendingRevocation` and counts as owned, and the new owner waits for it in the
 * UNRELEASED_PARTITIONS state.
 */
import type { Assignment } from './assignors.js';

export type MemberState = 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS';

export interface ConsumerMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  /** Names as sent (null when the member subscribes by regex). */
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  assigned: Assignment;
  pendingRevocation: Assignment;
  /** "topicId\0partition" -> the member epoch at which it got the partition (assigned or pending
   * revocation): a commit with an older epoch is stale for it (Kafka 4.4's assignment epochs). */
  assignmentEpochs: Map<string, number>;
}

export const partitionKey = (topicId: string, partition: number) => `${topicId}\0${partition}`;

/** Topic id -> partitions the member says it owns (ConsumerGroupHeartbeat TopicPartitions). */
export type Owned = { topicId: string; partitions: number[] }[] | null;

export function cloneAssignment(a: Assignment): Assignment {
  return new Map([...a].map(([t, s]) => [t, new Set(s)]));
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  const nonEmpty = (x: Assignment) => [...x].filter(([, s]) => s.size > 0);
  const ea = nonEmpty(a);
  if (ea.length !== nonEmpty(b).length) return false;
  return ea.every(([t, s]) => {
    const o = b.get(t);
    return !!o && o.size === s.size && [...s].every((p) => o.has(p));
  });
}

/** Whether the member still reports any of `partitions` as owned (null owned: assume it does). */
function ownsAny(owned: Owned, partitions: Assignment): boolean {
  if (owned === null) return true;
  return owned.some((t) => t.partitions.some((p) => partitions.get(t.topicId)?.has(p)));
}

/** Whether every owned partition is in `assigned` (a member retrying with the previous epoch). */
export function isSubset(owned: Owned, assigned: Assignment): boolean {
  if (owned === null) return false;
  return owned.every((t) => t.partitions.every((p) => assigned.get(t.topicId)?.has(p)));
}

/**
 * The member after one reconciliation step toward `target` at `targetEpoch`. `ownerEpoch` answers
 * whether a partition is held by some member (its epoch) or free (-1).
 */
export function reconcile(
  member: ConsumerMember,
  targetEpoch: number,
  target: Assignment,
  owned: Owned,
  ownerEpoch: (topicId: string, partition: number) => number,
): ConsumerMember {
  switch (member.state) {
    case 'STABLE':
      return member.memberEpoch !== targetEpoch ? next(member, member.memberEpoch, targetEpoch, target, owned, ownerEpoch) : member;
    case 'UNREVOKED_PARTITIONS':
      if (ownsAny(owned, member.pendingRevocation)) return member;
      return next(member, member.memberEpoch + 1, targetEpoch, target, owned, ownerEpoch);
    case 'UNRELEASED_PARTITIONS':
      return next(member, member.memberEpoch, targetEpoch, target, owned, ownerEpoch);
  }
}

/** As Kafka's updateMemberEpoch: the epoch the member had becomes its previous one. */
function withEpoch(member: ConsumerMember, epoch: number): Pick<ConsumerMember, 'memberEpoch' | 'previousMemberEpoch'> {
  return { memberEpoch: epoch, previousMemberEpoch: member.memberEpoch };
}

function next(
  member: ConsumerMember,
  memberEpoch: number,
  targetEpoch: number,
  target: Assignment,
  owned: Owned,
  ownerEpoch: (topicId: string, partition: number) => number,
): ConsumerMember {
  const assigned: Assignment = new Map();
  const revoking: Assignment = new Map();
  const pending: Assignment = new Map();
  let unreleased = false;
  for (const topic of new Set([...target.keys(), ...member.assigned.keys()])) {
    const want = target.get(topic) ?? new Set<number>();
    const have = member.assigned.get(topic) ?? new Set<number>();
    const keep = new Set([...have].filter((p) => want.has(p)));
    const revoke = new Set([...have].filter((p) => !want.has(p)));
    const toAssign = new Set<number>();
    for (const p of want) {
      if (keep.has(p)) continue;
      if (ownerEpoch(topic, p) !== -1) unreleased = true;
      else toAssign.add(p);
    }
    if (keep.size > 0) assigned.set(topic, keep);
    if (revoke.size > 0) revoking.set(topic, revoke);
    if (toAssign.size > 0) pending.set(topic, toAssign);
  }
  // Partitions the member keeps (or still has to revoke) keep the epoch it got them at.
  const since = (a: Assignment, epoch: (k: string) => number) => {
    const out = new Map<string, number>();
    for (const [t, ps] of a) for (const p of ps) out.set(partitionKey(t, p), epoch(partitionKey(t, p)));
    return out;
  };
  const kept = (k: string) => member.assignmentEpochs.get(k) ?? member.memberEpoch;
  if (revoking.size > 0 && ownsAny(owned, revoking)) {
    const assignmentEpochs = new Map([...since(assigned, kept), ...since(revoking, kept)]);
    return { ...member, ...withEpoch(member, memberEpoch), state: 'UNREVOKED_PARTITIONS', assigned, pendingRevocation: revoking, assignmentEpochs };
  }
  const assignmentEpochs = since(assigned, kept);
  for (const [topic, parts] of pending) {
    const s = assigned.get(topic) ?? new Set<number>();
    for (const p of parts) {
      s.add(p);
      assignmentEpochs.set(partitionKey(topic, p), targetEpoch);
    }
    assigned.set(topic, s);
  }
  return {
    ...member,
    ...withEpoch(member, targetEpoch),
    state: unreleased ? 'UNRELEASED_PARTITIONS' : 'STABLE',
    assigned,
    pendingRevocation: new Map(),
    assignmentEpochs,
  };
}
