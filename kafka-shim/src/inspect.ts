/**
 * Read access to the Kafka engine for the web console (and other admin tools): topics with their
 * partitions, log start/end offsets, sizes and configs; records browsed from an offset or a
 * timestamp, decoded by the product's own record-batch codec (every compression codec); consumer
 * groups with members, assignments and lag; transactions (DescribeTransactions' view) and the
 * producers a partition knows (DescribeProducers' view). Producing a record goes through the log's normal
 * append (the produce-path validator and the partition's unit of work), as a client's Produce does.
 * The engine's one read model: KafkaAdmin's reads (index.ts: the CLI routes, metrics, config-file
 * declarations) are views of these. Free of HTTP: the host maps these to JSON routes.
 */
import type { Core } from '../../emulator/src/core/core.js';
import { ErrorCode, KafkaError } from './errors.js';
import type { GroupCoordinator, LagRow } from './groups/index.js';
import { assignedPartitions } from './groups/consumer-protocol.js';
import { topicConfigEntries } from './log/describe.js';
import { ConfigSource } from './log/configs.js';
import type { LogManager, Partition, Topic } from './log/index.js';
import type { DescribedTxn, TransactionCoordinator } from './txn/coordinator.js';
import { CODEC_NAMES, decodeBatch, encodeBatch } from './records/index.js';

export interface TopicSummary {
  name: string;
  id: string;
  partitions: { partition: number; logStartOffset: number; logEndOffset: number; sizeBytes: number; batches: number }[];
  sizeBytes: number;
  /** Every topic config with its effective value; `override` when set on the topic. */
  configs: { name: string; value: string | null; override: boolean }[];
}

/** A value rendered for display: JSON (pretty), UTF-8 text, or hex when it is neither. */
export interface Rendered {
  format: 'null' | 'json' | 'text' | 'hex';
  text: string | null;
  bytes: number;
}

export interface BrowsedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  compression: string;
  key: Rendered;
  value: Rendered;
  headers: { key: string; value: Rendered }[];
}

export interface GroupSummary {
  group: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: { memberId: string; clientId: string; clientHost: string; assignment: { topic: string; partitions: number[] }[] }[];
  lag: LagRow[];
  totalLag: number;
}

export interface ProduceInput {
  partition?: number;
  key?: string | null;
  value: string | null;
  headers?: { key: string; value: string }[];
}

