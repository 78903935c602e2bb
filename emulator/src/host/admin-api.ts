/**
 * Admin routes for the CLI's Kafka commands (topics and groups), which have no HTTP protocol of
 * their own: JSON over the SQS port under /_tandem/, each a call of the Kafka engine's admin API.
 * (SQS commands of the CLI use SQS's own JSON protocol instead.)
 *   GET    /_tandem/topics                 -> { topics: TopicInfo[] }
 *   GET    /_tandem/topics?topic=NAME      -> TopicInfo (404 if unknown)
 *   POST   /_tandem/topics {name, partitions?, configs?}
 *   DELETE /_tandem/topics?topic=NAME
 *   GET    /_tandem/groups                 -> { groups: [{ groupId, state }] }
 */
import { AdminError, type AdminRoutes } from '../core/routes.js';
import type { KafkaAdmin } from '../../../kafka-shim/src/index.js';

/** Kafka's refusals (KafkaError) become 400 with Kafka's message; anything else stays a 500. */
async function kafkaCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof Error && typeof (e as { code?: unknown }).code === 'number') throw new AdminError(400, e.message);
    throw e;
  }
}

export function registerAdminApi(admin: AdminRoutes, kafka: KafkaAdmin, defaultPartitions: number): void {
  admin.add('GET', '/_tandem/topics', (_req, _body, url) => {
    const name = url.searchParams.get('topic');
    if (name === null) return { topics: kafka.topics() };
    const t = kafka.topic(name);
    if (!t) throw new AdminError(404, `no topic "${name}"`);
    return t;
  });
  admin.add('POST', '/_tandem/topics', async (_req, body) => {
    let spec: { name?: unknown; partitions?: unknown; configs?: unknown };
    try {
      spec = JSON.parse(body.toString() || '{}') as typeof spec;
    } catch {
      throw new AdminError(400, 'body must be JSON');
    }
    if (typeof spec.name !== 'string') throw new AdminError(400, 'name is required');
    const partitions = spec.partitions === undefined ? defaultPartitions : Number(spec.partitions);
    const configs = (spec.configs ?? {}) as Record<string, string>;
    await kafkaCall(() => kafka.createTopic(spec.name as string, partitions, Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, String(v)])), false));
    return kafka.topic(spec.name);
  });
  admin.add('DELETE', '/_tandem/topics', async (_req, _body, url) => {
    const name = url.searchParams.get('topic');
    if (name === null) throw new AdminError(400, 'topic is required');
    await kafkaCall(() => kafka.deleteTopic(name));
    return { deleted: name };
  });
  admin.add('GET', '/_tandem/groups', () => ({ groups: kafka.groups() }));
}
