/**
 * AlterClientQuotas: v0-1 (flexible from v1).
 *
 * Behaviour: each entry sets or removes quota values of one entity (../quotas), after Kafka's
 * checks (entity types user/client-id/ip, ip alone, the keys each may carry, whole numbers for
 * byte and connection rates, values above 0), each failing entry with INVALID_REQUEST and Kafka's
 * message while the others apply. validateOnly stores nothing. Quotas are not enforced.
 */
import { catchKafkaError } from '../errors.js';
import { defineApi } from './api.js';

export const alterClientQuotas = defineApi({
  key: 49,
  name: 'AlterClientQuotas',
  minVersion: 0,
  maxVersion: 1,
  async handle(req, ctx) {
    const quotas = ctx.broker.quotas;
    const entries = await Promise.all(
      req.entries.map((e) => {
        let entity = e.entity;
        return catchKafkaError(
          async () => {
            entity = quotas.normalize(e.entity);
            await quotas.alter(entity, e.ops, req.validateOnly);
            return { errorCode: 0, errorMessage: null, entity };
          },
          (err) => ({ errorCode: err.code, errorMessage: err.message, entity }),
        );
      }),
    );
    return { throttleTimeMs: 0, entries };
  },
});
