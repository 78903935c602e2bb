/**
 * Admin routes for the cluster (on the SQS port, used by `tandem brokers` / `tandem partitions`
 * and by tests): list brokers, take one down or up, list and move partition leaders. A test
 * shows a client following a leadership change through these, as an operator's
 * kafka-leader-election or a broker crash would cause it on a real cluster.
 *   GET  /_tandem/brokers                          -> { controller, brokers: [{ nodeId, host, port, live, leaders }] }
 *   POST /_tandem/brokers/down {nodeId}            -> { nodeId, live: false, moved }
 *   POST /_tandem/brokers/up {nodeId}              -> { nodeId, live: true }
 *   GET  /_tandem/partitions?topic=T               -> { topic, partitions: [{ partition, leader, epoch, replicas, isr, offline }] }
 *   POST /_tandem/partitions/leader {topic, partition, leader?}  -> the partition after the move
 *        (without `leader`: the next live replica after the current leader)
 */
import { AdminError, type AdminRoutes } from '../../../emulator/src/core/routes.js';
import type { Broker } from '../broker.js';
import { KafkaError } from '../errors.js';

function json(body: Buffer): Record<string, unknown> {
  try {
    const v = JSON.parse(body.toString() || '{}') as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AdminError(400, 'body must be a JSON object');
}

function intField(o: Record<string, unknown>, name: string): number {
  const n = Number(o[name]);
  if (o[name] === undefined || o[name] === null || !Number.isInteger(n)) throw new AdminError(400, `${name} (an integer) is required`);
  return n;
}

/** Kafka's refusals (KafkaError) become 400 with their message. */
async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof KafkaError) throw new AdminError(400, e.message);
    throw e;
  }
}

export function registerClusterRoutes(admin: AdminRoutes, broker: Broker): void {
  const { cluster, log } = broker;
  const topicOf = (name: unknown) => {
    const t = typeof name === 'string' ? log.topic(name) : undefined;
    if (!t) throw new AdminError(404, `no topic "${String(name)}"`);
    return t;
  };
  admin.add('GET', '/_tandem/brokers', () => {
    const leaders = new Map<number, number>();
    for (const t of log.topics()) {
      for (let i = 0; i < t.partitions.length; i++) {
        const l = cluster.partition(t, i).leader;
        leaders.set(l, (leaders.get(l) ?? 0) + 1);
      }
    }
    return {
      controller: cluster.controller,
      brokers: cluster.nodes.map((nodeId) => ({ nodeId, ...cluster.endpoint('external', nodeId), live: cluster.isLive(nodeId), leaders: leaders.get(nodeId) ?? 0 })),
    };
  });
  admin.add('POST', '/_tandem/brokers/down', async (_req, body) => {
    const nodeId = intField(json(body), 'nodeId');
    const { moved } = await call(() => cluster.down(nodeId));
    return { nodeId, live: false, moved };
  });
  admin.add('POST', '/_tandem/brokers/up', async (_req, body) => {
    const nodeId = intField(json(body), 'nodeId');
    await call(() => cluster.up(nodeId));
    return { nodeId, live: true };
  });
  admin.add('GET', '/_tandem/partitions', (_req, _body, url) => {
    const t = topicOf(url.searchParams.get('topic'));
    return { topic: t.name, partitions: t.partitions.map((_, i) => ({ partition: i, ...cluster.partition(t, i) })) };
  });
  admin.add('POST', '/_tandem/partitions/leader', async (_req, body) => {
    const o = json(body);
    const t = topicOf(o.topic);
    const partition = intField(o, 'partition');
    if (!t.partitions[partition]) throw new AdminError(404, `no partition ${partition} of "${t.name}"`);
    const now = cluster.partition(t, partition);
    let to: number;
    if (o.leader !== undefined) {
      to = intField(o, 'leader');
    } else {
      const live = now.replicas.filter((r) => cluster.isLive(r));
      if (live.length < 2) throw new AdminError(400, `no other live replica of ${t.name}-${partition}`);
      to = live[(live.indexOf(now.leader) + 1) % live.length];
    }
    const v = await call(() => cluster.setLeader(t, partition, to));
    return { topic: t.name, partition, ...v };
  });
}
