/**
 * The classic group coordinator and committed offsets: the one object API handlers talk to.
 * Membership (./membership.ts) runs the rebalance protocol, Offsets (./offsets.ts) the commits,
 * GroupStorage (./storage.ts) the LevelDB records; this file adds the group-level admin views
 * (describe, list, delete) and consumer lag. KIP-848 consumer groups (./consumer) live in the same
 * map (a Group with `consumer` set), so offsets, lag, listing and deletion serve both kinds.
 */
import type { Core } from '../../../emulator/src/core/core.js';
import type { Logger } from '../../../emulator/src/core/logger.js';
import type { LogManager } from '../log/index.js';
import { assignedPartitions } from './consumer-protocol.js';
import { ErrorCode } from '../errors.js';
import { EMPTY, Group, joinError, type GroupState, type JoinResult, type SyncResult } from './group.js';
import { Membership } from './membership.js';
import { validGroupId, type GroupOptions, type JoinRequest, type LeavingMember, type SyncRequest } from './requests.js';
import { Offsets, type CommitRequest, type FetchedTopic, type TopicErrors } from './offsets.js';
import { GroupStorage } from './storage.js';
import { ConsumerCoordinator, type HeartbeatRequest, type HeartbeatResult } from './consumer/coordinator.js';
import { liveOffset, type TopicLookup } from './topics.js';

export { registerLagRoutes } from './lag.js';
export type { GroupOptions } from './requests.js';

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: GroupState;
  protocolType: string;
  protocolData: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  }[];
}

