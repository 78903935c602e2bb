/**
 * Committed offsets: OffsetCommit (member commits and the "simple" commits admin tools use to
 * reset an Empty group), OffsetFetch and OffsetDelete, with Kafka's generation and member checks.
 * An offset becomes visible to OffsetFetch only once it is in LevelDB.
 */
import type { Clock } from '../../../emulator/src/core/clock.js';
import type { Op } from '../../../emulator/src/core/storage/store.js';
import { ErrorCode } from '../errors.js';
import { Group, type CommittedOffset } from './group.js';
import type { Membership } from './membership.js';
import { validGroupId } from './requests.js';
import { partitionKey } from './consumer/member.js';
import type { GroupStorage } from './storage.js';
import { liveOffset, type TopicLookup } from './topics.js';

/** Kafka's OffsetAndMetadata.NO_METADATA: a commit without metadata (null) is stored and fetched as "". */
const NO_METADATA = '';
/** offset.metadata.max.bytes */
const MAX_METADATA_BYTES = 4096;

export interface CommitRequest {
  groupId: string;
  /** -1 with an empty member id: a commit from outside group management. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** The OffsetCommit version: KIP-848 members must commit with v9+. */
  apiVersion?: number;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[];
  }[];
}

export interface TopicErrors {
  name: string;
  partitions: { partitionIndex: number; errorCode: number }[];
}

export interface FetchedTopic {
  name: string;
  partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string | null; errorCode: number }[];
}

export class Offsets {
  constructor(
    private readonly groups: Map<string, Group>,
    private readonly membership: Membership,
    private readonly storage: GroupStorage,
    private readonly topics: TopicLookup,
    private readonly clock: Clock,
  ) {}

