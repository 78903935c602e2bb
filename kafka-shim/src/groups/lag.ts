/**
 * Consumer lag over HTTP on the admin listener (SQS port):
 *   GET /_tandem/kafka/lag?group=g   -> { group, partitions: LagRow[] }
 *   GET /_tandem/kafka/lag           -> { groups: [{ group, partitions }] } for every group
 */
import { AdminError, type AdminRoutes } from '../../../emulator/src/core/routes.js';
import type { Broker } from '../broker.js';

export function registerLagRoutes(admin: AdminRoutes, broker: Broker): void {
  admin.add('GET', '/_tandem/kafka/lag', (_req, _body, url) => {
    const groups = broker.groups;
    const id = url.searchParams.get('group');
    if (id !== null) {
      const partitions = groups.lag(id);
      if (!partitions) throw new AdminError(404, `no consumer group "${id}"`);
      return { group: id, partitions };
    }
    return { groups: groups.groupIds().map((group) => ({ group, partitions: groups.lag(group) ?? [] })) };
  });
}
