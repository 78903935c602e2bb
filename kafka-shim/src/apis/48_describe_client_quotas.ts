/**
 * DescribeClientQuotas: v0-1 (flexible from v1).
 *
 * Behaviour: the stored quotas (../quotas) of every entity matching the filter: each component
 * matches its entity type exactly (EXACT), its default (DEFAULT, name null) or any name (ANY);
 * strict also requires the entity to have no other types. An invalid filter is answered with a
 * top-level error and null entries, as Kafka does (an unknown entity type: UNSUPPORTED_VERSION).
 */
import { catchKafkaError } from '../errors.js';
import { defineApi } from './api.js';

export const describeClientQuotas = defineApi({
  key: 48,
  name: 'DescribeClientQuotas',
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    return catchKafkaError(
      () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: '', entries: ctx.broker.quotas.describe(req.components, req.strict) }),
      (err) => ({ throttleTimeMs: 0, errorCode: err.code, errorMessage: err.message, entries: null }),
    );
  },
});
