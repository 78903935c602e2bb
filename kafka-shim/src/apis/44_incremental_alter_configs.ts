/**
 * IncrementalAlterConfigs: v0-1 (flexible from v1).
 *
 * Behaviour: SET/DELETE any supported topic config, APPEND/SUBTRACT list configs
 * (cleanup.policy; INVALID_CONFIG for others); the result is validated as a whole, and applied
 * only if every edit of the resource is valid. Duplicate keys or unknown operations are
 * INVALID_REQUEST; broker configs are read-only here.
 */
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../protocol/generated/types.js';
import { incrementalEdit, ResourceType } from '../log/describe.js';
import { ErrorCode, KafkaError } from '../log/index.js';
import { register } from './registry.js';

register({
  key: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  async handle(req: IncrementalAlterConfigsRequest, ctx): Promise<IncrementalAlterConfigsResponse> {
    const { log } = ctx.broker;
    const responses = await Promise.all(
      req.resources.map(async (r) => {
        try {
          if (r.resourceType !== ResourceType.TOPIC) {
            throw new KafkaError(ErrorCode.INVALID_REQUEST, r.resourceType === ResourceType.BROKER ? 'Broker configs cannot be altered.' : `Unsupported resource type ${r.resourceType}`);
          }
          const topic = log.topic(r.resourceName);
          if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${r.resourceName} does not exist.`);
          const next = incrementalEdit(topic.overrides, r.configs);
          if (!req.validateOnly) await log.setConfigs(r.resourceName, next);
          return { errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName };
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          return { errorCode: err.code, errorMessage: err.message, resourceType: r.resourceType, resourceName: r.resourceName };
        }
      }),
    );
    return { throttleTimeMs: 0, responses };
  },
});
