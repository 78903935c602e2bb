/**
 * Topics and partition logs: the state behind Produce, Fetch, ListOffsets, Metadata and the topic
 * admin APIs. Handlers call in with names and get Kafka error codes back as `KafkaError`s.
 *
 * Persistence (keys.ts): K/t/<topic> topic record, K/p/<topic>\0<u32> log start offset,
 * K/b/<topic>\0<u32><u64 baseOffset> batch bytes, K/i/ their side index, K/s/ idempotent producers'
 * state. Everything else is rebuilt by `load()`.
 */
import { randomBytes } from 'node:crypto';
import type { Core } from '../../../emulator/src/core/core.js';
import { splitKey } from '../../../emulator/src/core/storage/keys.js';
import { abortedPrefix, batchPrefix, indexPrefix, openTxnPrefix, PREFIX, producersPrefix, topicKey } from '../storage/keys.js';
import type { ProducerBatch } from './producers.js';
import { decodeEntry } from './producers.js';
import type { Op } from '../../../emulator/src/core/storage/store.js';
import { batchInfo, Codec, type BatchInfo } from './batch.js';
import { ProduceError, validateProduceBatch } from '../records/validate.js';
import { BatchCache } from './cache.js';
import { checkConflicts, CLEANER_BACKOFF_MS, effective, RETENTION_CHECK_INTERVAL_MS, validateConfigs, type BrokerDefaults, type EffectiveConfig } from './configs.js';
import { LogCleaner } from './cleaner.js';
import type { TxnCleaning } from './cleaner-rules.js';
import { BrokerConfigs } from './broker-configs.js';
import { ErrorCode, KafkaError } from '../errors.js';
import { Partition, type AppendResult, type PartitionHost, type PartitionRecord } from './partition.js';
import { parseIndexValue } from './side-index.js';
import type { Timer } from '../../../emulator/src/core/clock.js';

export { ErrorCode, KafkaError } from '../errors.js';
export { Partition } from './partition.js';

export interface LogOptions {
  /** Partitions of auto-created topics. */
  defaultPartitions: number;
  /** Memory for recently appended batches (tail fetches skip LevelDB). */
  cacheBytes?: number;
  /** log.retention.check.interval.ms: how often retention runs (Kafka's default, 5 minutes). */
  retentionCheckIntervalMs?: number;
  /** log.cleaner.backoff.ms: how often the log cleaner looks for compacted logs to clean. */
  cleanerBackoffMs?: number;
  /** The data directory, reported as the one log dir (DescribeLogDirs); none when in memory. */
  dataDir?: string;
  /** The node id whose dynamic broker configs supply topic defaults (1 if not given). */
  nodeId?: number;
}

export { RETENTION_CHECK_INTERVAL_MS } from './configs.js';

/** Kafka's limit on topic names. */
const MAX_TOPIC_NAME = 249;
/** A sanity bound so a single request cannot exhaust memory. */
const MAX_PARTITIONS = 10_000;

export class Topic {
  partitions: Partition[] = [];
  config: EffectiveConfig;

  constructor(
    readonly name: string,
    /** Topic id, canonical 8-4-4-4-12 hex (the codec's uuid form). */
    readonly id: string,
    public overrides: Map<string, string>,
    /** Resolves once the topic record is in LevelDB. */
    public ready: Promise<void>,
    brokerDefaults?: BrokerDefaults,
  ) {
    this.config = effective(overrides, brokerDefaults);
  }

  record(): Buffer {
    return Buffer.from(
      JSON.stringify({ id: this.id, partitions: this.partitions.length, configs: Object.fromEntries(this.overrides) }),
    );
  }
}

export class LogManager {
  private readonly byName = new Map<string, Topic>();
  private readonly host: PartitionHost;
  private retentionTimer: Timer | undefined;
  /** Compacts cleanup.policy=compact topics (cleaner.ts). */
  readonly cleaner: LogCleaner;
  private txnCleaning: ((p: Partition) => TxnCleaning | undefined) | undefined;
  /** Dynamic broker configs (AlterConfigs on BROKER): the defaults of topics' unset configs. */
  readonly brokerConfigs: BrokerConfigs;
  readonly brokerDefaults: BrokerDefaults;

