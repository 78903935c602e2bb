/**
 * The KIP-848 consumer group coordinator (Kafka's GroupMetadataManager.consumerGroupHeartbeat and
 * its timers, facts only): one ConsumerGroupHeartbeat at a time joins, heartbeats, reconciles or
 * leaves a member; the group epoch moves when membership, subscriptions or the subscribed topics
 * change, the target assignment is recomputed when the group epoch passes the assignment epoch,
 * and each member steps toward its target (./member.ts). Session and revocation (rebalance)
 * timeouts are timers on the core clock. Every change is written (the group record, ../storage.ts)
 * before the member is answered; a failed write puts the group back as it was.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../../../../emulator/src/core/clock.js';
import type { Logger } from '../../../../emulator/src/core/logger.js';
import { ErrorCode, KafkaError } from '../../errors.js';
import { Group } from '../group.js';
import type { GroupStorage } from '../storage.js';
import { ASSIGNORS, type Assignment } from './assignors.js';
import { ConsumerGroup, type SubscriptionMetadata } from './group.js';
import { type ConsumerMember, isSubset, reconcile, sameAssignment } from './member.js';
import { compileRegex } from './regex.js';
import { LEAVE, STATIC_LEAVE, toWire, validateHeartbeat, type ConsumerGroupDescription, type HeartbeatRequest, type HeartbeatResult, type WireAssignment } from './requests.js';

export type { ConsumerGroupDescription, HeartbeatRequest, HeartbeatResult } from './requests.js';

export interface ConsumerOptions {
  /** group.consumer.session.timeout.ms */
  sessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms */
  heartbeatIntervalMs: number;
  /** group.consumer.assignors: the first is the default */
  assignors: string[];
}

/** What the coordinator needs of the topics. */
export interface ConsumerTopics {
  names(): string[];
  byName(name: string): { id: string; partitions: number } | undefined;
}

export class ConsumerCoordinator {
  private readonly sessionTimers = new Map<string, Timer>();
  private readonly revocationTimers = new Map<string, Timer>();

  constructor(
    private readonly groups: Map<string, Group>,
    private readonly clock: Clock,
    private readonly storage: GroupStorage,
    private readonly topics: ConsumerTopics,
    private readonly log: Logger,
    readonly options: ConsumerOptions,
  ) {}

