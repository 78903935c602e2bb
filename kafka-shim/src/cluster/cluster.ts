/**
 * The cluster one Tandem process presents: N broker node ids, each with its own listener(s), all
 * over the same store. Every broker holds every partition's data (one log), so "replication" is
 * only what clients are told: the replicas and ISR of a partition are the broker set, and one of
 * them leads. Leadership is real towards clients, though: a broker that does not lead a partition
 * refuses Produce (and consumer ListOffsets/OffsetForLeaderEpoch) for it, and leader epochs move
 * as Kafka's do, so clients exercise their metadata refresh, leader routing and epoch validation.
 *
 * Why here and not in the log: the log is one per partition whatever the broker count; this file
 * only decides who leads and at which epoch, and stamps that epoch on the partition (batches are
 * written with it, as Kafka's leader does).
 *
 * Placement (as Kafka's rack-unaware assignor, with a start index derived from the topic name
 * instead of a random one, so it is stable across restarts without being stored): partition i's
 * replicas are the brokers in order from (start + i) mod N, its preferred leader the first. Only
 * partitions whose leadership changed (a move, a broker down, an election, a reassignment) are
 * stored, under K/l/<topic> with the topic id (a record whose id differs from the topic's belongs
 * to a deleted namesake and is ignored). Brokers "down" are not stored: a restart starts every
 * broker.
 *
 * Coordinators (groups, transactional ids) sit where Kafka puts them: the key hashes (Java's
 * String.hashCode) to one of 50 partitions of __consumer_offsets / __transaction_state, and that
 * partition's leader, placed as above, coordinates it.
 */
import type { Core } from '../../../emulator/src/core/core.js';
import { splitKey } from '../../../emulator/src/core/storage/keys.js';
import { ErrorCode, KafkaError } from '../errors.js';
import type { LogManager, Topic } from '../log/index.js';
import { leadershipKey, PREFIX } from '../storage/keys.js';
import { endOffsetFor, startEpoch, type EpochEntry } from './epochs.js';

/** Kafka's offsets.topic.num.partitions and transaction.state.log.num.partitions defaults. */
const COORDINATOR_PARTITIONS = 50;

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** What clients are told about one partition. */
export interface PartitionView {
  /** -1 when no replica is alive. */
  readonly leader: number;
  readonly epoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offline: readonly number[];
}

/** A partition whose leadership differs from its placement (stored). */
interface Override {
  leader: number;
  epoch: number;
  replicas: number[];
  epochs: EpochEntry[];
}

interface StoredTopic {
  topicId: string;
  partitions: Record<string, Override>;
}

export const COORDINATOR_KEY_TYPES = { GROUP: 0, TRANSACTION: 1 } as const;

