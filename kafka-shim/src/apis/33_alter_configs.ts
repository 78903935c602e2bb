/**
 * AlterConfigs: v0-2 (flexible from v2).
 *
 * Behaviour: replaces a topic's whole set of overrides (configs left out return to their
 * defaults), after validating every name and value (INVALID_CONFIG). Retention changes apply at
 * once. validateOnly changes nothing. A BROKER resource ("" or our id) replaces its dynamic broker
 * configs (./alter-configs.ts); unknown topics are UNKNOWN_TOPIC_OR_PARTITION.
 *
 * Version notes: v1 is v0 (it only changed the throttling behaviour); v2 is flexible.
 */
import { validateConfigs } from '../log/configs.js';
import { ErrorCode, KafkaError } from '../errors.js';
import { alterConfigResources } from './alter-configs.js';
import { ResourceType } from '../log/describe.js';
import { defineApi } from './api.js';

export const alterConfigs = defineApi({
  key: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const responses = await alterConfigResources(ctx.broker, req.resources, req.validateOnly, false, (r) => {
      const names = r.configs.map((c) => c.name);
      if (new Set(names).size !== names.length) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
      const given = r.configs.map((c) => [c.name, c.value] as [string, string | null]);
      if (r.resourceType === ResourceType.TOPIC) return validateConfigs(given);
      // A broker resource's whole dynamic set is replaced; a null value means unset.
      return new Map(given.filter((g): g is [string, string] => g[1] !== null));
    });
    return { throttleTimeMs: 0, responses };
  },
});
