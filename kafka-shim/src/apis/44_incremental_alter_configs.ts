/**
 * IncrementalAlterConfigs: v0-1 (flexible from v1).
 *
 * Behaviour: SET/DELETE any supported topic config, APPEND/SUBTRACT list configs
 * (cleanup.policy; INVALID_CONFIG for others); the result is validated as a whole, and applied
 * only if every edit of the resource is valid. Duplicate keys or unknown operations are
 * INVALID_REQUEST. BROKER resources edit the dynamic broker configs and BROKER_LOGGER the log
 * levels (./alter-configs.ts).
 *
 * Version notes: v1 is v0 in the flexible encoding.
 */
import { incrementalEdit } from '../log/describe.js';
import { alterConfigResources, BROKER_LOGGER } from './alter-configs.js';
import { ErrorCode, KafkaError } from '../errors.js';
import { ResourceType } from '../log/describe.js';
import { defineApi } from './api.js';

export const incrementalAlterConfigs = defineApi({
  key: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  async handle(req, ctx) {
    const responses = await alterConfigResources(ctx.broker, req.resources, req.validateOnly, true, (r, current) => {
      if (r.resourceType === BROKER_LOGGER) {
        const op = r.configs.find((c) => c.configOperation === 2 || c.configOperation === 3);
        if (op) throw new KafkaError(ErrorCode.INVALID_REQUEST, `${op.configOperation === 2 ? 'APPEND' : 'SUBTRACT'} operation is not allowed for the BROKER_LOGGER resource`);
      }
      return incrementalEdit(current, r.configs, r.resourceType !== ResourceType.TOPIC);
    });
    return { throttleTimeMs: 0, responses };
  },
});