  constructor(
    readonly core: Core,
    readonly options: LogOptions,
  ) {
    this.brokerConfigs = new BrokerConfigs(core);
    this.brokerDefaults = (name) => this.brokerConfigs.lookup(name, options.nodeId ?? 1);
    this.host = {
      core,
      cache: new BatchCache(options.cacheBytes ?? 16 * 1024 * 1024),
      config: (topic) => this.byName.get(topic)?.config ?? effective(new Map(), this.brokerDefaults),
    };
    const byName = this.byName;
    this.cleaner = new LogCleaner(
      {
        clock: core.clock,
        log: core.log,
        *partitions() {
          for (const t of byName.values()) for (const p of t.partitions) yield [p, t.config];
        },
        txnPolicy: (p) => this.txnCleaning?.(p),
      },
      options.cleanerBackoffMs ?? CLEANER_BACKOFF_MS,
    );
  }

  /** DescribeConfigs synonyms of topic configs from the dynamic broker configs. */
  readonly dynamicSynonyms = (brokerName: string) => this.brokerConfigs.dynamicSynonyms(brokerName, this.options.nodeId ?? 1);

  /** Store a BROKER resource's dynamic configs; every topic's effective config follows at once. */
  async setBrokerConfigs(resource: string, configs: Map<string, string>): Promise<void> {
    await this.brokerConfigs.set(resource, configs);
    for (const topic of this.byName.values()) topic.config = effective(topic.overrides, this.brokerDefaults);
  }

  private get log() {
    return this.core.log;
  }

  async load(): Promise<void> {
    const store = this.core.store;
    await this.brokerConfigs.load();
    const tPrefix = Buffer.from(PREFIX.topic, 'latin1');
    await store.forEach(tPrefix, (k, v) => {
      const name = splitKey(k, tPrefix.length, 1).parts[0];
      const rec = JSON.parse(v.toString()) as { id: string; partitions: number; configs: Record<string, string> };
      const topic = new Topic(name, rec.id, new Map(Object.entries(rec.configs)), Promise.resolve(), this.brokerDefaults);
      topic.partitions = Array.from({ length: rec.partitions }, (_, i) => new Partition(this.host, name, i));
      this.byName.set(name, topic);
    });
    const starts = new Map<string, PartitionRecord>();
    const pPrefix = Buffer.from(PREFIX.partition, 'latin1');
    await store.forEach(pPrefix, (k, v) => {
      const { parts, rest } = splitKey(k, pPrefix.length, 1);
      starts.set(`${parts[0]}\0${rest.readUInt32BE(0)}`, JSON.parse(v.toString()) as PartitionRecord);
    });
    // Side-index entries (16 bytes a batch), not the batches: startup does not read whole logs.
    const batches = new Map<string, BatchInfo[]>();
    const iPrefix = indexPrefix();
    await store.forEach(iPrefix, (k, v) => {
      const { parts, rest } = splitKey(k, iPrefix.length, 1);
      const id = `${parts[0]}\0${rest.readUInt32BE(0)}`;
      let list = batches.get(id);
      if (!list) batches.set(id, (list = []));
      list.push(parseIndexValue(Number(rest.readBigUInt64BE(4)), v));
    });
    // Idempotent producers' state: one small key per (partition, producer), never the batches.
    const sPrefix = producersPrefix();
    let stray = 0;
    await store.forEach(sPrefix, (k, v) => {
      const { parts, rest } = splitKey(k, sPrefix.length, 1);
      const p = this.byName.get(parts[0])?.partitions[rest.readUInt32BE(0)];
      if (p) p.restoreProducer(rest.readBigUInt64BE(4), decodeEntry(v));
      else stray++;
    });
    // Open transactions and aborted-transaction entries: a few small keys per partition.
    for (const [prefix, restore] of [
      [openTxnPrefix(), (p: Partition, rest: Buffer, v: Buffer) => p.txns.restoreOpen(rest.readBigUInt64BE(4), v)],
      [abortedPrefix(), (p: Partition, rest: Buffer, v: Buffer) => p.txns.restoreAborted(Number(rest.readBigUInt64BE(4)), v)],
    ] as const) {
      await store.forEach(prefix, (k, v) => {
        const { parts, rest } = splitKey(k, prefix.length, 1);
        const p = this.byName.get(parts[0])?.partitions[rest.readUInt32BE(0)];
        if (p) restore(p, rest, v);
        else stray++;
      });
    }
    if (stray > 0) this.log.warn('kafka.log.stray_producer_state', { entries: stray });
    for (const topic of this.byName.values()) {
      for (const p of topic.partitions) {
        const id = `${topic.name}\0${p.partition}`;
        const rec = starts.get(id) ?? { logStartOffset: 0 };
        if (rec.indexed) {
          p.restore(rec, batches.get(id) ?? [], true);
          continue;
        }
        // A log written before K/i/ existed (or never written): read its batches once and index them.
        const legacy: BatchInfo[] = [];
        await store.forEach(batchPrefix(topic.name, p.partition), (_k, v) => legacy.push(batchInfo(v)));
        p.restore(rec, legacy, legacy.length === 0);
        const ops = p.migrationOps();
        if (ops.length > 0) {
          const uow = store.begin();
          uow.push(...ops);
          await uow.commit();
        }
      }
    }
    this.armRetention();
    this.cleaner.start();
    this.log.info('kafka.log.loaded', { topics: this.byName.size });
  }