export interface LagRow {
  group: string;
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number | null;
  /** Kafka's LAG column (kafka-consumer-groups measures to the log end, read_uncommitted). */
  lag: number | null;
  /** The partition's last stable offset: where a read_committed consumer's fetches stop (open transactions). */
  lastStableOffset: number | null;
  /** Lag of a read_committed consumer (its records-lag metric): to the last stable offset. */
  lagToStable: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

/** Kafka's defaults, except the initial delay: a local emulator is better served by a short wait
 * than by Kafka's 3 s (the host sets it from kafka.groupInitialRebalanceDelayMs). */
function defaults(): GroupOptions {
  return {
    initialRebalanceDelayMs: 100,
    minSessionTimeoutMs: 6000,
    maxSessionTimeoutMs: 30 * 60 * 1000,
    consumerSessionTimeoutMs: 45_000,
    consumerHeartbeatIntervalMs: 5_000,
    consumerAssignors: ['uniform', 'range'],
  };
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly storage: GroupStorage;
  private readonly membership: Membership;
  private readonly offsets: Offsets;
  private readonly topics: TopicLookup;
  private readonly logger: Logger;
  private readonly options: GroupOptions;
  readonly consumer: ConsumerCoordinator;

  constructor(
    readonly core: Core,
    readonly log: LogManager,
    options: Partial<GroupOptions> = {},
  ) {
    this.storage = new GroupStorage(core.store);
    this.topics = log;
    this.logger = core.log.child({ component: 'kafka.groups' });
    this.options = { ...defaults(), ...options };
    this.membership = new Membership(this.groups, core.clock, this.storage, this.logger, this.options);
    this.offsets = new Offsets(this.groups, this.membership, this.storage, this.topics, core.clock);
    this.consumer = new ConsumerCoordinator(
      this.groups,
      core.clock,
      this.storage,
      {
        names: () => (typeof log.topics === 'function' ? log.topics().map((t) => t.name) : []),
        byName: (name) => {
          const id = log.topic(name)?.id;
          const partitions = log.partitionCount(name);
          return id === undefined || partitions === undefined ? undefined : { id, partitions };
        },
      },
      this.logger,
      { sessionTimeoutMs: this.options.consumerSessionTimeoutMs, heartbeatIntervalMs: this.options.consumerHeartbeatIntervalMs, assignors: this.options.consumerAssignors },
    );
  }

  async load(): Promise<void> {
    await this.storage.load(this.groups);
    this.consumer.armAll();
    this.logger.info('groups.loaded', { groups: this.groups.size });
  }

  async close(): Promise<void> {
    for (const g of this.groups.values()) {
      this.membership.dispose(g);
      this.consumer.dispose(g);
    }
  }

  join(req: JoinRequest): Promise<JoinResult> {
    const existing = this.groups.get(req.groupId);
    if (existing?.consumer) {
      // Kafka 4 lets classic members into a consumer group; here only an empty consumer group
      // can be joined, by turning it back into a classic group (offsets kept).
      if (existing.consumer.members.size > 0) return Promise.resolve({ ...joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL) });
      this.consumer.dispose(existing);
      existing.consumer = undefined;
      this.logger.info('group.converted', { group: req.groupId, to: 'classic' });
    }
    // Decoded Buffers are views into the request frame, which pins the whole socket read behind
    // it; a member's protocols live as long as the member, so the group keeps copies.
    const protocols = req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) }));
    return this.membership.join({ ...req, protocols });
  }

  /** ConsumerGroupHeartbeat (./consumer/coordinator.ts). */
  consumerHeartbeat(req: HeartbeatRequest): Promise<HeartbeatResult> {
    return this.consumer.heartbeat(req);
  }

  /** ConsumerGroupDescribe of one group. */
  consumerDescribe(groupId: string) {
    return this.consumer.describe(groupId, (id) => (typeof this.log.topicById === 'function' ? this.log.topicById(id)?.name : undefined));
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    return this.membership.sync(req);
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    return this.membership.heartbeat(groupId, memberId, groupInstanceId, generationId);
  }

  leave(groupId: string, members: LeavingMember[]): { errorCode: number; members: number[] } {
    return this.membership.leave(groupId, members);
  }

  commitOffsets(req: CommitRequest): Promise<TopicErrors[]> {
    return this.offsets.commit(req);
  }

  /** TxnOffsetCommit's group checks (error code). */
  validateTxnOffsetCommit(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    return this.offsets.validateTxn(groupId, generationId, memberId, groupInstanceId);
  }

  /** A committed transaction's offsets (the transaction coordinator calls this before CompleteCommit). */
  applyTxnOffsets(offsets: { groupId: string; topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null }[]): Promise<void> {
    return this.offsets.applyTxn(offsets);
  }

  fetchOffsets(
    groupId: string,
    topics: { name: string; partitionIndexes: number[] }[] | null,
    member?: { memberId: string | null; memberEpoch: number },
  ): { errorCode: number; topics: FetchedTopic[] } {
    return this.offsets.fetch(groupId, topics, member);
  }

  deleteOffsets(groupId: string, topics: { name: string; partitions: { partitionIndex: number }[] }[]): Promise<{ errorCode: number; topics: TopicErrors[] }> {
    return this.offsets.delete(groupId, topics);
  }

  describe(groupId: string): DescribedGroup {
    const dead: DescribedGroup = { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
    if (!validGroupId(groupId, true)) return { ...dead, errorCode: ErrorCode.INVALID_GROUP_ID };
    const group = this.groups.get(groupId);
    // DescribeGroups up to v5 knows classic groups only: a consumer group is "Dead" there (Kafka 4).
    if (!group || group.consumer) return dead;
    // Metadata and assignments only mean something once a protocol is chosen and handed out.
    const stable = group.is('Stable');
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  /** ListGroups, optionally filtered by state names (case-insensitive, as Kafka). */
  list(statesFilter: string[] = [], typesFilter: string[] = []): { groupId: string; protocolType: string; groupState: string; groupType: 'classic' | 'consumer' }[] {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((s) => s.toLowerCase()));
    return [...this.groups.values()]
      .filter((g) => !g.is('Dead'))
      .map((g) =>
        g.consumer
          ? { groupId: g.groupId, protocolType: 'consumer', groupState: g.consumer.state as string, groupType: 'consumer' as const }
          : { groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state as string, groupType: 'classic' as const },
      )
      .filter((g) => (states.size === 0 || states.has(g.groupState.toLowerCase())) && (types.size === 0 || types.has(g.groupType)));
  }

  /** DeleteGroups: only Empty groups go, together with their committed offsets. */
  async deleteGroup(groupId: string): Promise<number> {
    if (!validGroupId(groupId, true)) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty') || (group.consumer?.members.size ?? 0) > 0) return ErrorCode.NON_EMPTY_GROUP;
    group.state = 'Dead';
    this.membership.dispose(group);
    this.consumer.dispose(group);
    this.groups.delete(groupId);
    try {
      await this.storage.write(this.storage.deleteGroupOps(group));
    } catch {
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    this.logger.info('group.deleted', { group: groupId });
    return ErrorCode.NONE;
  }

  /** Whether the group exists (OffsetCommit v9+ answers GROUP_ID_NOT_FOUND otherwise). */
  exists(groupId: string): boolean {
    const group = this.groups.get(groupId);
    return !!group && !group.is('Dead');
  }

  groupIds(): string[] {
    return [...this.groups.keys()].sort();
  }

  /**
   * Consumer lag of a group, one row per partition that is committed or assigned, like
   * `kafka-consumer-groups --describe`. Undefined when the group does not exist.
   */
  lag(groupId: string): LagRow[] | undefined {
    const group = this.groups.get(groupId);
    if (!group) return undefined;
    const owners = new Map<string, { consumerId: string; host: string; clientId: string }>();
    if (group.consumer) {
      const names = new Map([...group.consumer.metadata].map(([n, t]) => [t.id, n]));
      for (const m of group.consumer.members.values()) {
        for (const [id, parts] of m.assigned) {
          const topic = names.get(id);
          if (topic !== undefined) for (const p of parts) owners.set(`${topic}\0${p}`, { consumerId: m.memberId, host: m.clientHost, clientId: m.clientId });
        }
      }
    } else if (group.is('Stable') && group.protocolType === 'consumer') {
      for (const m of group.members.values()) {
        for (const [topic, parts] of assignedPartitions(m.assignment) ?? []) {
          for (const p of parts) owners.set(`${topic}\0${p}`, { consumerId: m.memberId, host: m.clientHost, clientId: m.clientId });
        }
      }
    }
    const keys = new Set(owners.keys());
    for (const [topic, parts] of group.offsets) for (const [p, o] of parts) if (liveOffset(this.topics, topic, o)) keys.add(`${topic}\0${p}`);
    const rows = [...keys].map((k): LagRow => {
      const [topic, ps] = k.split('\0');
      const partition = Number(ps);
      const committed = liveOffset(this.topics, topic, group.offsets.get(topic)?.get(partition))?.offset;
      const currentOffset = committed !== undefined && committed >= 0 ? committed : null;
      const logEndOffset = this.topics.highWatermark(topic, partition) ?? null;
      const lastStableOffset = this.topics.lastStableOffset(topic, partition) ?? null;
      const owner = owners.get(k);
      return {
        group: groupId,
        topic,
        partition,
        currentOffset,
        logEndOffset,
        lag: currentOffset !== null && logEndOffset !== null ? Math.max(0, logEndOffset - currentOffset) : null,
        lastStableOffset,
        lagToStable: currentOffset !== null && lastStableOffset !== null ? Math.max(0, lastStableOffset - currentOffset) : null,
        consumerId: owner?.consumerId ?? null,
        host: owner?.host ?? null,
        clientId: owner?.clientId ?? null,
      };
    });
    return rows.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }
}