  async commit(req: CommitRequest): Promise<TopicErrors[]> {
    const all = (errorCode: number): TopicErrors[] =>
      req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
    if (!validGroupId(req.groupId, true)) return all(ErrorCode.INVALID_GROUP_ID);
    const ops: Op[] = [];
    let group = this.groups.get(req.groupId);
    const isNew = !group;
    if (!group) {
      // Only a commit from outside group management may bring a group into existence.
      if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = new Group(req.groupId);
    }
    const error = this.validate(group, req);
    if (error !== ErrorCode.NONE) return all(error);
    const partitionError = this.partitionCheck(group, req);
    this.membership.touch(group, req.memberId);

    const now = this.clock.now();
    const accepted: { topic: string; partition: number; entry: CommittedOffset }[] = [];
    const result = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number = ErrorCode.NONE;
        const count = this.topics.partitionCount(t.name);
        if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (partitionError(t.name, p.partitionIndex) !== ErrorCode.NONE) errorCode = partitionError(t.name, p.partitionIndex);
        else if (p.committedMetadata !== null && Buffer.byteLength(p.committedMetadata) > MAX_METADATA_BYTES) errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        else {
          const entry = { topicId: this.topics.topic(t.name)!.id, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata ?? NO_METADATA, commitTimestamp: now };
          accepted.push({ topic: t.name, partition: p.partitionIndex, entry });
          ops.push(this.storage.offsetOp(group!.groupId, t.name, p.partitionIndex, entry));
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    }));
    if (accepted.length === 0) return result;
    if (isNew) {
      // Only a commit that stores something creates the group.
      this.groups.set(req.groupId, group);
      ops.push(this.storage.groupOp(group));
    }
    try {
      await this.storage.write(ops);
    } catch {
      return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    const g = group;
    // Applied after the write: group commits resolve in order, so later commits still win.
    for (const a of accepted) {
      let parts = g.offsets.get(a.topic);
      if (!parts) g.offsets.set(a.topic, (parts = new Map()));
      parts.set(a.partition, a.entry);
    }
    return result;
  }

  /**
   * TxnOffsetCommit's group checks (Kafka's ClassicGroup.validateOffsetCommit, transactional): a
   * missing group is created by a commit without generation, else ILLEGAL_GENERATION; with a
   * member id or generation, the member must exist (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID) and
   * the generation be the group's (ILLEGAL_GENERATION); without, any state is accepted.
   */
  validateTxn(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    if (!validGroupId(groupId, true)) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) return generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      if (group.isStaticMemberFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
      if (!group.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    }
    return ErrorCode.NONE;
  }

  /** A committed transaction's staged offsets become the groups' offsets (one unit of work). Throws if the write fails. */
  async applyTxn(offsets: { groupId: string; topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null }[]): Promise<void> {
    const now = this.clock.now();
    const ops: Op[] = [];
    const created: Group[] = [];
    const accepted: { group: Group; topic: string; partition: number; entry: CommittedOffset }[] = [];
    for (const o of offsets) {
      const topic = this.topics.topic(o.topic);
      if (!topic || o.partition >= topic.partitions.length) continue;
      let group = this.groups.get(o.groupId) ?? created.find((g) => g.groupId === o.groupId);
      if (!group) {
        group = new Group(o.groupId);
        created.push(group);
        ops.push(this.storage.groupOp(group));
      }
      const entry = { topicId: topic.id, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: now };
      accepted.push({ group, topic: o.topic, partition: o.partition, entry });
      ops.push(this.storage.offsetOp(o.groupId, o.topic, o.partition, entry));
    }
    if (ops.length === 0) return;
    await this.storage.write(ops);
    for (const g of created) if (!this.groups.has(g.groupId)) this.groups.set(g.groupId, g);
    for (const a of accepted) {
      const g = this.groups.get(a.group.groupId) ?? a.group;
      let parts = g.offsets.get(a.topic);
      if (!parts) g.offsets.set(a.topic, (parts = new Map()));
      parts.set(a.partition, a.entry);
    }
  }

  private validate(group: Group, req: CommitRequest): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.consumer) {
      // Kafka's ConsumerGroup.validateOffsetCommit: outside group management (epoch < 0) only
      // while the group has no members; members commit with their current member epoch.
      if (req.generationId < 0 && group.consumer.members.size === 0) return ErrorCode.NONE;
      const member = group.consumer.members.get(req.memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      if ((req.apiVersion ?? 9) < 9) return ErrorCode.UNSUPPORTED_VERSION;
      return req.generationId > member.memberEpoch ? ErrorCode.STALE_MEMBER_EPOCH : ErrorCode.NONE;
    }
    if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
      if (!group.has(req.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      // A member holding a generation whose assignment is not yet out must finish the rebalance first.
      if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
      return ErrorCode.NONE;
    }
    // Outside group management: only while nobody in the group could be consuming.
    return group.is('Empty') ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /**
   * Kafka 4.4's per-partition rule for a KIP-848 member's commit with an older epoch than its
   * current one: the partition must be assigned to it or pending revocation, and the commit's
   * epoch not older than the one it got the partition at (STALE_MEMBER_EPOCH otherwise), so a
   * commit racing an epoch bump still lands. A commit with the current epoch is not checked.
   */
  private partitionCheck(group: Group, req: CommitRequest): (topic: string, partition: number) => number {
    const member = group.consumer?.members.get(req.memberId);
    if (!member || req.generationId >= member.memberEpoch || (req.generationId < 0 && group.consumer!.members.size === 0)) return () => ErrorCode.NONE;
    return (topic, partition) => {
      const id = this.topics.topic(topic)?.id;
      const since = id === undefined ? undefined : member.assignmentEpochs.get(partitionKey(id, partition));
      return since === undefined || req.generationId < since ? ErrorCode.STALE_MEMBER_EPOCH : ErrorCode.NONE;
    };
  }

  /** OffsetFetch for one group: all committed partitions when `topics` is null. */
  fetch(
    groupId: string,
    topics: { name: string; partitionIndexes: number[] }[] | null,
    member: { memberId: string | null; memberEpoch: number } = { memberId: null, memberEpoch: -1 },
  ): { errorCode: number; topics: FetchedTopic[] } {
    if (!validGroupId(groupId, true)) return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const group = this.groups.get(groupId);
    // OffsetFetch v9 from a KIP-848 member is checked like its commits (ConsumerGroup.validateOffsetFetch).
    if (group?.consumer && !(member.memberId === null && member.memberEpoch < 0)) {
      const m = member.memberId === null ? undefined : group.consumer.members.get(member.memberId);
      if (!m) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, topics: [] };
      if (m.memberEpoch !== member.memberEpoch) return { errorCode: ErrorCode.STALE_MEMBER_EPOCH, topics: [] };
    }
    const stored = group && !group.is('Dead') ? group.offsets : new Map<string, Map<number, CommittedOffset>>();
    const committed = (topic: string, partition: number) => liveOffset(this.topics, topic, stored.get(topic)?.get(partition));
    const wanted =
      topics ??
      [...stored]
        .map(([name, parts]) => ({ name, partitionIndexes: [...parts.keys()].filter((p) => committed(name, p)).sort((a, b) => a - b) }))
        .filter((t) => t.partitionIndexes.length > 0);
    return {
      errorCode: ErrorCode.NONE,
      topics: wanted.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const o = committed(t.name, partitionIndex);
          return {
            partitionIndex,
            committedOffset: o?.offset ?? -1,
            committedLeaderEpoch: o?.leaderEpoch ?? -1,
            metadata: o?.metadata ?? NO_METADATA,
            errorCode: ErrorCode.NONE,
          };
        }),
      })),
    };
  }

  /** OffsetDelete: refused for the topics a live consumer group is subscribed to. */
  async delete(groupId: string, topics: { name: string; partitions: { partitionIndex: number }[] }[]): Promise<{ errorCode: number; topics: TopicErrors[] }> {
    if (!validGroupId(groupId, true)) return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    if (!group.is('Empty') && group.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
    const ops: Op[] = [];
    const removed: { topic: string; partition: number }[] = [];
    const result = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map(({ partitionIndex }) => {
        if (group.consumer && group.consumer.members.size > 0 && group.consumer.metadata.has(t.name)) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC as number };
        if (!group.is('Empty') && group.isSubscribedToTopic(t.name)) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC as number };
        if (group.offsets.get(t.name)?.has(partitionIndex)) {
          removed.push({ topic: t.name, partition: partitionIndex });
          ops.push(this.storage.offsetOp(groupId, t.name, partitionIndex, undefined));
        }
        return { partitionIndex, errorCode: ErrorCode.NONE as number };
      }),
    }));
    try {
      await this.storage.write(ops);
    } catch {
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    }
    for (const r of removed) {
      const parts = group.offsets.get(r.topic);
      parts?.delete(r.partition);
      if (parts?.size === 0) group.offsets.delete(r.topic);
    }
    return { errorCode: ErrorCode.NONE, topics: result };
  }
}
