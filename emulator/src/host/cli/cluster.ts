/**
 * The `tandem brokers` and `tandem partitions` subcommands: a Kafka cluster's brokers and partition
 * leaders, through the cluster admin routes (kafka-shim/src/cluster/routes.ts). Kept apart from
 * the other command groups; cli.ts spreads them into its table.
 */
import { http, table, UsageError, type Command } from './common.js';

interface BrokerRow {
  nodeId: number;
  host: string;
  port: number;
  live: boolean;
  leaders: number;
}

interface PartitionRow {
  partition: number;
  leader: number;
  epoch: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

const list = (ids: number[]) => ids.join(',');

function clusterCommands(): Record<string, Command> {
  const nodeId = (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new UsageError(`node id must be an integer, got "${raw}"`);
    return n;
  };
  return {
    'brokers ls': {
      usage: 'brokers ls',
      describe: 'the Kafka brokers: address, live or down, partitions led',
      args: [],
      run: (c) => http(c, 'GET', '/_tandem/brokers'),
      show: (r: { controller: number; brokers: BrokerRow[] }) =>
        table(['NODE', 'HOST', 'PORT', 'STATE', 'LEADERS'], r.brokers.map((b) => [b.nodeId === r.controller ? `${b.nodeId}*` : b.nodeId, b.host, b.port, b.live ? 'up' : 'down', b.leaders])),
    },
    'brokers down': {
      usage: 'brokers down NODE',
      describe: "take a broker down: its port refuses connections, its partitions' leadership moves",
      args: ['NODE'],
      run: (c, [id]) => http(c, 'POST', '/_tandem/brokers/down', { nodeId: nodeId(id) }),
      show: (r: { nodeId: number; moved: number }) => `broker ${r.nodeId} down, ${r.moved} partition leader(s) moved`,
    },
    'brokers up': {
      usage: 'brokers up NODE',
      describe: 'bring a broker back (leaders stay; partitions elect-preferred moves them back)',
      args: ['NODE'],
      run: (c, [id]) => http(c, 'POST', '/_tandem/brokers/up', { nodeId: nodeId(id) }),
      show: (r: { nodeId: number }) => `broker ${r.nodeId} up`,
    },
    'partitions ls': {
      usage: 'partitions ls TOPIC',
      describe: "a topic's partitions: leader, leader epoch, replicas, ISR",
      args: ['TOPIC'],
      run: (c, [topic]) => http(c, 'GET', `/_tandem/partitions?topic=${encodeURIComponent(topic)}`),
      show: (r: { partitions: PartitionRow[] }) =>
        table(['PARTITION', 'LEADER', 'EPOCH', 'REPLICAS', 'ISR', 'OFFLINE'], r.partitions.map((p) => [p.partition, p.leader, p.epoch, list(p.replicas), list(p.isr), list(p.offline)])),
    },
    'partitions move-leader': {
      usage: 'partitions move-leader TOPIC PARTITION [--to NODE]',
      describe: "move a partition's leadership (default: to its next live replica); its epoch goes up",
      options: { to: { type: 'string' } },
      args: ['TOPIC', 'PARTITION'],
      run: (c, [topic, partition], o) => http(c, 'POST', '/_tandem/partitions/leader', { topic, partition: nodeId(partition), ...(o.to === undefined ? {} : { leader: nodeId(String(o.to)) }) }),
      show: (r: PartitionRow & { topic: string }) => `${r.topic}-${r.partition}: leader ${r.leader}, epoch ${r.epoch}`,
    },
  };
}

export const CLUSTER_COMMANDS = clusterCommands();
