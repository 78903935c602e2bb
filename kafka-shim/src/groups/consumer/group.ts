/**
 * The state of one KIP-848 consumer group (Kafka's ConsumerGroup): group epoch, target assignment
 * and its epoch, members, and which member holds each partition. Pure data and invariants, plus
 * the JSON form kept in the group record (../storage.ts); requests and timers live in
 * ./coordinator.ts.
 */
import type { Assignment } from './assignors.js';
import type { ConsumerMember } from './member.js';

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable';

/** Name -> id and partition count of every topic the members subscribe to that exists. */
export type SubscriptionMetadata = Map<string, { id: string; partitions: number }>;

type AssignmentRecord = Record<string, number[]>;

/** A member as stored: the in-memory member with its maps and sets as JSON objects and arrays. */
type MemberRecord = Omit<ConsumerMember, 'assigned' | 'pendingRevocation' | 'assignmentEpochs'> & {
  assigned: AssignmentRecord;
  pendingRevocation: AssignmentRecord;
  assignmentEpochs: Record<string, number>;
  target: AssignmentRecord;
};

export interface ConsumerGroupRecord {
  groupEpoch: number;
  assignmentEpoch: number;
  members: MemberRecord[];
  metadata: Record<string, { id: string; partitions: number }>;
}

const toRecord = (a: Assignment): AssignmentRecord => Object.fromEntries([...a].filter(([, s]) => s.size > 0).map(([t, s]) => [t, [...s].sort((x, y) => x - y)]));
const fromRecord = (r: AssignmentRecord): Assignment => new Map(Object.entries(r).map(([t, ps]) => [t, new Set(ps)]));

export class ConsumerGroup {
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  /** instance id -> member id */
  readonly staticMembers = new Map<string, string>();
  /** member id -> its target assignment at assignmentEpoch */
  readonly target = new Map<string, Assignment>();
  metadata: SubscriptionMetadata = new Map();
  /** "topicId\0partition" -> epoch of the member holding it (assigned or pending revocation) */
  private readonly partitionEpochs = new Map<string, number>();

  constructor(readonly groupId: string) {}

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) if (m.memberEpoch !== this.assignmentEpoch || m.state !== 'STABLE') return 'Reconciling';
    return 'Stable';
  }

  ownerEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(`${topicId}\0${partition}`) ?? -1;
  }

  staticMember(instanceId: string): ConsumerMember | undefined {
    const id = this.staticMembers.get(instanceId);
    return id === undefined ? undefined : this.members.get(id);
  }

  /** Add or replace a member, keeping the partition owners in step. */
  put(member: ConsumerMember): void {
    const old = this.members.get(member.memberId);
    if (old) this.release(old);
    this.members.set(member.memberId, member);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId);
    for (const a of [member.assigned, member.pendingRevocation]) {
      for (const [t, ps] of a) for (const p of ps) this.partitionEpochs.set(`${t}\0${p}`, member.memberEpoch);
    }
  }

  remove(memberId: string): ConsumerMember | undefined {
    const m = this.members.get(memberId);
    if (!m) return undefined;
    this.release(m);
    this.members.delete(memberId);
    this.target.delete(memberId);
    if (m.instanceId !== null && this.staticMembers.get(m.instanceId) === memberId) this.staticMembers.delete(m.instanceId);
    return m;
  }

  private release(m: ConsumerMember): void {
    for (const a of [m.assigned, m.pendingRevocation]) for (const [t, ps] of a) for (const p of ps) this.partitionEpochs.delete(`${t}\0${p}`);
  }

  /** The member assignor most members ask for, else the first configured (Kafka's preferredServerAssignor). */
  preferredAssignor(defaultName: string): string {
    const votes = new Map<string, number>();
    for (const m of this.members.values()) if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    let best = defaultName;
    let n = 0;
    for (const [name, v] of votes) if (v > n) [best, n] = [name, v];
    return best;
  }

  toRecord(): ConsumerGroupRecord {
    return {
      groupEpoch: this.groupEpoch,
      assignmentEpoch: this.assignmentEpoch,
      metadata: Object.fromEntries(this.metadata),
      members: [...this.members.values()].map((m) => ({
        ...m,
        assigned: toRecord(m.assigned),
        pendingRevocation: toRecord(m.pendingRevocation),
        assignmentEpochs: Object.fromEntries(m.assignmentEpochs),
        target: toRecord(this.target.get(m.memberId) ?? new Map()),
      })),
    };
  }

  static fromRecord(groupId: string, r: ConsumerGroupRecord): ConsumerGroup {
    const g = new ConsumerGroup(groupId);
    g.groupEpoch = r.groupEpoch;
    g.assignmentEpoch = r.assignmentEpoch;
    g.metadata = new Map(Object.entries(r.metadata));
    for (const m of r.members) {
      const { target, ...rest } = m;
      g.put({
        ...rest,
        assigned: fromRecord(m.assigned),
        pendingRevocation: fromRecord(m.pendingRevocation),
        assignmentEpochs: new Map(Object.entries(m.assignmentEpochs ?? {})),
      });
      g.target.set(m.memberId, fromRecord(target));
    }
    return g;
  }
}
