/**
 * Groups and committed offsets in LevelDB (K/g/, K/o/; see ../storage/keys.ts).
 *
 * A group record keeps what must outlive a restart: protocol type and generation (so a zombie
 * from before the restart gets ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID, never a silent success).
 * Classic members are not kept: after a restart every classic group is Empty and its members
 * rejoin. A KIP-848 consumer group keeps everything (./consumer/group.ts), as Kafka does.
 */
import { key, splitKey } from '../../../emulator/src/core/storage/keys.js';
import { groupKey, offsetKey, PREFIX } from '../storage/keys.js';
import type { Op, Store } from '../../../emulator/src/core/storage/store.js';
import { Group, type CommittedOffset } from './group.js';
import { ConsumerGroup, type ConsumerGroupRecord } from './consumer/group.js';

interface GroupRecord {
  protocolType: string | null;
  generationId: number;
  /** A KIP-848 consumer group: all of its state (members too: Kafka keeps them across restarts). */
  consumer?: ConsumerGroupRecord;
}

interface OffsetRecord {
  topicId: string;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

const OFFSET_PREFIX_LEN = Buffer.byteLength(PREFIX.offset, 'latin1');

export class GroupStorage {
  constructor(private readonly store: Store) {}

  groupOp(group: Group): Op {
    const rec: GroupRecord = { protocolType: group.protocolType, generationId: group.generationId, consumer: group.consumer?.toRecord() };
    return { type: 'put', key: groupKey(group.groupId), value: Buffer.from(JSON.stringify(rec)) };
  }

  saveGroup(group: Group): Promise<void> {
    return this.write([this.groupOp(group)]);
  }

  offsetOp(groupId: string, topic: string, partition: number, o: CommittedOffset | undefined): Op {
    const k = offsetKey(groupId, topic, partition);
    if (!o) return { type: 'del', key: k };
    const rec: OffsetRecord = { topicId: o.topicId, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: o.commitTimestamp };
    return { type: 'put', key: k, value: Buffer.from(JSON.stringify(rec)) };
  }

  /** Every op that erases a group and its offsets. */
  deleteGroupOps(group: Group): Op[] {
    const ops: Op[] = [{ type: 'del', key: groupKey(group.groupId) }];
    for (const [topic, parts] of group.offsets) for (const p of parts.keys()) ops.push(this.offsetOp(group.groupId, topic, p, undefined));
    return ops;
  }

  /** Commit `ops` as one unit of work; callers change group state once it resolves. */
  write(ops: Op[]): Promise<void> {
    const uow = this.store.begin();
    uow.push(...ops);
    return uow.commit();
  }

  /** Every stored group, Empty, with its committed offsets. */
  async load(groups: Map<string, Group>): Promise<void> {
    const groupOf = (id: string): Group => {
      let g = groups.get(id);
      if (!g) groups.set(id, (g = new Group(id)));
      return g;
    };
    const gPrefix = key(PREFIX.group);
    await this.store.forEach(gPrefix, (k, v) => {
      const rec = JSON.parse(v.toString()) as GroupRecord;
      const g = groupOf(k.toString('utf8', gPrefix.length, k.length - 1));
      g.protocolType = rec.protocolType;
      g.generationId = rec.generationId;
      if (rec.consumer) g.consumer = ConsumerGroup.fromRecord(g.groupId, rec.consumer);
    });
    await this.store.forEach(key(PREFIX.offset), (k, v) => {
      const { parts, rest } = splitKey(k, OFFSET_PREFIX_LEN, 2);
      if (parts.length !== 2 || rest.length !== 4) return;
      const rec = JSON.parse(v.toString()) as OffsetRecord;
      const g = groupOf(parts[0]);
      let topic = g.offsets.get(parts[1]);
      if (!topic) g.offsets.set(parts[1], (topic = new Map()));
      topic.set(rest.readUInt32BE(0), {
        topicId: rec.topicId,
        offset: rec.offset,
        leaderEpoch: rec.leaderEpoch,
        metadata: rec.metadata,
        commitTimestamp: rec.commitTimestamp,
      });
    });
  }
}
