/**
 * IncrementalAlterConfigs: v0-1 (flexible from v1).
 *
 * Behaviour: SET/DELETE any supported topic config, APPEND/SUBTRACT list configs
 * (cleanup.policy; INVALID_CONFIG for others); the result is validated as a whole, and applied
 * only if every edit of the resource is valid. Duplicate keys or unknown operations are
 * INVALID_REQUEST; broker configs are read-only here.
 *
 * Version notes: v1 is v0 in the flexible encoding.
 */
import { incrementalEdit } from '../log/describe.js';
import { alterTopicConfigs } from './alter-topic-configs.js';
import { defineApi } from './api.js';

export const incrementalAlterConfigs = defineApi({
  key: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  async handle(req, ctx) {
    const responses = await alterTopicConfigs(ctx.broker.log, req.resources, req.validateOnly, (r, topic) => incrementalEdit(topic.overrides, r.configs));
    return { throttleTimeMs: 0, responses };
  },
});
