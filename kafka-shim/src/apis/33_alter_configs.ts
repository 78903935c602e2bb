/**
 * AlterConfigs: v0-2 (flexible from v2).
 *
 * Behaviour: replaces a topic's whole set of overrides (configs left out return to their
 * defaults), after validating every name and value (INVALID_CONFIG). Retention changes apply at
 * once. validateOnly changes nothing. Broker configs are read-only here (INVALID_REQUEST), as are
 * other resource types; unknown topics are UNKNOWN_TOPIC_OR_PARTITION.
 *
 * Version notes: v1 is v0 (it only changed the throttling behaviour); v2 is flexible.
 */
import { validateConfigs } from '../log/configs.js';
import { ErrorCode, KafkaError } from '../errors.js';
import { alterTopicConfigs } from './alter-topic-configs.js';
import { defineApi } from './api.js';

export const alterConfigs = defineApi({
  key: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const responses = await alterTopicConfigs(ctx.broker.log, req.resources, req.validateOnly, (r) => {
      const names = r.configs.map((c) => c.name);
      if (new Set(names).size !== names.length) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
      return validateConfigs(r.configs.map((c) => [c.name, c.value] as [string, string | null]));
    });
    return { throttleTimeMs: 0, responses };
  },
});
