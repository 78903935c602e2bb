/**
 * One classic consumer group: its members, state and generation, and the protocol bookkeeping
 * (Kafka's GroupMetadata / MemberMetadata). Pure data and invariants; time and the rebalance
 * protocol live in the coordinator.
 */
import type { Timer } from '../../../emulator/src/core/clock.js';
import { subscribedTopics } from './consumer-protocol.js';
import { ErrorCode } from '../errors.js';
import type { ConsumerGroup } from './consumer/group.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface Member {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  protocols: Protocol[];
  assignment: Buffer;
  /** Set while a JoinGroup of this member waits for the join phase to complete. */
  awaitingJoin: ((r: JoinResult) => void) | undefined;
  /** Set while a SyncGroup of this member waits for the leader's assignment. */
  awaitingSync: ((r: SyncResult) => void) | undefined;
  /** Joined but never completed a join phase: the session timer does not protect it yet. */
  isNew: boolean;
  heartbeatTimer: Timer | undefined;
}

export const EMPTY = Buffer.alloc(0);

export function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Insertion order matters: a departing leader is replaced by the oldest member. */
  readonly members = new Map<string, Member>();
  /** groupInstanceId -> memberId */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, waiting for the second JoinGroup. */
  readonly pendingMembers = new Map<string, Timer>();
  /** Members sent a JoinGroup response that have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  /** protocol name -> number of members supporting it */
  private readonly supported = new Map<string, number>();
  awaitingJoinCount = 0;
  /** Topics every member subscribes to under the selected protocol; undefined = unknown. */
  subscribed: Set<string> | undefined;
  /** A member joined during the initial delay, which extends it (group.initial.rebalance.delay.ms). */
  newMemberAdded = false;
  joinTimer: Timer | undefined;
  /** The initial-join delay still left to extend by, while the initial delay runs. */
  initialDelayRemainingMs: number | undefined;
  syncTimer: Timer | undefined;
  /** Set when the group runs the KIP-848 consumer protocol (./consumer); its classic side then
   * stays Empty, with no classic members. */
  consumer: ConsumerGroup | undefined = undefined;
  /** committed offsets: topic -> partition -> entry */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();

  constructor(readonly groupId: string) {}

  is(...states: GroupState[]): boolean {
    return states.includes(this.state);
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  hasAllMembersJoined(): boolean {
    return this.awaitingJoinCount === this.members.size && this.pendingMembers.size === 0;
  }

  /** A member presenting an instance id that now belongs to another member id is a zombie. */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  add(member: Member): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    for (const p of member.protocols) this.supported.set(p.name, (this.supported.get(p.name) ?? 0) + 1);
    if (member.awaitingJoin) this.awaitingJoinCount++;
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.pendingMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.members.delete(memberId);
    for (const p of member.protocols) this.supported.set(p.name, (this.supported.get(p.name) ?? 1) - 1);
    if (member.awaitingJoin) this.awaitingJoinCount--;
    this.pendingSync.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  /** Change a member's protocols and set its pending JoinGroup (Kafka's updateMember). */
  updateMember(member: Member, protocols: Protocol[], callback: (r: JoinResult) => void): void {
    for (const p of member.protocols) this.supported.set(p.name, (this.supported.get(p.name) ?? 1) - 1);
    member.protocols = protocols;
    for (const p of protocols) this.supported.set(p.name, (this.supported.get(p.name) ?? 0) + 1);
    // A retried JoinGroup supersedes the pending one, which must still be answered: responses on
    // a connection go out in request order, so one left hanging would block the connection.
    this.invokeJoin(member, joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    this.awaitingJoinCount++;
    member.awaitingJoin = callback;
  }

  /** A static member rejoining under a new member id takes over the old member's slot; whoever
   * was still waiting under the old id is a zombie and is fenced at once. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): Member {
    const member = this.members.get(oldMemberId)!;
    this.members.delete(oldMemberId);
    this.invokeJoin(member, joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    this.invokeSync(member, syncError(ErrorCode.FENCED_INSTANCE_ID));
    this.pendingSync.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  invokeJoin(member: Member, result: JoinResult): boolean {
    const cb = member.awaitingJoin;
    if (!cb) return false;
    member.awaitingJoin = undefined;
    this.awaitingJoinCount--;
    cb(result);
    return true;
  }

  invokeSync(member: Member, result: SyncResult): boolean {
    const cb = member.awaitingSync;
    if (!cb) return false;
    member.awaitingSync = undefined;
    cb(result);
    return true;
  }

  /** Whether a joining member's protocols fit the group (Kafka's supportsProtocols). */
  supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    return this.protocolType === protocolType && protocols.some((p) => (this.supported.get(p.name) ?? 0) === this.members.size);
  }

  /** Each member votes for its most preferred protocol that every member supports; most votes wins. */
  selectProtocol(): string {
    const candidates = new Set([...this.supported].filter(([, n]) => n === this.members.size).map(([name]) => name));
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const vote = m.protocols.find((p) => candidates.has(p.name))?.name;
      if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  /** If the leader did not rejoin, hand leadership to a member that did. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.awaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.awaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  initNextGeneration(): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.state = 'CompletingRebalance';
    } else {
      this.protocolName = null;
      this.state = 'Empty';
    }
    this.subscribed = this.computeSubscribedTopics();
    this.pendingSync.clear();
  }

  private computeSubscribedTopics(): Set<string> | undefined {
    if (this.protocolType !== 'consumer' || this.protocolName === null) return this.members.size === 0 ? new Set() : undefined;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const meta = m.protocols.find((p) => p.name === this.protocolName)?.metadata;
      const t = meta && subscribedTopics(meta);
      if (!t) return undefined;
      for (const topic of t) topics.add(topic);
    }
    return topics;
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribed === undefined || this.subscribed.has(topic);
  }

  matchesProtocols(member: Member, protocols: Protocol[]): boolean {
    return (
      member.protocols.length === protocols.length &&
      member.protocols.every((p, i) => p.name === protocols[i].name && p.metadata.equals(protocols[i].metadata))
    );
  }

  /** Members as the leader sees them in its JoinGroup response. */
  currentMemberMetadata(): JoinResult['members'] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
    }));
  }
}

export interface CommittedOffset {
  /** The topic's id at commit time: a deleted and recreated topic does not inherit offsets. */
  topicId: string;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}
