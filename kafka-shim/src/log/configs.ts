/**
 * Topic configs: the ones the log enforces (retention, size limits, timestamp type) plus common
 * Kafka topic configs that are accepted and described but have no effect on a single-node,
 * unreplicated log (so applications that set them at creation keep working).
 * Values are kept as strings, as Kafka's config APIs carry them.
 */
import { ErrorCode, KafkaError } from '../errors.js';

/** Kafka's log.retention.check.interval.ms default: how often retention runs. */
export const RETENTION_CHECK_INTERVAL_MS = 300_000;
/** Kafka's log.cleaner.backoff.ms default: how often the log cleaner looks for logs to clean. */
export const CLEANER_BACKOFF_MS = 15_000;

/** DescribeConfigs ConfigType. */
export const ConfigType = { BOOLEAN: 1, STRING: 2, INT: 3, LONG: 5, DOUBLE: 6, LIST: 7 } as const;
/** DescribeConfigs ConfigSource. */
export const ConfigSource = { TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const;

interface ConfigDef {
  readonly type: (typeof ConfigType)[keyof typeof ConfigType];
  readonly default: string;
  /** The broker-level config that supplies the default (the synonym Kafka reports). */
  readonly brokerSynonym: string;
  readonly doc: string;
  /** Throws INVALID_CONFIG for a bad value; returns the normalised value. */
  validate(value: string): string;
}

const INT_MAX = 2n ** 31n - 1n;
const LONG_MAX = 2n ** 63n - 1n;

function integer(min: bigint, max: bigint) {
  return (name: string) => (value: string) => {
    const v = value.trim();
    if (!/^-?\d+$/.test(v)) throw invalid(name, value, 'not a number');
    const n = BigInt(v);
    if (n < min || n > max) throw invalid(name, value, `must be between ${min} and ${max}`);
    return v;
  };
}
const long = (min: bigint) => integer(min, LONG_MAX);

function oneOf(...allowed: string[]) {
  return (name: string) => (value: string) => {
    const v = value.trim();
    if (!allowed.includes(v)) throw invalid(name, value, `must be one of ${allowed.join(', ')}`);
    return v;
  };
}

function listOf(...allowed: string[]) {
  return (name: string) => (value: string) => {
    const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (items.length === 0) throw invalid(name, value, 'must not be empty');
    for (const i of items) if (!allowed.includes(i)) throw invalid(name, value, `items must be among ${allowed.join(', ')}`);
    return [...new Set(items)].join(',');
  };
}

function real(min: number, max: number) {
  return (name: string) => (value: string) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw invalid(name, value, `must be between ${min} and ${max}`);
    return value.trim();
  };
}

function bool() {
  return (name: string) => (value: string) => {
    const v = value.trim().toLowerCase();
    if (v !== 'true' && v !== 'false') throw invalid(name, value, 'must be true or false');
    return v;
  };
}