  async heartbeat(req: HeartbeatRequest): Promise<HeartbeatResult> {
    const fail = (err: KafkaError): HeartbeatResult => ({
      errorCode: err.code, errorMessage: err.message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null,
    });
    let undo: () => void;
    let result: HeartbeatResult;
    let changed: Group | undefined;
    try {
      validateHeartbeat(req, this.options.assignors);
      ({ undo, result, changed } = this.apply(req));
    } catch (err) {
      if (err instanceof KafkaError) return fail(err);
      throw err;
    }
    if (!changed) return result;
    try {
      await this.storage.write([this.storage.groupOp(changed)]);
    } catch (err) {
      this.log.error('group.store_failed', { group: req.groupId, err });
      undo();
      return fail(new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the group could not be stored'));
    }
    return result;
  }

  /** The in-memory change of one heartbeat, how to undo it, and the group to write if it changed. */
  private apply(req: HeartbeatRequest): { undo: () => void; result: HeartbeatResult; changed: Group | undefined } {
    const { groupId } = req;
    let g = this.groups.get(groupId);
    const created = !g || g.is('Dead');
    if (!g || g.is('Dead')) {
      if (req.memberEpoch !== 0) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${groupId} not found.`);
      g = new Group(groupId);
      g.consumer = new ConsumerGroup(groupId);
      this.groups.set(groupId, g);
    } else if (!g.consumer) {
      // An empty classic group (e.g. one that only holds committed offsets) becomes a consumer
      // group on the first join, keeping its offsets; one with members cannot here.
      if (req.memberEpoch !== 0 || !g.is('Empty') || g.members.size > 0) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
      g.consumer = new ConsumerGroup(groupId);
      this.log.info('group.converted', { group: groupId, to: 'consumer' });
    }
    const group = g;
    const before = created ? undefined : group.consumer!.toRecord();
    const beforeJson = JSON.stringify(before);
    const beforeType = group.protocolType;
    const undo = () => {
      if (created) this.groups.delete(groupId);
      else group.consumer = before ? ConsumerGroup.fromRecord(groupId, before) : undefined;
      group.protocolType = beforeType;
    };
    try {
      const result = this.step(group, group.consumer!, req);
      group.protocolType = 'consumer';
      const dirty = created || JSON.stringify(group.consumer!.toRecord()) !== beforeJson || beforeType !== 'consumer';
      return { undo, result, changed: dirty ? group : undefined };
    } catch (err) {
      undo();
      throw err;
    }
  }

  private step(group: Group, cg: ConsumerGroup, req: HeartbeatRequest): HeartbeatResult {
    if (req.memberEpoch === LEAVE || req.memberEpoch === STATIC_LEAVE) return this.leave(group, cg, req);
    const joining = req.memberEpoch === 0;
    const memberId = req.memberId === '' ? randomUUID() : req.memberId;
    let member: ConsumerMember | undefined;
    if (req.instanceId === null) {
      member = cg.members.get(memberId);
      if (!member && !joining) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${group.groupId}.`);
      if (member && !joining) this.checkEpoch(member, req);
    } else {
      const existing = cg.staticMember(req.instanceId);
      if (joining) {
        if (existing && existing.memberId !== memberId) {
          if (existing.memberEpoch !== STATIC_LEAVE) {
            throw new KafkaError(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${memberId} with instance id ${req.instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`);
          }
          // The new incarnation takes over the old one's assignment without a rebalance.
          const target = cg.target.get(existing.memberId);
          this.forget(group.groupId, existing.memberId);
          cg.remove(existing.memberId);
          member = { ...existing, memberId, memberEpoch: 0, previousMemberEpoch: 0 };
          cg.put(member);
          if (target) cg.target.set(memberId, target);
          this.log.info('group.static_member_replaced', { group: group.groupId, instanceId: req.instanceId, oldMemberId: existing.memberId, memberId });
        } else member = existing;
      } else {
        if (!existing) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${req.instanceId} is unknown.`);
        if (existing.memberId !== memberId) throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID, `Static member ${memberId} with instance id ${req.instanceId} was fenced by member ${existing.memberId}.`);
        this.checkEpoch(existing, req);
        member = existing;
      }
    }
    const isNew = !member;
    const old: ConsumerMember = member ?? {
      memberId, instanceId: req.instanceId, rackId: null, clientId: req.clientId, clientHost: req.clientHost, rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: [], subscribedTopicRegex: null, serverAssignor: null, memberEpoch: 0, previousMemberEpoch: 0, state: 'STABLE',
      assigned: new Map(), pendingRevocation: new Map(), assignmentEpochs: new Map(),
    };
    let updated: ConsumerMember = {
      ...old,
      instanceId: req.instanceId ?? old.instanceId,
      rackId: req.rackId ?? old.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs !== -1 ? req.rebalanceTimeoutMs : old.rebalanceTimeoutMs,
      serverAssignor: req.serverAssignor ?? old.serverAssignor,
      subscribedTopicNames: req.subscribedTopicNames ?? old.subscribedTopicNames,
      subscribedTopicRegex: req.subscribedTopicRegex === null ? old.subscribedTopicRegex : req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex,
      clientId: req.clientId,
      clientHost: req.clientHost,
    };
    let bump =
      isNew ||
      updated.subscribedTopicRegex !== old.subscribedTopicRegex ||
      updated.subscribedTopicNames.length !== old.subscribedTopicNames.length ||
      updated.subscribedTopicNames.some((t, i) => t !== old.subscribedTopicNames[i]) ||
      updated.serverAssignor !== old.serverAssignor;
    cg.put(updated);
    const metadata = this.subscriptionMetadata(cg);
    if (!sameMetadata(metadata, cg.metadata)) {
      cg.metadata = metadata;
      bump = true;
    }
    if (bump) {
      cg.groupEpoch++;
      this.log.info('group.epoch_bumped', { group: group.groupId, groupEpoch: cg.groupEpoch, member: memberId });
    }
    if (cg.groupEpoch > cg.assignmentEpoch) this.computeTarget(cg);
    const target = cg.target.get(memberId) ?? new Map();
    updated = reconcile(updated, cg.assignmentEpoch, target, req.topicPartitions, (t, p) => cg.ownerEpoch(t, p));
    cg.put(updated);
    this.armSession(group.groupId, memberId);
    this.armRevocation(group.groupId, old, updated);
    const full = joining || (req.rebalanceTimeoutMs !== -1 && req.subscribedTopicNames !== null && req.topicPartitions !== null);
    const assignmentChanged = !sameAssignment(old.assigned, updated.assigned);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId,
      memberEpoch: updated.memberEpoch,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      assignment: full || assignmentChanged || isNew ? { topicPartitions: toWire(updated.assigned) } : null,
    };
  }

  private checkEpoch(member: ConsumerMember, req: HeartbeatRequest): void {
    const e = req.memberEpoch;
    if (e > member.memberEpoch || (e < member.memberEpoch && (e !== member.previousMemberEpoch || !isSubset(req.topicPartitions, member.assigned)))) {
      throw new KafkaError(
        ErrorCode.FENCED_MEMBER_EPOCH,
        `The consumer group member has a ${e > member.memberEpoch ? 'greater' : 'smaller'} member epoch (${e}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
    }
  }

  private leave(group: Group, cg: ConsumerGroup, req: HeartbeatRequest): HeartbeatResult {
    let member: ConsumerMember | undefined;
    if (req.instanceId !== null) {
      member = cg.staticMember(req.instanceId);
      if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${req.instanceId} is unknown.`);
      if (member.memberId !== req.memberId) throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID, `Static member ${req.memberId} with instance id ${req.instanceId} was fenced by member ${member.memberId}.`);
    } else {
      member = cg.members.get(req.memberId);
      if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${group.groupId}.`);
    }
    const done = { errorCode: ErrorCode.NONE, errorMessage: null, memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
    if (req.memberEpoch === STATIC_LEAVE) {
      // A static member that will come back keeps its partitions until its session runs out.
      cg.put({ ...member, memberEpoch: STATIC_LEAVE });
      this.log.info('group.static_member_left', { group: group.groupId, member: member.memberId, instanceId: req.instanceId });
      return done;
    }
    this.removeMember(group.groupId, cg, member.memberId, 'left the group');
    return done;
  }

  private removeMember(groupId: string, cg: ConsumerGroup, memberId: string, reason: string): void {
    this.forget(groupId, memberId);
    cg.remove(memberId);
    cg.groupEpoch++;
    cg.metadata = this.subscriptionMetadata(cg);
    this.log.info('group.member_removed', { group: groupId, member: memberId, reason, groupEpoch: cg.groupEpoch });
  }

  private subscriptionMetadata(cg: ConsumerGroup): SubscriptionMetadata {
    const out: SubscriptionMetadata = new Map();
    for (const name of this.subscribedNames(cg)) {
      const t = this.topics.byName(name);
      if (t) out.set(name, t);
    }
    return out;
  }

  private subscribedNames(cg: ConsumerGroup): Set<string> {
    const names = new Set<string>();
    let all: string[] | undefined;
    for (const m of cg.members.values()) {
      for (const n of m.subscribedTopicNames) names.add(n);
      if (m.subscribedTopicRegex !== null) {
        const re = compileRegex(m.subscribedTopicRegex);
        all ??= this.topics.names();
        for (const n of all) if (re.test(n)) names.add(n);
      }
    }
    return names;
  }

  /** Topic names a member subscribes to (names and regex matches). */
  private memberTopics(m: ConsumerMember, cg: ConsumerGroup): Set<string> {
    const ids = new Set<string>();
    const re = m.subscribedTopicRegex === null ? undefined : compileRegex(m.subscribedTopicRegex);
    for (const [name, t] of cg.metadata) if (m.subscribedTopicNames.includes(name) || re?.test(name)) ids.add(t.id);
    return ids;
  }

  private computeTarget(cg: ConsumerGroup): void {
    const name = cg.preferredAssignor(this.options.assignors[0]);
    const assignor = ASSIGNORS.get(name) ?? ASSIGNORS.get('uniform')!;
    const partitions = new Map([...cg.metadata.values()].map((t) => [t.id, t.partitions]));
    const members = [...cg.members.values()].map((m) => ({ memberId: m.memberId, topics: this.memberTopics(m, cg), previous: cg.target.get(m.memberId) ?? new Map() }));
    const target = assignor.assign(members, partitions);
    cg.target.clear();
    for (const [id, a] of target) cg.target.set(id, a);
    cg.assignmentEpoch = cg.groupEpoch;
    this.log.info('group.target_assignment', { group: cg.groupId, assignmentEpoch: cg.assignmentEpoch, assignor: assignor.name, members: members.length });
  }

  private key(groupId: string, memberId: string): string {
    return `${groupId}\0${memberId}`;
  }

  private forget(groupId: string, memberId: string): void {
    const k = this.key(groupId, memberId);
    this.clock.cancel(this.sessionTimers.get(k));
    this.clock.cancel(this.revocationTimers.get(k));
    this.sessionTimers.delete(k);
    this.revocationTimers.delete(k);
  }

  armSession(groupId: string, memberId: string): void {
    const k = this.key(groupId, memberId);
    this.clock.cancel(this.sessionTimers.get(k));
    this.sessionTimers.set(k, this.clock.after(this.options.sessionTimeoutMs, () => {
      this.sessionTimers.delete(k);
      this.expire(groupId, memberId, 'session timeout');
    }));
  }

  /** A member asked to revoke partitions has its rebalance timeout to do so, or it is removed. */
  private armRevocation(groupId: string, old: ConsumerMember, now: ConsumerMember): void {
    const k = this.key(groupId, now.memberId);
    if (now.state !== 'UNREVOKED_PARTITIONS') {
      this.clock.cancel(this.revocationTimers.get(k));
      this.revocationTimers.delete(k);
      return;
    }
    if (old.state === 'UNREVOKED_PARTITIONS' && old.memberEpoch === now.memberEpoch && this.revocationTimers.has(k)) return;
    this.clock.cancel(this.revocationTimers.get(k));
    const epoch = now.memberEpoch;
    this.revocationTimers.set(k, this.clock.after(Math.max(0, now.rebalanceTimeoutMs), () => {
      this.revocationTimers.delete(k);
      const m = this.groups.get(groupId)?.consumer?.members.get(now.memberId);
      if (m?.state === 'UNREVOKED_PARTITIONS' && m.memberEpoch === epoch) this.expire(groupId, now.memberId, 'did not revoke its partitions within the rebalance timeout');
    }));
  }

  private expire(groupId: string, memberId: string, reason: string): void {
    const group = this.groups.get(groupId);
    const cg = group?.consumer;
    if (!group || !cg?.members.has(memberId)) return;
    this.removeMember(groupId, cg, memberId, reason);
    // Nobody waits for this write; a failure is logged and the member stays removed in memory
    // (as after a restart it would be gone once its session ran out again).
    this.storage.write([this.storage.groupOp(group)]).catch((err) => this.log.error('group.store_failed', { group: groupId, err }));
  }

  /** After a restart: every member gets a full session to come back, as Kafka does on load. */
  armAll(): void {
    for (const g of this.groups.values()) for (const id of g.consumer?.members.keys() ?? []) this.armSession(g.groupId, id);
  }

  dispose(group: Group): void {
    for (const id of group.consumer?.members.keys() ?? []) this.forget(group.groupId, id);
  }

  describe(groupId: string, topicName: (id: string) => string | undefined): ConsumerGroupDescription {
    const g = this.groups.get(groupId);
    const base = { groupId, groupState: 'Dead', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [] };
    if (!g || g.is('Dead')) return { ...base, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.` };
    const cg = g.consumer;
    if (!cg) return { ...base, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} is not a consumer group.` };
    const names = new Map([...cg.metadata].map(([n, t]) => [t.id, n]));
    const wire = (a: Assignment): WireAssignment => ({ topicPartitions: toWire(a).map((t) => ({ ...t, topicName: names.get(t.topicId) ?? topicName(t.topicId) ?? '' })) });
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId,
      groupState: cg.state,
      groupEpoch: cg.groupEpoch,
      assignmentEpoch: cg.assignmentEpoch,
      assignorName: cg.preferredAssignor(this.options.assignors[0]),
      members: [...cg.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: wire(m.assigned),
        targetAssignment: wire(cg.target.get(m.memberId) ?? new Map()),
      })),
    };
  }
}

function sameMetadata(a: SubscriptionMetadata, b: SubscriptionMetadata): boolean {
  if (a.size !== b.size) return false;
  for (const [n, t] of a) {
    const o = b.get(n);
    if (!o || o.id !== t.id || o.partitions !== t.partitions) return false;
  }
  return true;
}
