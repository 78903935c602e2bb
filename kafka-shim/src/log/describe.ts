/**
 * Config descriptions for DescribeConfigs / CreateTopics (v5+) and the config edits of AlterConfigs
 * and IncrementalAlterConfigs, kept apart from the wire so both APIs share one set of rules.
 */
import { ConfigSource, ConfigType, INTERNAL_CONFIGS, TOPIC_CONFIGS, validateConfigs } from './configs.js';
import { ErrorCode, KafkaError } from '../errors.js';
import type { Topic } from './index.js';
import { BROKER_CONFIG_FACTS } from './config-docs.js';

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

/** A topic config's dynamic broker synonyms (none when no broker config is set). */
export type DynamicSynonyms = (brokerName: string) => { name: string; value: string; source: number }[];

/** Every topic config with its effective value and where it comes from, sorted by name as Kafka
 * answers them; synonyms: the override, the dynamic broker configs, then Kafka's default. */
export function topicConfigEntries(topic: Pick<Topic, 'overrides'>, dynamic: DynamicSynonyms = () => []): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  for (const [name, def] of TOPIC_CONFIGS) {
    const override = topic.overrides.get(name);
    if (INTERNAL_CONFIGS.has(name) && override === undefined) continue;
    const synonyms: ConfigEntry['synonyms'] = [];
    if (override !== undefined) synonyms.push({ name, value: override, source: ConfigSource.TOPIC_CONFIG });
    if (def.brokerSynonym !== null) {
      synonyms.push(...dynamic(def.brokerSynonym));
      synonyms.push({ name: def.brokerSynonym, value: def.default, source: ConfigSource.DEFAULT_CONFIG });
    }
    const top = synonyms[0] ?? { value: def.default, source: ConfigSource.DEFAULT_CONFIG };
    out.push({ name, value: top.value, readOnly: false, source: top.source, type: def.type, doc: def.doc, synonyms });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** How IncrementalAlterConfigs sees a config: its type (for APPEND/SUBTRACT) and default. */
export interface EditableDef {
  type: number;
  default: string;
}

/** IncrementalAlterConfigs operations. */
const Op = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

/** Apply IncrementalAlterConfigs edits to a copy of `current`; Kafka's error codes on bad input. */
export function incrementalEdit(
  current: ReadonlyMap<string, string>,
  edits: { name: string; configOperation: number; value: string | null }[],
  broker = false,
): Map<string, string> {
  // Topic values are validated here; broker values by BrokerConfigs.validate, over the whole set.
  const check = (name: string, value: string | null) => (broker ? (value ?? '') : validateConfigs([[name, value]]).get(name)!);
  const lookup = (name: string): EditableDef | undefined => {
    if (!broker) return TOPIC_CONFIGS.get(name);
    const facts = BROKER_CONFIG_FACTS[name];
    return { type: facts?.[0] ?? ConfigType.STRING, default: facts?.[1] ?? '' };
  };
  const seen = new Set<string>();
  const next = new Map(current);
  for (const e of edits) {
    if (seen.has(e.name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${e.name}`);
    seen.add(e.name);
    const def = lookup(e.name);
    if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${e.name}`);
    switch (e.configOperation) {
      case Op.SET:
        next.set(e.name, check(e.name, e.value));
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
        next.set(e.name, check(e.name, result.join(',')));
        break;
      }
      default:
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${e.configOperation} for ${e.name}`);
    }
  }
  return next;
}