  async close(): Promise<void> {
    this.core.clock.cancel(this.retentionTimer);
    this.retentionTimer = undefined;
    await this.cleaner.stop();
    for (const t of this.byName.values()) for (const p of t.partitions) p.close();
  }

  /**
   * The transactions seam of the log cleaner: per partition, its last stable offset and how its
   * transactional and control batches are cleaned (TxnCleaning in cleaner-rules.ts). Unset, the
   * cleaner stops at the high watermark and keeps every such batch as it is.
   */
  setTxnCleaning(policy: ((p: Partition) => TxnCleaning | undefined) | undefined): void {
    this.txnCleaning = policy;
  }

  /** Kafka's log.retention.check.interval.ms loop, on the injectable clock. */
  private armRetention(): void {
    const every = this.options.retentionCheckIntervalMs ?? RETENTION_CHECK_INTERVAL_MS;
    this.retentionTimer = this.core.clock.after(every, () => {
      this.checkRetention();
      this.armRetention();
    });
  }

  /** One retention pass over every partition (what the periodic check runs). */
  checkRetention(): void {
    const now = this.core.clock.now();
    for (const t of this.byName.values()) for (const p of t.partitions) p.checkRetention(now);
  }

  /** The transaction coordinator's check of transactional batches (Kafka 4's produce verification). */
  setTxnVerifier(verify: (topic: string, partition: number, producer: ProducerBatch) => void): void {
    this.host.verifyTxn = verify;
  }

  /** Last stable offset, or undefined for an unknown partition (consumer lag of read_committed consumers). */
  lastStableOffset(topic: string, partition: number): number | undefined {
    return this.byName.get(topic)?.partitions[partition]?.lastStableOffset;
  }

  topic(name: string): Topic | undefined {
    return this.byName.get(name);
  }

  topicById(id: string): Topic | undefined {
    for (const t of this.byName.values()) if (t.id === id) return t;
    return undefined;
  }

  /** Number of partitions, or undefined for an unknown topic (group coordinator). */
  partitionCount(topic: string): number | undefined {
    return this.byName.get(topic)?.partitions.length;
  }

  /** High watermark, or undefined for an unknown partition (group coordinator). */
  highWatermark(topic: string, partition: number): number | undefined {
    return this.byName.get(topic)?.partitions[partition]?.highWatermark;
  }