/** A browse returns at most this many records; displayed values are cut at this many bytes. */
export const MAX_BROWSE = 500;
const MAX_SHOWN = 64 * 1024;
const READ_BYTES = 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export class KafkaInspect {
  constructor(
    private readonly core: Core,
    private readonly log: LogManager,
    private readonly groups: GroupCoordinator,
    private readonly txn?: TransactionCoordinator,
  ) {}

  /** Every transactional id with its state, producer id/epoch, start time and partitions (DescribeTransactions). */
  transactions(): DescribedTxn[] {
    if (!this.txn) return [];
    return this.txn.list([], []).transactions.map((t) => this.txn!.describe(t.transactionalId)).sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : 1));
  }

  /** The producers a partition knows, with their open transaction's first offset (-1: none), and its last stable offset. */
  producers(topic: string, partition: number): { lastStableOffset: number; producers: ReturnType<Partition['describeProducers']> } {
    const p = this.partition(topic, partition);
    return { lastStableOffset: p.lastStableOffset, producers: p.describeProducers() };
  }

  /**
   * Every topic. `sizes: false` skips sizes and batch counts (a walk of each partition's batch
   * index), for readers that only want offsets and configs (metrics scrapes, the admin routes).
   */
  topics(opts: { sizes?: boolean } = {}): TopicSummary[] {
    return this.log.topics().map((t) => this.summary(t, opts.sizes ?? true));
  }

  topic(name: string, opts: { sizes?: boolean } = {}): TopicSummary | undefined {
    const t = this.log.topic(name);
    return t && this.summary(t, opts.sizes ?? true);
  }

  /** Groups and their state, without members or lag. */
  groupStates(): { groupId: string; state: string }[] {
    return this.groups.list().map((g) => ({ groupId: g.groupId, state: g.groupState }));
  }

  /** Committed offset, log end and lag per partition of one group; undefined for an unknown group. */
  lag(groupId: string): LagRow[] | undefined {
    return this.groups.lag(groupId);
  }

  private summary(t: Topic, sizes: boolean): TopicSummary {
    const partitions = t.partitions.map((p) => ({
      partition: p.partition,
      logStartOffset: p.logStartOffset,
      logEndOffset: p.highWatermark,
      sizeBytes: sizes ? p.bytesFrom(0, Number.MAX_SAFE_INTEGER) : 0,
      batches: sizes ? p.batchCount : 0,
    }));
    return {
      name: t.name,
      id: t.id,
      partitions,
      sizeBytes: partitions.reduce((n, p) => n + p.sizeBytes, 0),
      configs: topicConfigEntries(t, this.log.dynamicSynonyms).map((e) => ({ name: e.name, value: e.value, override: e.source === ConfigSource.TOPIC_CONFIG })),
    };
  }

  /**
   * Up to `limit` records of one partition from `offset` (default: the log start) or from the first
   * record at or after `timestamp` (ms), control records left out. Reading changes nothing.
   */
  async records(topic: string, partition: number, from: { offset?: number; timestamp?: number }, limit = 50): Promise<{ start: number; next: number; logEndOffset: number; records: BrowsedRecord[] }> {
    const p = this.partition(topic, partition);
    const max = Math.min(Math.max(1, limit), MAX_BROWSE);
    let start: number;
    if (from.timestamp !== undefined) start = (await p.offsetForTimestamp(from.timestamp))?.offset ?? p.highWatermark;
    else start = from.offset ?? p.logStartOffset;
    start = Math.min(Math.max(start, p.logStartOffset), p.highWatermark);
    const out: BrowsedRecord[] = [];
    let pos = start;
    while (out.length < max && pos < p.highWatermark) {
      const bufs = await p.read(pos, READ_BYTES, true);
      if (bufs.length === 0) break;
      for (const buf of bufs) {
        const b = decodeBatch(buf);
        const after = b.baseOffset + b.lastOffsetDelta + 1;
        if (!b.isControl) {
          for (const r of b.records) {
            if (r.offset < pos || out.length >= max) continue;
            out.push({
              partition,
              offset: r.offset,
              timestamp: r.timestamp,
              timestampType: b.timestampType === 1 ? 'LogAppendTime' : 'CreateTime',
              compression: CODEC_NAMES[b.compression] ?? String(b.compression),
              key: render(r.key),
              value: render(r.value),
              headers: r.headers.map((h) => ({ key: h.key, value: render(h.value) })),
            });
          }
        }
        if (out.length >= max) {
          pos = out[out.length - 1].offset + 1;
          break;
        }
        pos = Math.max(pos, after);
      }
    }
    return { start, next: pos, logEndOffset: p.highWatermark, records: out };
  }

  /** Append one record (CreateTime now, uncompressed) through the log's produce path. */
  async produce(topic: string, input: ProduceInput): Promise<{ partition: number; offset: number }> {
    const partition = input.partition ?? 0;
    this.partition(topic, partition);
    const batch = encodeBatch({
      records: [{ key: input.key ?? null, value: input.value, timestamp: this.core.clock.now(), headers: input.headers ?? [] }],
    });
    const r = await this.log.append(topic, partition, batch);
    return { partition, offset: r.baseOffset };
  }

  groupList(): GroupSummary[] {
    return this.groups.groupIds().flatMap((id) => {
      const c = this.groups.consumerDescribe(id);
      if (c.errorCode === ErrorCode.NONE) {
        // A KIP-848 consumer group: members and their current assignments from the coordinator.
        const lag = this.groups.lag(id) ?? [];
        return [
          {
            group: id,
            state: c.groupState,
            protocolType: 'consumer',
            protocol: c.assignorName,
            members: c.members.map((m) => ({
              memberId: m.memberId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              assignment: m.assignment.topicPartitions.map((t) => ({ topic: t.topicName, partitions: t.partitions })),
            })),
            lag,
            totalLag: lag.reduce((n, r) => n + (r.lag ?? 0), 0),
          },
        ];
      }
      const d = this.groups.describe(id);
      if (d.groupState === 'Dead') return [];
      const lag = this.groups.lag(id) ?? [];
      return [
        {
          group: id,
          state: d.groupState,
          protocolType: d.protocolType,
          protocol: d.protocolData,
          members: d.members.map((m) => ({
            memberId: m.memberId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            assignment: d.protocolType === 'consumer' ? [...(assignedPartitions(m.memberAssignment) ?? [])].map(([topic, partitions]) => ({ topic, partitions })) : [],
          })),
          lag,
          totalLag: lag.reduce((n, r) => n + (r.lag ?? 0), 0),
        },
      ];
    });
  }

  private partition(topic: string, partition: number): Partition {
    const p = this.log.topic(topic)?.partitions[partition];
    if (!p) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `no partition ${partition} of topic "${topic}"`);
    return p;
  }
}

/** JSON when the bytes are a JSON object or array, text when valid printable UTF-8, hex otherwise. */
export function render(b: Buffer | null): Rendered {
  if (b === null) return { format: 'null', text: null, bytes: 0 };
  const shown = b.length > MAX_SHOWN ? b.subarray(0, MAX_SHOWN) : b;
  let text: string | undefined;
  try {
    text = utf8.decode(shown);
  } catch {
    text = undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (text !== undefined && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
    const t = text.trim();
    if ((t.startsWith('{') || t.startsWith('[')) && shown === b) {
      try {
        return { format: 'json', text: JSON.stringify(JSON.parse(t), null, 2), bytes: b.length };
      } catch {
        // not JSON: shown as text
      }
    }
    return { format: 'text', text, bytes: b.length };
  }
  return { format: 'hex', text: shown.toString('hex'), bytes: b.length };
}
