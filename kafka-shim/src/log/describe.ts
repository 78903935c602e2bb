/**
 * Config descriptions for DescribeConfigs / CreateTopics (v5+) and the config edits of AlterConfigs
 * and IncrementalAlterConfigs, kept apart from the wire so both APIs share one set of rules.
 */
import { ConfigSource, ConfigType, RETENTION_CHECK_INTERVAL_MS, TOPIC_CONFIGS, validateConfigs } from './configs.js';
import { ErrorCode, KafkaError } from '../errors.js';
import type { Topic } from './index.js';

/** ConfigResource types (DescribeConfigs, AlterConfigs). */
export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  type: number;
  doc: string;
  synonyms: { name: string; value: string | null; source: number }[];
}

/** Every topic config with its effective value and where it comes from. */
export function topicConfigEntries(topic: Pick<Topic, 'overrides'>): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  for (const [name, def] of TOPIC_CONFIGS) {
    const override = topic.overrides.get(name);
    const synonyms: ConfigEntry['synonyms'] = [{ name: def.brokerSynonym, value: def.default, source: ConfigSource.DEFAULT_CONFIG }];
    if (override !== undefined) synonyms.unshift({ name, value: override, source: ConfigSource.TOPIC_CONFIG });
    out.push({
      name,
      value: override ?? def.default,
      readOnly: false,
      source: override !== undefined ? ConfigSource.TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG,
      type: def.type,
      doc: def.doc,
      synonyms,
    });
  }
  return out;
}

/** The broker's own (read-only) settings, enough for admin tools that inspect a broker. */
export function brokerConfigEntries(nodeId: number, defaultPartitions: number): ConfigEntry[] {
  const fixed: [string, string, number][] = [
    ['broker.id', String(nodeId), ConfigType.INT],
    ['num.partitions', String(defaultPartitions), ConfigType.INT],
    ['default.replication.factor', '1', ConfigType.INT],
    ['offsets.topic.replication.factor', '1', ConfigType.INT],
    ['transaction.state.log.replication.factor', '1', ConfigType.INT],
    ['auto.create.topics.enable', 'true', ConfigType.BOOLEAN],
    ['delete.topic.enable', 'true', ConfigType.BOOLEAN],
    ['log.retention.check.interval.ms', String(RETENTION_CHECK_INTERVAL_MS), ConfigType.LONG],
  ];
  const fromTopics = [...TOPIC_CONFIGS.values()].map((d) => [d.brokerSynonym, d.default, d.type] as [string, string, number]);
  return [...fixed, ...fromTopics].map(([name, value, type]) => ({
    name,
    value,
    readOnly: true,
    source: ConfigSource.STATIC_BROKER_CONFIG,
    type,
    doc: '',
    synonyms: [{ name, value, source: ConfigSource.STATIC_BROKER_CONFIG }],
  }));
}

/** IncrementalAlterConfigs operations. */
const Op = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

/** Apply IncrementalAlterConfigs edits to a copy of `current`; Kafka's error codes on bad input. */
export function incrementalEdit(
  current: ReadonlyMap<string, string>,
  edits: { name: string; configOperation: number; value: string | null }[],
): Map<string, string> {
  const seen = new Set<string>();
  const next = new Map(current);
  for (const e of edits) {
    if (seen.has(e.name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${e.name}`);
    seen.add(e.name);
    const def = TOPIC_CONFIGS.get(e.name);
    if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${e.name}`);
    switch (e.configOperation) {
      case Op.SET:
        next.set(e.name, validateConfigs([[e.name, e.value]]).get(e.name)!);
        break;
      case Op.DELETE:
        next.delete(e.name);
        break;
      case Op.APPEND:
      case Op.SUBTRACT: {
        if (def.type !== ConfigType.LIST) {
          throw new KafkaError(ErrorCode.INVALID_CONFIG, `Config value ${e.configOperation === Op.APPEND ? 'append' : 'subtract'} is not allowed for config key: ${e.name}`);
        }
        const items = (next.get(e.name) ?? def.default).split(',').filter((s) => s !== '');
        const given = (e.value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
        const result = e.configOperation === Op.APPEND ? [...items, ...given.filter((g) => !items.includes(g))] : items.filter((i) => !given.includes(i));
        next.set(e.name, validateConfigs([[e.name, result.join(',')]]).get(e.name)!);
        break;
      }
      default:
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${e.configOperation} for ${e.name}`);
    }
  }
  return next;
}