/** Java's String.hashCode, which Kafka's partitionFor hashes group and transactional ids with. */
export function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export class Cluster {
  private readonly live: Set<number>;
  private readonly overrides = new Map<string, StoredTopic>();
  /** Endpoints per listener name (external, internal) and node id; filled as listeners bind. */
  private readonly endpoints = new Map<string, Map<number, Endpoint>>();
  /** Told when a broker goes down or up (the module closes or reopens its listeners). */
  onLiveness: (nodeId: number, up: boolean) => Promise<void> = async () => {};

  constructor(
    private readonly core: Core,
    private readonly log: LogManager,
    /** Node ids in placement order. */
    readonly nodes: readonly number[],
  ) {
    if (nodes.length === 0 || new Set(nodes).size !== nodes.length) throw new Error(`broker ids must be distinct and at least one: ${nodes.join(',')}`);
    this.live = new Set(nodes);
  }

  /** The controller we report: the lowest live id (Kafka reports some live controller). */
  get controller(): number {
    return this.liveNodes()[0] ?? -1;
  }

  get size(): number {
    return this.nodes.length;
  }

  async load(): Promise<void> {
    const prefix = Buffer.from(PREFIX.leadership, 'latin1');
    await this.core.store.forEach(prefix, (k, v) => {
      const name = splitKey(k, prefix.length, 1).parts[0];
      const rec = JSON.parse(v.toString()) as StoredTopic;
      const topic = this.log.topic(name);
      if (!topic || topic.id !== rec.topicId) return;
      this.overrides.set(name, rec);
      for (const [i, o] of Object.entries(rec.partitions)) {
        const p = topic.partitions[Number(i)];
        if (p) p.leaderEpoch = o.epoch;
      }
    });
  }

  setEndpoint(listener: string, nodeId: number, at: Endpoint): void {
    let m = this.endpoints.get(listener);
    if (!m) this.endpoints.set(listener, (m = new Map()));
    m.set(nodeId, at);
  }

  endpoint(listener: string, nodeId: number): Endpoint | undefined {
    return this.endpoints.get(listener)?.get(nodeId);
  }

  liveNodes(): number[] {
    return this.nodes.filter((n) => this.live.has(n));
  }

  isLive(nodeId: number): boolean {
    return this.live.has(nodeId);
  }

  /** Replicas of partition `index` as placed at creation: the rotation starting at `start`. */
  private placement(start: number, index: number): number[] {
    const n = this.nodes.length;
    return Array.from({ length: n }, (_, k) => this.nodes[(((start + index + k) % n) + n) % n]);
  }

  private startOf(topic: string): number {
    return Math.abs(javaHash(topic)) % this.nodes.length;
  }

  private override(topic: Topic, partition: number): Override | undefined {
    const rec = this.overrides.get(topic.name);
    return rec && rec.topicId === topic.id ? rec.partitions[String(partition)] : undefined;
  }

  private view(replicas: readonly number[], leader: number, epoch: number): PartitionView {
    const isr = replicas.filter((r) => this.live.has(r));
    return { leader: this.live.has(leader) ? leader : -1, epoch, replicas, isr, offline: replicas.filter((r) => !this.live.has(r)) };
  }

  /** Leader, epoch, replicas, ISR and offline replicas of a partition of an existing topic. */
  partition(topic: Topic, partition: number): PartitionView {
    const o = this.override(topic, partition);
    if (o) return this.view(o.replicas, o.leader, o.epoch);
    const replicas = this.placement(this.startOf(topic.name), partition);
    // Created while its preferred broker was down: led by the first live replica, as Kafka places
    // new partitions on unfenced brokers only (`up` pins it there before the broker returns).
    return this.view(replicas, replicas.find((r) => this.live.has(r)) ?? replicas[0], 0);
  }

  /** The preferred leader: the first replica. */
  preferred(topic: Topic, partition: number): number {
    return this.partition(topic, partition).replicas[0];
  }

  /** Leader epochs and their start offsets (the leader-epoch cache of OffsetForLeaderEpoch). */
  epochs(topic: Topic, partition: number): readonly EpochEntry[] {
    return this.override(topic, partition)?.epochs ?? [startEpoch()];
  }

  /** Kafka's endOffsetFor over this partition's epochs, with its log end offset. */
  endOffsetFor(topic: Topic, partition: number, requestedEpoch: number): { epoch: number; endOffset: number } {
    return endOffsetFor(this.epochs(topic, partition), requestedEpoch, topic.partitions[partition].logEndOffset);
  }

  /** The broker coordinating `key` (a group id or a transactional id), or -1 if none is alive. */
  coordinator(key: string): number {
    const h = javaHash(key);
    const slot = (h === -2147483648 ? 0 : Math.abs(h)) % COORDINATOR_PARTITIONS;
    return this.placement(0, slot).find((n) => this.live.has(n)) ?? -1;
  }

  /**
   * Make `to` the leader of a partition (a replica, alive), bumping its epoch; the new epoch starts
   * at the log end offset. `replicas` replaces the replica list (a reassignment). Stored before it
   * is visible.
   */
  async setLeader(topic: Topic, partition: number, to: number, replicas?: number[], bump = true): Promise<PartitionView> {
    const current = this.partition(topic, partition);
    const nextReplicas = replicas ?? [...current.replicas];
    if (!nextReplicas.includes(to) || !this.live.has(to)) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `broker ${to} is not a live replica of ${topic.name}-${partition}`);
    const p = topic.partitions[partition];
    const prev = this.override(topic, partition);
    const epoch = bump ? current.epoch + 1 : current.epoch;
    // Kafka's LeaderEpochFileCache.assign: entries at or after the new start offset are replaced.
    const start = p.logEndOffset;
    let epochs = prev?.epochs ?? [startEpoch()];
    if (bump) {
      epochs = epochs.filter((e) => e.startOffset < start && e.epoch < epoch);
      epochs.push({ epoch, startOffset: start });
    }
    const rec: StoredTopic = this.overrides.get(topic.name)?.topicId === topic.id ? structuredClone(this.overrides.get(topic.name)!) : { topicId: topic.id, partitions: {} };
    rec.partitions[String(partition)] = { leader: to, epoch, replicas: nextReplicas, epochs };
    // Synchronously: appends after this point carry the new epoch.
    p.leaderEpoch = epoch;
    await this.core.store.begin().put(leadershipKey(topic.name), Buffer.from(JSON.stringify(rec))).commit();
    this.overrides.set(topic.name, rec);
    this.core.log.info('kafka.cluster.leader', { topic: topic.name, partition, leader: to, epoch });
    return this.partition(topic, partition);
  }

  /** Change the replica list (AlterPartitionReassignments): done at once, the data is everywhere.
   * The leader stays if it is still a replica, else the first live new replica leads. */
  async reassign(topic: Topic, partition: number, replicas: number[]): Promise<void> {
    const current = this.partition(topic, partition);
    if (replicas.length === current.replicas.length && replicas.every((r, i) => r === current.replicas[i])) return;
    const leader = replicas.includes(current.leader) ? current.leader : replicas.find((r) => this.live.has(r));
    if (leader === undefined) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `no live broker among ${replicas.join(',')}`);
    // As Kafka's PartitionChangeBuilder: the epoch moves with the leader or when replicas leave.
    const bump = leader !== current.leader || current.replicas.some((r) => !replicas.includes(r));
    await this.setLeader(topic, partition, leader, replicas, bump);
  }

  /** Take a broker down: its listeners close, and every partition it leads moves to its next live replica. */
  async down(nodeId: number): Promise<{ moved: number }> {
    this.known(nodeId);
    if (!this.live.has(nodeId)) return { moved: 0 };
    if (this.live.size === 1) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'the last live broker cannot go down');
    const led = this.where((v) => v.leader === nodeId);
    this.live.delete(nodeId);
    await this.onLiveness(nodeId, false);
    let moved = 0;
    for (const [t, i] of led) {
      const next = this.partition(t, i).replicas.find((r) => this.live.has(r));
      if (next === undefined) continue;
      await this.setLeader(t, i, next);
      moved++;
    }
    this.core.log.info('kafka.cluster.broker_down', { nodeId, moved });
    return { moved };
  }

  /** Bring a broker back: its listeners open again. Leadership stays where it is (elect the
   * preferred leaders to move it back, as Kafka without auto.leader.rebalance). */
  async up(nodeId: number): Promise<void> {
    this.known(nodeId);
    if (this.live.has(nodeId)) return;
    // Partitions placed while it was down keep the leader they have (no epoch change).
    for (const [t, i] of this.where((v) => v.replicas[0] === nodeId && v.leader !== nodeId)) {
      if (!this.override(t, i)) await this.setLeader(t, i, this.partition(t, i).leader, undefined, false);
    }
    await this.onLiveness(nodeId, true);
    this.live.add(nodeId);
    this.core.log.info('kafka.cluster.broker_up', { nodeId });
  }

  /** Every partition whose view satisfies `test`. */
  private where(test: (v: PartitionView) => boolean): [Topic, number][] {
    const out: [Topic, number][] = [];
    for (const t of this.log.topics()) for (let i = 0; i < t.partitions.length; i++) if (test(this.partition(t, i))) out.push([t, i]);
    return out;
  }

  private known(nodeId: number): void {
    if (!this.nodes.includes(nodeId)) throw new KafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `no broker ${nodeId} (brokers: ${this.nodes.join(', ')})`);
  }
}
