/**
 * The classic rebalance protocol (Kafka's GroupCoordinator): JoinGroup, SyncGroup, Heartbeat and
 * LeaveGroup over the states Empty -> PreparingRebalance -> CompletingRebalance -> Stable.
 *
 * Everything is event-driven: a join phase completes the moment the last expected member joins
 * (or at the rebalance timeout), non-leaders' SyncGroups complete the moment the leader's
 * assignment is stored, and every deadline (session, rebalance, initial delay, pending member)
 * is one timer on the core clock.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../emulator/src/core/clock.js';
import type { Logger } from '../../../emulator/src/core/logger.js';
import { ErrorCode } from '../errors.js';
import { EMPTY, Group, joinError, syncError, type JoinResult, type Member, type Protocol, type SyncResult } from './group.js';
import { validGroupId, type GroupOptions, type JoinRequest, type LeavingMember, type SyncRequest } from './requests.js';
import type { GroupStorage } from './storage.js';

/** How long a new member's JoinGroup may wait in a rebalance before it is dropped (Kafka's constant). */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export class Membership {
  constructor(
    private readonly groups: Map<string, Group>,
    private readonly clock: Clock,
    private readonly storage: GroupStorage,
    private readonly log: Logger,
    private readonly options: GroupOptions,
  ) {}

  join(req: JoinRequest): Promise<JoinResult> {
    const { groupId, memberId } = req;
    if (!validGroupId(groupId)) return Promise.resolve(joinError(memberId, ErrorCode.INVALID_GROUP_ID));
    if (req.sessionTimeoutMs < this.options.minSessionTimeoutMs || req.sessionTimeoutMs > this.options.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    let group = this.groups.get(groupId);
    if (!group) {
      // A known member id for a group we do not have belongs to a past life (e.g. before a restart).
      if (memberId !== '') return Promise.resolve(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = new Group(groupId);
      this.groups.set(groupId, group);
    }
    if (group.is('Dead')) return Promise.resolve(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const g = group;
    return new Promise<JoinResult>((resolve) => {
      if (memberId === '') this.joinUnknownMember(g, req, resolve);
      else this.joinKnownMember(g, req, resolve);
    });
  }

  private joinUnknownMember(group: Group, req: JoinRequest, respond: (r: JoinResult) => void): void {
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    const newMemberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null && group.staticMembers.has(req.groupInstanceId)) {
      this.updateStaticMember(group, newMemberId, req, respond);
    } else if (req.requireKnownMemberId && req.groupInstanceId === null) {
      const timer = this.clock.after(req.sessionTimeoutMs, () => this.expirePendingMember(group, newMemberId));
      group.pendingMembers.set(newMemberId, timer);
      respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    } else {
      this.addMemberAndRebalance(group, newMemberId, req, respond);
    }
  }

  private joinKnownMember(group: Group, req: JoinRequest, respond: (r: JoinResult) => void): void {
    const { memberId, groupInstanceId } = req;
    if (group.pendingMembers.has(memberId)) {
      this.clock.cancel(group.pendingMembers.get(memberId));
      this.addMemberAndRebalance(group, memberId, req, respond);
      return;
    }
    if (group.isStaticMemberFenced(memberId, groupInstanceId)) {
      respond(joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
      return;
    }
    const member = group.members.get(memberId);
    if (!member || (groupInstanceId !== null && !group.staticMembers.has(groupInstanceId))) {
      respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      return;
    }
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      respond(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMemberAndRebalance(group, member, req.protocols, respond, `member ${memberId} joining during PreparingRebalance`);
        return;
      case 'CompletingRebalance':
        if (group.matchesProtocols(member, req.protocols)) {
          // Same metadata: it most likely lost the first response, so repeat it.
          respond(this.joinResultFor(group, member));
        } else {
          this.updateMemberAndRebalance(group, member, req.protocols, respond, `member ${memberId} changed metadata`);
        }
        return;
      case 'Stable':
        // A rejoining leader may know of changes the metadata does not show (new topic partitions).
        if (group.isLeader(memberId) || !group.matchesProtocols(member, req.protocols)) {
          this.updateMemberAndRebalance(group, member, req.protocols, respond, `member ${memberId} rejoined`);
        } else {
          respond({ ...this.joinResultFor(group, member), members: [] });
        }
        return;
      default:
        respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(group: Group, memberId: string, req: JoinRequest, respond: (r: JoinResult) => void): void {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: EMPTY,
      awaitingJoin: respond,
      awaitingSync: undefined,
      isNew: true,
      heartbeatTimer: undefined,
    };
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    // A new member cannot heartbeat before it has a generation, so only this bounds its wait.
    this.scheduleHeartbeatExpiry(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group, `adding member ${memberId}`);
    this.tryCompleteJoin(group);
  }

  private updateMemberAndRebalance(group: Group, member: Member, protocols: Protocol[], respond: (r: JoinResult) => void, reason: string): void {
    group.updateMember(member, protocols, respond);
    this.maybePrepareRebalance(group, reason);
    this.tryCompleteJoin(group);
  }

  private updateStaticMember(group: Group, newMemberId: string, req: JoinRequest, respond: (r: JoinResult) => void): void {
    const instanceId = req.groupInstanceId!;
    const oldMemberId = group.staticMembers.get(instanceId)!;
    const currentLeader = group.leaderId ?? '';
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    this.scheduleHeartbeatExpiry(group, member);
    group.updateMember(member, req.protocols, respond);
    this.log.info('group.static_member_replaced', { group: group.groupId, instanceId, oldMemberId, newMemberId });
    switch (group.state) {
      case 'Stable':
        if (group.selectProtocol() === group.protocolName) {
          // No rebalance. The old leader id is returned on purpose: the rejoined member must not
          // think it leads and compute an assignment a Stable group would never distribute.
          const gen = group.generationId;
          void this.storage.saveGroup(group).then(() => {
            if (group.generationId !== gen) return;
            group.invokeJoin(member, { ...this.joinResultFor(group, member), leader: currentLeader, members: [] });
          }, (err) => this.log.error('group.store_failed', { group: group.groupId, err }));
        } else {
          this.maybePrepareRebalance(group, `static member ${instanceId} rejoined with other protocols`);
        }
        return;
      case 'CompletingRebalance':
        // The old incarnation may already have synced; a new round makes sure the new one gets an assignment.
        this.maybePrepareRebalance(group, `static member ${instanceId} rejoined during CompletingRebalance`);
        return;
      default:
        this.tryCompleteJoin(group);
    }
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    const { groupId, memberId } = req;
    if (!validGroupId(groupId)) return Promise.resolve(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(groupId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is('Dead')) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (group.isStaticMemberFenced(memberId, req.groupInstanceId)) return Promise.resolve(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const member = group.members.get(memberId);
    if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (req.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    switch (group.state) {
      case 'Empty':
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        this.removePendingSync(group, memberId);
        this.scheduleHeartbeatExpiry(group, member);
        return Promise.resolve(this.syncResult(group, member.assignment));
      default:
        break;
    }
    return new Promise<SyncResult>((resolve) => {
      // A retried SyncGroup supersedes the earlier one, which would otherwise never be answered.
      group.invokeSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      member.awaitingSync = resolve;
      this.removePendingSync(group, memberId);
      if (group.isLeader(memberId)) this.storeAssignment(group, req.assignments);
    });
  }

  private storeAssignment(group: Group, given: SyncRequest['assignments']): void {
    const assignment = new Map<string, Buffer>();
    // Copies: the given Buffers are views into the leader's request frame (see GroupCoordinator.join).
    for (const a of given) if (group.has(a.memberId)) assignment.set(a.memberId, a.assignment ? Buffer.from(a.assignment) : EMPTY);
    for (const id of group.members.keys()) if (!assignment.has(id)) assignment.set(id, EMPTY);
    const gen = group.generationId;
    this.log.info('group.assignment_received', { group: group.groupId, generation: gen, members: group.members.size });
    this.storage.saveGroup(group).then(
      () => {
        // Another member may have joined while the write was in flight; then this round is over.
        if (!group.is('CompletingRebalance') || group.generationId !== gen) return;
        for (const m of group.members.values()) {
          m.assignment = assignment.get(m.memberId) ?? EMPTY;
          if (group.invokeSync(m, this.syncResult(group, m.assignment))) this.scheduleHeartbeatExpiry(group, m);
        }
        group.state = 'Stable';
        this.log.info('group.stable', { group: group.groupId, generation: gen, members: group.members.size });
      },
      (err) => {
        this.log.error('group.store_failed', { group: group.groupId, err });
        if (!group.is('CompletingRebalance') || group.generationId !== gen) return;
        this.resetAndPropagateAssignmentError(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
        this.maybePrepareRebalance(group, 'failed to store the assignment');
      },
    );
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (!validGroupId(groupId)) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isStaticMemberFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.is('Empty')) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.scheduleHeartbeatExpiry(group, member);
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** LeaveGroup: a group-level error code, and one per member. */
  leave(groupId: string, leaving: LeavingMember[]): { errorCode: number; members: number[] } {
    if (!validGroupId(groupId)) return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, members: leaving.map(() => ErrorCode.UNKNOWN_MEMBER_ID) };
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map(({ memberId, groupInstanceId }) => {
      if (memberId === '') {
        // Administrative removal of a static member by instance id alone.
        const current = groupInstanceId === null ? undefined : group.staticMembers.get(groupInstanceId);
        if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
        this.removeMember(group, group.members.get(current)!, 'left the group');
        return ErrorCode.NONE;
      }
      if (group.pendingMembers.has(memberId)) {
        this.removePendingMember(group, memberId);
        return ErrorCode.NONE;
      }
      if (group.isStaticMemberFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
      const member = group.members.get(memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMember(group, member, 'left the group');
      return ErrorCode.NONE;
    });
    return { errorCode: ErrorCode.NONE, members };
  }

  /** An offset commit from a member counts as a sign of life, as a heartbeat does. */
  touch(group: Group, memberId: string): void {
    const member = group.members.get(memberId);
    if (member) this.scheduleHeartbeatExpiry(group, member);
  }

  /** Forget every timer of a group that is being deleted or shut down. */
  dispose(group: Group): void {
    this.clock.cancel(group.joinTimer);
    this.clock.cancel(group.syncTimer);
    for (const t of group.pendingMembers.values()) this.clock.cancel(t);
    for (const m of group.members.values()) this.clock.cancel(m.heartbeatTimer);
    group.joinTimer = group.syncTimer = undefined;
  }

  private joinResultFor(group: Group, member: Member): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: group.isLeader(member.memberId) ? group.currentMemberMetadata() : [],
    };
  }

  private syncResult(group: Group, assignment: Buffer): SyncResult {
    return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment };
  }

  private maybePrepareRebalance(group: Group, reason: string): void {
    if (group.is('Stable', 'CompletingRebalance', 'Empty')) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.clock.cancel(group.syncTimer);
    group.syncTimer = undefined;
    const fromEmpty = group.is('Empty');
    group.state = 'PreparingRebalance';
    this.log.info('group.preparing_rebalance', { group: group.groupId, generation: group.generationId, reason });
    const delay = this.options.initialRebalanceDelayMs;
    if (fromEmpty && delay > 0) {
      group.newMemberAdded = false;
      group.initialDelayRemainingMs = Math.max(group.rebalanceTimeoutMs - delay, 0);
      this.armJoinTimer(group, delay, () => this.onInitialDelay(group));
    } else {
      group.initialDelayRemainingMs = undefined;
      this.armJoinTimer(group, group.rebalanceTimeoutMs, () => this.completeJoin(group));
      this.tryCompleteJoin(group);
    }
  }

  private armJoinTimer(group: Group, ms: number, fn: () => void): void {
    this.clock.cancel(group.joinTimer);
    group.joinTimer = this.clock.after(ms, () => {
      group.joinTimer = undefined;
      fn();
    });
  }

  /** The initial delay keeps extending while new members keep arriving, up to the rebalance timeout. */
  private onInitialDelay(group: Group): void {
    const remaining = group.initialDelayRemainingMs ?? 0;
    if (group.newMemberAdded && remaining > 0) {
      group.newMemberAdded = false;
      const delay = Math.min(this.options.initialRebalanceDelayMs, remaining);
      group.initialDelayRemainingMs = Math.max(remaining - delay, 0);
      this.armJoinTimer(group, delay, () => this.onInitialDelay(group));
      return;
    }
    group.initialDelayRemainingMs = undefined;
    this.completeJoin(group);
  }

  private tryCompleteJoin(group: Group): void {
    if (!group.is('PreparingRebalance') || group.initialDelayRemainingMs !== undefined) return;
    if (group.hasAllMembersJoined()) this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    if (!group.is('PreparingRebalance')) return;
    this.clock.cancel(group.joinTimer);
    group.joinTimer = undefined;
    group.initialDelayRemainingMs = undefined;
    // Dynamic members that did not rejoin in time are gone; static ones keep their slot.
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin && m.groupInstanceId === null) {
        this.log.info('group.member_removed', { group: group.groupId, member: m.memberId, reason: 'did not rejoin in time' });
        this.clock.cancel(m.heartbeatTimer);
        group.remove(m.memberId);
      }
    }
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Nobody rejoined: wait another round for session expiry to clear out the silent members.
      this.armJoinTimer(group, group.rebalanceTimeoutMs, () => this.completeJoin(group));
      return;
    }
    group.initNextGeneration();
    if (group.is('Empty')) {
      this.log.info('group.empty', { group: group.groupId, generation: group.generationId });
      void this.storage.saveGroup(group).catch((err) => this.log.error('group.store_failed', { group: group.groupId, err }));
      return;
    }
    this.log.info('group.rebalanced', {
      group: group.groupId,
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      members: group.members.size,
    });
    for (const m of group.members.values()) {
      group.invokeJoin(m, this.joinResultFor(group, m));
      this.scheduleHeartbeatExpiry(group, m);
      m.isNew = false;
      group.pendingSync.add(m.memberId);
    }
    const gen = group.generationId;
    group.syncTimer = this.clock.after(group.rebalanceTimeoutMs, () => this.expirePendingSync(group, gen));
  }

  private expirePendingSync(group: Group, generationId: number): void {
    group.syncTimer = undefined;
    if (group.generationId !== generationId || !group.is('CompletingRebalance', 'Stable') || group.pendingSync.size === 0) return;
    const missing = [...group.pendingSync];
    this.log.info('group.members_removed', { group: group.groupId, members: missing, reason: 'no SyncGroup before the rebalance timeout' });
    for (const id of missing) {
      const m = group.members.get(id);
      if (m) this.clock.cancel(m.heartbeatTimer);
      group.remove(id);
    }
    this.maybePrepareRebalance(group, 'members did not sync in time');
  }

  private removePendingSync(group: Group, memberId: string): void {
    group.pendingSync.delete(memberId);
    if (group.pendingSync.size === 0) {
      this.clock.cancel(group.syncTimer);
      group.syncTimer = undefined;
    }
  }

  private resetAndPropagateAssignmentError(group: Group, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = EMPTY;
      if (group.invokeSync(m, syncError(errorCode))) this.scheduleHeartbeatExpiry(group, m);
    }
  }

  private scheduleHeartbeatExpiry(group: Group, member: Member, timeoutMs = member.sessionTimeoutMs): void {
    this.clock.cancel(member.heartbeatTimer);
    member.heartbeatTimer = this.clock.after(timeoutMs, () => {
      member.heartbeatTimer = undefined;
      if (group.members.get(member.memberId) !== member) return;
      // Members waiting in a rebalance are bounded by the rebalance timeout, not the session.
      if (!member.isNew && (member.awaitingJoin || member.awaitingSync)) return;
      this.log.info('group.member_expired', { group: group.groupId, member: member.memberId, sessionTimeoutMs: timeoutMs });
      this.removeMember(group, member, 'session timeout');
    });
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    this.clock.cancel(member.heartbeatTimer);
    member.heartbeatTimer = undefined;
    // A request of this member still waiting is told to start over rather than left hanging.
    group.invokeJoin(member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    group.invokeSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    this.log.info('group.member_removed', { group: group.groupId, member: member.memberId, reason });
    if (group.is('Stable', 'CompletingRebalance')) this.prepareRebalance(group, `member ${member.memberId} ${reason}`);
    else if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  private expirePendingMember(group: Group, memberId: string): void {
    if (group.pendingMembers.has(memberId)) this.removePendingMember(group, memberId);
  }

  private removePendingMember(group: Group, memberId: string): void {
    this.clock.cancel(group.pendingMembers.get(memberId));
    group.pendingMembers.delete(memberId);
    this.tryCompleteJoin(group);
  }
}
