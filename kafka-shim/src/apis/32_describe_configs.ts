/**
 * DescribeConfigs: v0-4 (flexible from v4).
 *
 * Behaviour: topics list every topic config we support with its effective value and source
 * (TOPIC_CONFIG when overridden, else DEFAULT_CONFIG); the broker ("" or our node id) lists its
 * fixed, read-only settings. configurationKeys null = all, otherwise only the named ones.
 * Unknown topics are UNKNOWN_TOPIC_OR_PARTITION; other resource types or broker ids INVALID_REQUEST.
 *
 * Version notes: v0 isDefault; v1+ configSource and, when includeSynonyms, the synonyms (the
 * override, then the broker default it shadows); v3+ configType and documentation on request.
 */
import type { DescribeConfigsRequest, DescribeConfigsResponse } from '../protocol/generated/types.js';
import { brokerConfigEntries, ResourceType, topicConfigEntries, type ConfigEntry } from '../log/describe.js';
import { ConfigSource } from '../log/configs.js';
import { ErrorCode, KafkaError } from '../log/index.js';
import { register } from './registry.js';

register({
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  handle(req: DescribeConfigsRequest, ctx): DescribeConfigsResponse {
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
    const results = req.resources.map((r) => {
      try {
        const keys = r.configurationKeys === null ? null : new Set(r.configurationKeys);
        const configs = entries(r.resourceType, r.resourceName)
          .filter((e) => !keys || keys.has(e.name))
          .map((e) => ({
            name: e.name,
            value: e.value,
            readOnly: e.readOnly,
            isDefault: e.source === ConfigSource.DEFAULT_CONFIG,
            configSource: e.source,
            isSensitive: false,
            synonyms: req.includeSynonyms ? e.synonyms : [],
            configType: e.type,
            documentation: req.includeDocumentation ? e.doc : null,
          }));
        return { errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs };
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { errorCode: err.code, errorMessage: err.message, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
      }
    });
    return { throttleTimeMs: 0, results };
  },
});
