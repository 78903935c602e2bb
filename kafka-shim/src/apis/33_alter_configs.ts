/**
 * AlterConfigs: v0-2 (flexible from v2).
 *
 * Behaviour: replaces a topic's whole set of overrides (configs left out return to their
 * defaults), after validating every name and value (INVALID_CONFIG). Retention changes apply at
 * once. validateOnly changes nothing. Broker configs are read-only here (INVALID_REQUEST), as are
 * other resource types; unknown topics are UNKNOWN_TOPIC_OR_PARTITION.
 */
import type { AlterConfigsRequest, AlterConfigsResponse } from '../protocol/generated/types.js';
import { ResourceType } from '../log/describe.js';
import { validateConfigs } from '../log/configs.js';
import { ErrorCode, KafkaError } from '../log/index.js';
import { register } from './registry.js';

register({
  key: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  async handle(req: AlterConfigsRequest, ctx): Promise<AlterConfigsResponse> {
    const { log } = ctx.broker;
    const responses = await Promise.all(
      req.resources.map(async (r) => {
        try {
          if (r.resourceType !== ResourceType.TOPIC) {
            throw new KafkaError(ErrorCode.INVALID_REQUEST, r.resourceType === ResourceType.BROKER ? 'Broker configs cannot be altered.' : `Unsupported resource type ${r.resourceType}`);
          }
          if (!log.topic(r.resourceName)) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${r.resourceName} does not exist.`);
          const names = r.configs.map((c) => c.name);
          if (new Set(names).size !== names.length) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
          const overrides = validateConfigs(r.configs.map((c) => [c.name, c.value] as [string, string | null]));
          if (!req.validateOnly) await log.setConfigs(r.resourceName, overrides);
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