  topics(): Topic[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The partition, or UNKNOWN_TOPIC_OR_PARTITION. */
  partition(topic: string, partition: number): Partition {
    const p = this.byName.get(topic)?.partitions[partition];
    if (!p) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic or partition ${topic}-${partition}`);
    return p;
  }

  /** INVALID_TOPIC_EXCEPTION unless `name` is a legal Kafka topic name. */
  validateName(name: string): void {
    if (!name || name === '.' || name === '..' || name.length > MAX_TOPIC_NAME || !/^[a-zA-Z0-9._-]+$/.test(name)) {
      throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `invalid topic name "${name}": 1-${MAX_TOPIC_NAME} characters of [a-zA-Z0-9._-], not "." or ".."`);
    }
  }

  /**
   * Validate (and unless `validateOnly`, create) a topic. `configs` are raw overrides; partitions
   * -1 means the broker default.
   */
  async createTopic(
    name: string,
    numPartitions: number,
    configs: Iterable<[string, string | null]> = [],
    validateOnly = false,
  ): Promise<Topic> {
    this.validateName(name);
    const existing = this.byName.get(name);
    if (existing) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    const collides = [...this.byName.keys()].find((t) => t.replace(/\./g, '_') === name.replace(/\./g, '_'));
    if (collides) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic: ${collides}`);
    const count = numPartitions === -1 ? this.options.defaultPartitions : numPartitions;
    if (count < 1 || count > MAX_PARTITIONS) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be between 1 and ${MAX_PARTITIONS}, got ${numPartitions}.`);
    }
    const overrides = validateConfigs(configs);
    checkConflicts(overrides);
    const topic = new Topic(name, newTopicId(), overrides, Promise.resolve(), this.brokerDefaults);
    topic.partitions = Array.from({ length: count }, (_, i) => new Partition(this.host, name, i));
    if (validateOnly) return topic;
    this.byName.set(name, topic);
    topic.ready = this.core.store.begin().put(topicKey(name), topic.record()).commit();
    try {
      await topic.ready;
    } catch (err) {
      if (this.byName.get(name) === topic) this.byName.delete(name);
      this.log.error('kafka.topic.create_failed', { topic: name, err });
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `could not store topic ${name}`);
    }
    this.log.info('kafka.topic.created', { topic: name, partitions: count, configs: Object.fromEntries(overrides) });
    return topic;
  }

  /** The topic, auto-created with the default partition count if missing (Metadata). */
  async ensureTopic(name: string): Promise<Topic> {
    const existing = this.byName.get(name);
    if (existing) {
      await existing.ready;
      return existing;
    }
    return this.createTopic(name, -1);
  }

  async deleteTopic(name: string): Promise<void> {
    const topic = this.byName.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic ${name}`);
    await topic.ready;
    if (this.byName.get(name) !== topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic ${name}`);
    this.byName.delete(name);
    // Queued synchronously, after any in-flight append of this topic and before any re-creation.
    const ops = this.core.store.begin().del(topicKey(name));
    for (const p of topic.partitions) ops.push(...p.deleteOps());
    await ops.commit();
    this.log.info('kafka.topic.deleted', { topic: name });
  }

  async createPartitions(name: string, count: number, validateOnly: boolean): Promise<void> {
    const topic = this.byName.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    const current = topic.partitions.length;
    if (count <= current) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${count}.`);
    }
    if (count > MAX_PARTITIONS) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be at most ${MAX_PARTITIONS}.`);
    if (validateOnly) return;
    for (let i = current; i < count; i++) topic.partitions.push(new Partition(this.host, name, i));
    await this.persist(topic);
    this.log.info('kafka.topic.partitions_added', { topic: name, from: current, to: count });
  }

  /** Replace a topic's overrides (already validated). */
  async setConfigs(name: string, overrides: Map<string, string>): Promise<void> {
    const topic = this.byName.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic ${name}`);
    checkConflicts(overrides);
    topic.overrides = overrides;
    topic.config = effective(overrides, this.brokerDefaults);
    await this.persist(topic);
    this.log.info('kafka.topic.configs_altered', { topic: name, configs: Object.fromEntries(overrides) });
  }

  private async persist(topic: Topic): Promise<void> {
    await this.core.store.begin().put(topicKey(topic.name), topic.record()).commit();
  }

  /** Validate and append one Produce partition's records. */
  async append(topic: string, partition: number, records: Buffer | null, allowZstd = true): Promise<AppendResult> {
    const p = this.partition(topic, partition);
    const config = this.byName.get(topic)!.config;
    // ProduceRequest.validateRecords refuses zstd below v7 before the log looks at the batch.
    if (!allowZstd && records && records.length > 22 && (records.readInt16BE(21) & 0x07) === Codec.ZSTD) {
      throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd needs Produce v7 or later');
    }
    let batch;
    try {
      batch = validateProduceBatch(records, { maxMessageBytes: config.maxMessageBytes, compacted: config.compacted, logAppendTime: config.logAppendTime, topicPartition: `${topic}-${partition}` });
    } catch (err) {
      if (err instanceof ProduceError && err.inLog) err.logStartOffset = p.logStartOffset;
      throw err;
    }
    try {
      return await p.append(batch);
    } catch (err) {
      if (err instanceof ProduceError && err.inLog) err.logStartOffset = p.logStartOffset;
      if (err instanceof KafkaError) throw err;
      this.log.error('kafka.produce.write_failed', { topic, partition, err });
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `could not write to ${topic}-${partition}`);
    }
  }

  /**
   * Wait until one of `partitions` gets new data, one is deleted, or the clock reaches `deadline`
   * (Fetch long polling: woken by appends, never by polling).
   */
  waitForData(partitions: Partition[], deadline: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const offs: (() => void)[] = [];
      const done = () => {
        this.core.clock.cancel(timer);
        for (const off of offs) off();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      for (const p of partitions) offs.push(p.onData(done));
      const timer = this.core.clock.at(deadline, done);
      // The waiter's client went away: stop waiting (and holding its partitions' listeners).
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

function newTopicId(): string {
  // Random (v4-style) ids never hit Kafka's reserved all-zero and sentinel ids.
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

