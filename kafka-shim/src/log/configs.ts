/**
 * Topic configs: the one table of every topic config Apache Kafka 4.4 accepts (names, types,
 * defaults, broker synonyms, validation with Kafka's own error messages), driving CreateTopics,
 * AlterConfigs, IncrementalAlterConfigs and DescribeConfigs. The ones the log enforces (retention,
 * size limits, segment rolling, timestamp type) take effect; the rest are accepted, stored and
 * described but have no effect on a single-copy log (so applications that set them keep working).
 * Values are kept as strings, as Kafka's config APIs carry them. Facts checked against a real
 * Kafka 4.4.0 broker (compat-tests/kafka/configs.test.ts compares the two).
 */
import { ErrorCode, KafkaError } from '../errors.js';
import { TOPIC_CONFIG_DOCS } from './config-docs.js';

/** Kafka's log.retention.check.interval.ms default: how often retention runs. */
export const RETENTION_CHECK_INTERVAL_MS = 300_000;
/** Kafka's log.cleaner.backoff.ms default: how often the log cleaner looks for logs to clean. */
export const CLEANER_BACKOFF_MS = 15_000;

/** DescribeConfigs ConfigType. */
export const ConfigType = { UNKNOWN: 0, BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const;
/** DescribeConfigs ConfigSource. */
export const ConfigSource = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

export type Validator = (name: string, value: string) => string;

export interface ConfigDef {
  readonly type: number;
  readonly default: string;
  /** The broker-level config that supplies the default (the synonym Kafka reports), if any. */
  readonly brokerSynonym: string | null;
  readonly doc: string;
  /** Throws INVALID_CONFIG (Kafka's message) for a bad value; returns the value to store. */
  validate(value: string): string;
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const TYPE_NAME: Record<number, string> = { [ConfigType.INT]: 'INT', [ConfigType.LONG]: 'LONG', [ConfigType.DOUBLE]: 'DOUBLE' };

export function invalid(name: string, value: string, why: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${value} for configuration ${name}: ${why}`);
}

/** INT / LONG parsing as ConfigDef does (trimmed, Integer/Long.parseLong), then an optional range. */
export function integer(type: number, min?: bigint, max?: bigint): Validator {
  const [lo, hi] = type === ConfigType.INT ? [INT_MIN, INT_MAX] : [LONG_MIN, LONG_MAX];
  return (name, value) => {
    const v = value.trim();
    if (!/^[+-]?\d+$/.test(v) || BigInt(v) < lo || BigInt(v) > hi) throw invalid(name, value, `Not a number of type ${TYPE_NAME[type]}`);
    const n = BigInt(v);
    if (min !== undefined && n < min) throw invalid(name, value, `Value must be at least ${min}`);
    if (max !== undefined && n > max) throw invalid(name, value, `Value must be no more than ${max}`);
    return String(n);
  };
}
const int = (min?: number, max?: number) => integer(ConfigType.INT, min === undefined ? undefined : BigInt(min), max === undefined ? undefined : BigInt(max));
const long = (min?: number) => integer(ConfigType.LONG, min === undefined ? undefined : BigInt(min));

/** Java's Double.toString, which Kafka's message echoes (e.g. -3.0, 2.147483648E9). */
function javaDouble(n: number): string {
  if (n === 0) return '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) return Number.isInteger(n) ? `${n}.0` : String(n);
  const [m, e] = n.toExponential().split('e');
  return `${m.includes('.') ? m : `${m}.0`}E${Number(e)}`;
}

function double(min: number, max: number): Validator {
  return (name, value) => {
    const v = value.trim();
    const n = Number(v);
    if (v === '' || !Number.isFinite(n) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) throw invalid(name, value, 'Not a number of type DOUBLE');
    if (n < min) throw invalid(name, javaDouble(n), `Value must be at least ${min}`);
    if (n > max) throw invalid(name, javaDouble(n), `Value must be no more than ${max}`);
    return v;
  };
}

function oneOf(...allowed: string[]): Validator {
  return (name, value) => {
    const v = value.trim();
    if (!allowed.includes(v)) throw invalid(name, value, `String must be one of: ${allowed.join(', ')}`);
    return v;
  };
}

const bool: Validator = (name, value) => {
  const v = value.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw invalid(name, value, 'Expected value to be either true or false');
  return v;
};

/** cleanup.policy: a list (possibly empty) of compact/delete, no empty items. */
const cleanupPolicy: Validator = (name, value) => {
  if (value.trim() === '') return '';
  const items = value.split(',').map((s) => s.trim());
  if (items.some((i) => i === '')) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Configuration '${name}' values must not be empty.`);
  for (const i of items) if (i !== 'compact' && i !== 'delete') throw invalid(name, i, 'String must be one of: compact, delete');
  return items.join(',');
};

/** leader/follower.replication.throttled.replicas: '*' or partition:broker pairs. */
const throttledReplicas: Validator = (name, value) => {
  const items = value.split(',').map((s) => s.trim());
  if (value.trim() === '' || value.trim() === '*') return value.trim();
  if (items.every((i) => /^\d+:\d+$/.test(i))) return items.join(',');
  const shown = `[${value.split(',').map((s, i) => (i === 0 ? s.trimStart() : s.trim())).join(', ')}]`;
  throw invalid(name, shown, `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`);
};

const gzipLevel: Validator = (name, value) => {
  const v = int()(name, value);
  const n = Number(v);
  if (n !== -1 && (n < 1 || n > 9)) throw invalid(name, value, 'Value must be between 1 and 9 or equal to -1');
  return v;
};

/** Tiered storage is off on a Tandem broker, as on a Kafka broker without remote.log.storage.system.enable. */
const remoteStorage: Validator = (name, value) => {
  const v = bool(name, value);
  if (v === 'true') throw new KafkaError(ErrorCode.INVALID_CONFIG, 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.');
  return v;
};

const T = ConfigType;
const LONG_MAX_S = String(LONG_MAX);
type Spec = [type: number, def: string, brokerSynonym: string | null, validate: Validator];

/** Kafka 4.4's LogConfig, in its DescribeConfigs order of no importance: sorted by name. */
const SPECS: Record<string, Spec> = {
  'cleanup.policy': [T.LIST, 'delete', 'log.cleanup.policy', cleanupPolicy],
  'compression.gzip.level': [T.INT, '-1', 'compression.gzip.level', gzipLevel],
  'compression.lz4.level': [T.INT, '9', 'compression.lz4.level', int(1, 17)],
  'compression.type': [T.STRING, 'producer', 'compression.type', oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer')],
  'compression.zstd.level': [T.INT, '3', 'compression.zstd.level', int(-131072, 22)],
  'delete.retention.ms': [T.LONG, '86400000', 'log.cleaner.delete.retention.ms', long(0)],
  'errors.deadletterqueue.group.enable': [T.BOOLEAN, 'false', null, bool],
  'file.delete.delay.ms': [T.LONG, '60000', 'log.segment.delete.delay.ms', long(0)],
  'flush.messages': [T.LONG, LONG_MAX_S, 'log.flush.interval.messages', long(1)],
  'flush.ms': [T.LONG, LONG_MAX_S, 'log.flush.interval.ms', long(0)],
  'follower.replication.throttled.replicas': [T.LIST, '', null, throttledReplicas],
  'index.interval.bytes': [T.INT, '4096', 'log.index.interval.bytes', int(0)],
  // Kafka 4's test-only escape from segment.bytes' 1 MiB minimum: accepted, described only when set.
  'internal.segment.bytes': [T.INT, '', null, int()],
  'leader.replication.throttled.replicas': [T.LIST, '', null, throttledReplicas],
  'local.retention.bytes': [T.LONG, '-2', 'log.local.retention.bytes', long(-2)],
  'local.retention.ms': [T.LONG, '-2', 'log.local.retention.ms', long(-2)],
  'max.compaction.lag.ms': [T.LONG, LONG_MAX_S, 'log.cleaner.max.compaction.lag.ms', long(1)],
  'max.decompressed.message.bytes': [T.INT, '2147483639', 'max.decompressed.message.bytes', int(1)],
  'max.message.bytes': [T.INT, '1048588', 'message.max.bytes', int(0)],
  'message.timestamp.after.max.ms': [T.LONG, '3600000', 'log.message.timestamp.after.max.ms', long(0)],
  'message.timestamp.before.max.ms': [T.LONG, LONG_MAX_S, 'log.message.timestamp.before.max.ms', long(0)],
  'message.timestamp.type': [T.STRING, 'CreateTime', 'log.message.timestamp.type', oneOf('CreateTime', 'LogAppendTime')],
  'min.cleanable.dirty.ratio': [T.DOUBLE, '0.5', 'log.cleaner.min.cleanable.ratio', double(0, 1)],
  'min.compaction.lag.ms': [T.LONG, '0', 'log.cleaner.min.compaction.lag.ms', long(0)],
  'min.insync.replicas': [T.INT, '1', 'min.insync.replicas', int(1)],
  preallocate: [T.BOOLEAN, 'false', 'log.preallocate', bool],
  'remote.copy.lag.bytes': [T.LONG, '-1', 'log.remote.copy.lag.bytes', long(-1)],
  'remote.copy.lag.ms': [T.LONG, '0', 'log.remote.copy.lag.ms', long(-1)],
  'remote.log.copy.disable': [T.BOOLEAN, 'false', null, bool],
  'remote.log.delete.on.disable': [T.BOOLEAN, 'false', null, bool],
  'remote.storage.enable': [T.BOOLEAN, 'false', null, remoteStorage],
  'retention.bytes': [T.LONG, '-1', 'log.retention.bytes', long()],
  'retention.ms': [T.LONG, '604800000', 'log.retention.ms', long(-1)],
  'segment.bytes': [T.INT, '1073741824', 'log.segment.bytes', int(1048576)],
  'segment.index.bytes': [T.INT, '10485760', 'log.index.size.max.bytes', int(4)],
  'segment.jitter.ms': [T.LONG, '0', 'log.roll.jitter.ms', long(0)],
  'segment.ms': [T.LONG, '604800000', 'log.roll.ms', long(1)],
  'unclean.leader.election.enable': [T.BOOLEAN, 'false', 'unclean.leader.election.enable', bool],
};

export const TOPIC_CONFIGS: ReadonlyMap<string, ConfigDef> = new Map(
  Object.entries(SPECS).map(([name, [type, def, brokerSynonym, validator]]) => [
    name,
    { type, default: def, brokerSynonym, doc: TOPIC_CONFIG_DOCS[name] ?? '', validate: (v: string) => validator(name, v) },
  ]),
);

/** Configs Kafka lists only when a topic sets them. */
export const INTERNAL_CONFIGS: ReadonlySet<string> = new Set(['internal.segment.bytes']);

/** The broker config a topic config defaults from, by broker name (for dynamic broker configs). */
export const TOPIC_CONFIG_BY_SYNONYM: ReadonlyMap<string, string> = new Map(
  [...TOPIC_CONFIGS].filter(([, d]) => d.brokerSynonym !== null).map(([n, d]) => [d.brokerSynonym!, n]),
);

/** Validate a set of overrides; unknown names and bad values are INVALID_CONFIG, as in Kafka 4
 * (whose removed configs, e.g. message.timestamp.difference.max.ms, are unknown names now). */
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

/** Where an unset topic config's value comes from: a dynamic broker config, if one is set. */
export type BrokerDefaults = (brokerName: string) => string | undefined;
const noBrokerDefaults: BrokerDefaults = () => undefined;

/** A topic config's value without a topic override. */
export function topicDefault(name: string, brokerDefaults: BrokerDefaults = noBrokerDefaults): string {
  const def = TOPIC_CONFIGS.get(name)!;
  return (def.brokerSynonym !== null ? brokerDefaults(def.brokerSynonym) : undefined) ?? def.default;
}

export function effective(overrides: ReadonlyMap<string, string>, brokerDefaults: BrokerDefaults = noBrokerDefaults): EffectiveConfig {
  const get = (name: string) => overrides.get(name) ?? topicDefault(name, brokerDefaults);
  const compacted = get('cleanup.policy').split(',').includes('compact');
  const maxCompactionLagMs = Number(get('max.compaction.lag.ms'));
  return {
    retentionMs: Number(get('retention.ms')),
    retentionBytes: Number(get('retention.bytes')),
    maxMessageBytes: Number(get('max.message.bytes')),
    logAppendTime: get('message.timestamp.type') === 'LogAppendTime',
    segmentBytes: Number(overrides.get('internal.segment.bytes') ?? get('segment.bytes')),
    segmentMs: compacted ? Math.min(maxCompactionLagMs, Number(get('segment.ms'))) : Number(get('segment.ms')),
    compacted,
    deletes: get('cleanup.policy').split(',').includes('delete'),
    deleteRetentionMs: Number(get('delete.retention.ms')),
    minCompactionLagMs: Number(get('min.compaction.lag.ms')),
    maxCompactionLagMs,
    minCleanableRatio: Number(get('min.cleanable.dirty.ratio')),
  };
}
