/**
 * DescribeConfigs: v1-4 (flexible from v4).
 *
 * Behaviour: a topic lists every topic config Kafka 4 has (../log/configs.ts), sorted by name,
 * with its effective value and source (TOPIC_CONFIG when overridden, the dynamic broker config
 * when one is set, else DEFAULT_CONFIG). A broker (our node id) lists Tandem's subset of Kafka's
 * broker configs with their dynamic, static and default values; "" (the cluster default) lists the
 * dynamic cluster-wide configs; BROKER_LOGGER the log levels. configurationKeys null or empty =
 * all (as Kafka), otherwise only the named ones. Unknown topics are UNKNOWN_TOPIC_OR_PARTITION;
 * other resource types or broker ids INVALID_REQUEST.
 *
 * Version notes: v0 (isDefault instead of a source) is not served, as in Kafka 4 (KIP-896); v1+
 * configSource and, when includeSynonyms, the synonyms (override, dynamic broker configs, Kafka's
 * default); v3+ configType and, when includeDocumentation, Kafka's documentation string.
 */
import { ResourceType, topicConfigEntries, type ConfigEntry } from '../log/describe.js';
import { ConfigSource, ConfigType } from '../log/configs.js';
import { catchKafkaError, ErrorCode, KafkaError } from '../errors.js';
import { BROKER_LOGGER, checkBrokerId, levelsOf } from './alter-configs.js';
import { defineApi } from './api.js';

export const describeConfigs = defineApi({
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 1,
  maxVersion: 4,
  handle(req, ctx) {
    const broker = ctx.broker;
    const { log, nodeId, config } = broker;
    const entries = (type: number, name: string): ConfigEntry[] => {
      if (type === ResourceType.TOPIC) {
        const topic = log.topic(name);
        if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist.`);
        return topicConfigEntries(topic, log.dynamicSynonyms);
      }
      if (type === ResourceType.BROKER) {
        checkBrokerId(broker, name, true);
        return log.brokerConfigs.describe(name, { nodeId, defaultPartitions: config.defaultPartitions, dataDir: log.options.dataDir ?? null });
      }
      if (type === BROKER_LOGGER) {
        if (name === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
        checkBrokerId(broker, name, false);
        return [...levelsOf(broker)].map(([logger, level]) => ({
          name: logger,
          value: level,
          readOnly: false,
          source: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
          type: ConfigType.UNKNOWN,
          doc: '',
          synonyms: [],
        }));
      }
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${type}`);
    };
    const results = req.resources.map((r) =>
      catchKafkaError(
        () => {
          const keys = r.configurationKeys === null || r.configurationKeys.length === 0 ? null : new Set(r.configurationKeys);
          const configs = entries(r.resourceType, r.resourceName)
            .filter((e) => !keys || keys.has(e.name))
            .map((e) => ({
              name: e.name,
              value: e.value,
              readOnly: e.readOnly,
              configSource: e.source,
              isSensitive: false,
              synonyms: req.includeSynonyms ? e.synonyms : [],
              configType: e.type,
              documentation: req.includeDocumentation ? e.doc : null,
            }));
          return { errorCode: 0, errorMessage: '', resourceType: r.resourceType, resourceName: r.resourceName, configs };
        },
        (err) => ({ errorCode: err.code, errorMessage: err.message, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }),
      ),
    );
    return { throttleTimeMs: 0, results };
  },
});