function invalid(name: string, value: string, why: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${value} for configuration ${name}: ${why}`);
}

type Spec = [type: ConfigDef['type'], def: string, brokerSynonym: string, validator: (name: string) => (v: string) => string, doc: string];

const SPECS: Record<string, Spec> = {
  'retention.ms': [ConfigType.LONG, '604800000', 'log.retention.ms', long(-1n), 'A closed segment is deleted once its newest timestamp is older than this (checked every log.retention.check.interval.ms); -1 = forever.'],
  'retention.bytes': [ConfigType.LONG, '-1', 'log.retention.bytes', long(-LONG_MAX - 1n), 'Size a partition may grow to before its oldest closed segments are deleted; -1 = unlimited.'],
  'cleanup.policy': [ConfigType.LIST, 'delete', 'log.cleanup.policy', listOf('delete', 'compact'), 'delete (retention by time and size) and/or compact (the log cleaner keeps the last record per key).'],
  'max.message.bytes': [ConfigType.INT, '1048588', 'message.max.bytes', integer(0n, INT_MAX), 'Largest record batch accepted, as sent (after compression).'],
  'message.timestamp.type': [ConfigType.STRING, 'CreateTime', 'log.message.timestamp.type', oneOf('CreateTime', 'LogAppendTime'), 'CreateTime keeps producer timestamps; LogAppendTime stamps batches with the broker clock.'],
  // Accepted and reported, without effect on a single-node log.
  'compression.type': [ConfigType.STRING, 'producer', 'compression.type', oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'), 'Only "producer" is applied: batches are stored as sent.'],
  'min.insync.replicas': [ConfigType.INT, '1', 'min.insync.replicas', integer(1n, INT_MAX), 'No effect: one replica.'],
  'segment.bytes': [ConfigType.INT, '1073741824', 'log.segment.bytes', integer(14n, INT_MAX), 'A new segment is rolled when the active one would grow past this size.'],
  'segment.ms': [ConfigType.LONG, '604800000', 'log.roll.ms', long(1n), 'A new segment is rolled when a batch is this much newer than the active segment\'s first one.'],
  'delete.retention.ms': [ConfigType.LONG, '86400000', 'log.cleaner.delete.retention.ms', long(0n), 'Compacted topics: how long a tombstone stays after the cleaner first kept it (its delete horizon).'],
  'min.compaction.lag.ms': [ConfigType.LONG, '0', 'log.cleaner.min.compaction.lag.ms', long(0n), 'Compacted topics: a segment is cleaned only once its newest record is this old.'],
  'max.compaction.lag.ms': [ConfigType.LONG, '9223372036854775807', 'log.cleaner.max.compaction.lag.ms', long(1n), 'Compacted topics: a closed segment is cleaned this long after its first record whatever the dirty ratio.'],
  'min.cleanable.dirty.ratio': [ConfigType.DOUBLE, '0.5', 'log.cleaner.min.cleanable.ratio', real(0, 1), 'Compacted topics: cleaned when the not-yet-cleaned closed segments exceed this share of the log.'],
  'unclean.leader.election.enable': [ConfigType.BOOLEAN, 'false', 'unclean.leader.election.enable', bool(), 'No effect: one replica.'],
};

export const TOPIC_CONFIGS: ReadonlyMap<string, ConfigDef> = new Map(
  Object.entries(SPECS).map(([name, [type, def, brokerSynonym, validator, doc]]) => [
    name,
    { type, default: def, brokerSynonym, doc, validate: validator(name) },
  ]),
);

/** Validate a set of overrides; unknown names and bad values are INVALID_CONFIG, as in Kafka. */
export function validateConfigs(configs: Iterable<[string, string | null]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of configs) {
    const def = TOPIC_CONFIGS.get(name);
    if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
    if (value === null) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic config ${name}`);
    out.set(name, def.validate(value));
  }
  return out;
}

/** The effective values a partition log reads on its hot paths. */
export interface EffectiveConfig {
  retentionMs: number;
  retentionBytes: number;
  maxMessageBytes: number;
  logAppendTime: boolean;
  segmentBytes: number;
  /** segment.ms, or max.compaction.lag.ms when lower on a compacted topic (Kafka's LogConfig.maxSegmentMs). */
  segmentMs: number;
  /** cleanup.policy includes compact: records need keys and the log cleaner runs. */
  compacted: boolean;
  /** cleanup.policy includes delete: retention by time and size applies. */
  deletes: boolean;
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  minCleanableRatio: number;
}

/** Kafka's LogConfig.validateValues: settings that conflict with each other. */
export function checkConflicts(overrides: ReadonlyMap<string, string>): void {
  const get = (name: string) => BigInt(overrides.get(name) ?? TOPIC_CONFIGS.get(name)!.default);
  const min = get('min.compaction.lag.ms');
  const max = get('max.compaction.lag.ms');
  if (min > max) throw new KafkaError(ErrorCode.INVALID_CONFIG, `conflict topic config setting min.compaction.lag.ms (${min}) > max.compaction.lag.ms (${max})`);
}

export function effective(overrides: ReadonlyMap<string, string>): EffectiveConfig {
  const get = (name: string) => overrides.get(name) ?? TOPIC_CONFIGS.get(name)!.default;
  const compacted = get('cleanup.policy').split(',').includes('compact');
  const maxCompactionLagMs = Number(get('max.compaction.lag.ms'));
  return {
    retentionMs: Number(get('retention.ms')),
    retentionBytes: Number(get('retention.bytes')),
    maxMessageBytes: Number(get('max.message.bytes')),
    logAppendTime: get('message.timestamp.type') === 'LogAppendTime',
    segmentBytes: Number(get('segment.bytes')),
    segmentMs: compacted ? Math.min(maxCompactionLagMs, Number(get('segment.ms'))) : Number(get('segment.ms')),
    compacted,
    deletes: get('cleanup.policy').split(',').includes('delete'),
    deleteRetentionMs: Number(get('delete.retention.ms')),
    minCompactionLagMs: Number(get('min.compaction.lag.ms')),
    maxCompactionLagMs,
    minCleanableRatio: Number(get('min.cleanable.dirty.ratio')),
  };
}
