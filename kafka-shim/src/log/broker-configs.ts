/**
 * Dynamic broker configs: what AlterConfigs / IncrementalAlterConfigs set on a BROKER resource
 * (the cluster-wide default, resource name "", or one broker by id), stored in one key per
 * resource and read back at startup. The topic configs' broker synonyms (message.max.bytes,
 * log.retention.ms, log.segment.bytes, ...) then become the default of every topic that does not
 * override them, as in Kafka; ./configs.ts reads them through `lookup`.
 *
 * Validation follows Kafka 4: a known read-only config is refused ("Cannot update these configs
 * dynamically"), a bad value of a known one gets ConfigDef's message, and an unknown name is
 * accepted and stored (Kafka keeps custom broker configs). Errors are INVALID_REQUEST, Kafka's
 * code for broker resources. Like a fresh Kafka 4 KRaft cluster, the cluster default starts with
 * min.insync.replicas=1 (its controller writes it at bootstrap).
 */
import type { Core } from '../../../emulator/src/core/core.js';
import { splitKey } from '../../../emulator/src/core/storage/keys.js';
import { brokerConfigKey, PREFIX } from '../storage/keys.js';
import { ErrorCode, KafkaError } from '../errors.js';
import { BROKER_CONFIG_FACTS } from './config-docs.js';
import { ConfigSource, ConfigType, integer, invalid, TOPIC_CONFIG_BY_SYNONYM, TOPIC_CONFIGS } from './configs.js';

export interface BrokerConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  type: number;
  doc: string;
  synonyms: { name: string; value: string | null; source: number }[];
}

/** The broker's own settings, which Tandem decides rather than Kafka's defaults. */
export interface BrokerStatics {
  nodeId: number;
  defaultPartitions: number;
  dataDir: string | null;
}

const CLUSTER = '';

export class BrokerConfigs {
  /** Resource name ("" or a broker id) -> dynamic overrides. */
  private readonly byResource = new Map<string, Map<string, string>>([[CLUSTER, new Map([['min.insync.replicas', '1']])]]);

  constructor(private readonly core: Core) {}

  async load(): Promise<void> {
    const prefix = Buffer.from(PREFIX.brokerConfig, 'latin1');
    await this.core.store.forEach(prefix, (k, v) => {
      const resource = splitKey(k, prefix.length, 1).parts[0];
      this.byResource.set(resource, new Map(Object.entries(JSON.parse(v.toString()) as Record<string, string>)));
    });
  }

  /** The dynamic value of a broker config for `nodeId`: its own, else the cluster default. */
  lookup(name: string, nodeId: number): string | undefined {
    return this.byResource.get(String(nodeId))?.get(name) ?? this.byResource.get(CLUSTER)?.get(name);
  }

  /** A topic config's dynamic broker synonyms, as DescribeConfigs lists them (own, then cluster). */
  dynamicSynonyms(name: string, nodeId: number): { name: string; value: string; source: number }[] {
    const out: { name: string; value: string; source: number }[] = [];
    const own = this.byResource.get(String(nodeId))?.get(name);
    if (own !== undefined) out.push({ name, value: own, source: ConfigSource.DYNAMIC_BROKER_CONFIG });
    const cluster = this.byResource.get(CLUSTER)?.get(name);
    if (cluster !== undefined) out.push({ name, value: cluster, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    return out;
  }

  current(resource: string): ReadonlyMap<string, string> {
    return this.byResource.get(resource) ?? new Map();
  }

  /** Refuse what Kafka refuses; returns the values to store. */
  validate(next: ReadonlyMap<string, string>): Map<string, string> {
    const readOnly = [...next.keys()].filter((n) => BROKER_CONFIG_FACTS[n]?.[2] === true);
    if (readOnly.length > 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Cannot update these configs dynamically: [${readOnly.join(', ')}]`);
    const out = new Map<string, string>();
    for (const [name, value] of next) {
      try {
        out.set(name, validateBrokerValue(name, value));
      } catch (err) {
        if (err instanceof KafkaError) throw new KafkaError(ErrorCode.INVALID_REQUEST, err.message);
        throw err;
      }
    }
    return out;
  }

  /** Replace a resource's dynamic configs (already validated). */
  async set(resource: string, configs: Map<string, string>): Promise<void> {
    const uow = this.core.store.begin().put(brokerConfigKey(resource), Buffer.from(JSON.stringify(Object.fromEntries(configs))));
    uow.onCommit(() => this.byResource.set(resource, configs));
    await uow.commit();
    this.core.log.info('kafka.broker.configs_altered', { resource: resource === CLUSTER ? '<default>' : resource, configs: Object.fromEntries(configs) });
  }

  /** DescribeConfigs of a broker: every known config with its value, source and synonyms. The
   * cluster-default resource ("") lists only its dynamic entries, as Kafka does. */
  describe(resource: string, statics: BrokerStatics): BrokerConfigEntry[] {
    if (resource === CLUSTER) {
      return [...this.current(CLUSTER)].map(([name, value]) => {
        const facts = BROKER_CONFIG_FACTS[name];
        const synonyms = [{ name, value, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }];
        return { name, value, readOnly: false, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, type: facts?.[0] ?? ConfigType.UNKNOWN, doc: facts?.[3] ?? '', synonyms };
      });
    }
    const staticValues: Record<string, string | null> = {
      'node.id': String(statics.nodeId),
      'broker.id': String(statics.nodeId),
      'num.partitions': statics.defaultPartitions === 1 ? null : String(statics.defaultPartitions),
      'log.dirs': statics.dataDir,
    };
    const own = this.current(resource);
    const cluster = this.current(CLUSTER);
    return Object.entries(BROKER_CONFIG_FACTS).map(([name, [type, def, readOnly, doc]]) => {
      const synonyms: BrokerConfigEntry['synonyms'] = [];
      if (own.has(name)) synonyms.push({ name, value: own.get(name)!, source: ConfigSource.DYNAMIC_BROKER_CONFIG });
      if (cluster.has(name)) synonyms.push({ name, value: cluster.get(name)!, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
      const stat = staticValues[name];
      if (stat !== undefined && stat !== null) synonyms.push({ name, value: stat, source: ConfigSource.STATIC_BROKER_CONFIG });
      if (def !== null) synonyms.push({ name, value: def, source: ConfigSource.DEFAULT_CONFIG });
      const top = synonyms[0] ?? { value: null, source: ConfigSource.DEFAULT_CONFIG };
      return { name, value: top.value, readOnly, source: top.source, type, doc, synonyms };
    });
  }
}

/** A broker config's value checked as Kafka's ConfigDef checks it (INVALID_CONFIG here; the caller
 * turns it into the broker resource's code). Unknown names pass unchanged. */
function validateBrokerValue(name: string, value: string): string {
  const topicName = TOPIC_CONFIG_BY_SYNONYM.get(name);
  if (topicName) {
    try {
      return TOPIC_CONFIGS.get(topicName)!.validate(value);
    } catch (err) {
      // The topic rule, with the broker config's name in the message.
      if (err instanceof KafkaError) throw new KafkaError(err.code, err.message.split(topicName).join(name));
      throw err;
    }
  }
  const facts = BROKER_CONFIG_FACTS[name];
  if (!facts) return value;
  switch (facts[0]) {
    case ConfigType.INT:
    case ConfigType.LONG:
      return integer(facts[0])(name, value);
    case ConfigType.BOOLEAN:
      if (!/^(true|false)$/i.test(value.trim())) throw invalid(name, value, 'Expected value to be either true or false');
      return value.trim().toLowerCase();
    default:
      return value;
  }
}
