/**
 * DescribeConfigs: v1-4 (flexible from v4).
 *
 * Behaviour: topics list every topic config we support with its effective value and source
 * (TOPIC_CONFIG when overridden, else DEFAULT_CONFIG); the broker ("" or our node id) lists its
 * fixed, read-only settings. configurationKeys null = all, otherwise only the named ones.
 * Unknown topics are UNKNOWN_TOPIC_OR_PARTITION; other resource types or broker ids INVALID_REQUEST.
 *
 * Version notes: v0 (isDefault instead of a source) is not served, as in Kafka 4 (KIP-896); v1+
 * configSource and, when includeSynonyms, the synonyms (the
 * override, then the broker default it shadows); v3+ configType and documentation on request.
 */
import { brokerConfigEntries, ResourceType, topicConfigEntries, type ConfigEntry } from '../log/describe.js';
import { catchKafkaError, ErrorCode, KafkaError } from '../errors.js';
import { defineApi } from './api.js';

export const describeConfigs = defineApi({
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 1,
  maxVersion: 4,
  handle(req, ctx) {
    const { log, nodeId, config } = ctx.broker;
    const entries = (type: number, name: string): ConfigEntry[] => {
      if (type === ResourceType.TOPIC) {
        const topic = log.topic(name);
        if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist.`);
        return topicConfigEntries(topic);
      }
      if (type === ResourceType.BROKER) {
        if (name !== '' && name !== String(nodeId)) {
          throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${nodeId} or empty string, but received ${name}`);
        }
        return brokerConfigEntries(nodeId, config.defaultPartitions);
      }
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${type}`);
    };
    const results = req.resources.map((r) =>
      catchKafkaError(
        () => {
          const keys = r.configurationKeys === null ? null : new Set(r.configurationKeys);
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
          return { errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs };
        },
        (err) => ({ errorCode: err.code, errorMessage: err.message, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }),
      ),
    );
    return { throttleTimeMs: 0, results };
  },
});
