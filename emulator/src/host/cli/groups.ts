/** `tandem groups ...`: consumer groups and the lag table, as kafka-consumer-groups prints it. */
import { http, table, type Command } from './common.js';

export const GROUP_COMMANDS: Record<string, Command> = {
  'groups ls': {
    usage: 'groups ls',
    describe: 'list consumer groups and their state',
    args: [],
    run: async (c) => ((await http(c, 'GET', '/_tandem/groups')) as { groups: unknown[] }).groups,
    show: (r: { groupId: string; state: string }[]) => table(['GROUP', 'STATE'], r.map((g) => [g.groupId, g.state])),
  },
  'groups describe': {
    usage: 'groups describe [GROUP]',
    describe: 'lag per partition, as kafka-consumer-groups --describe prints it (every group without GROUP)',
    // --group and --url: the flags of the `npm run lag` script this command replaces (still an alias).
    options: { group: { type: 'string' }, url: { type: 'string' } },
    args: [],
    optional: ['GROUP'],
    async run(c, [positional], o) {
      const group = positional ?? (o.group as string | undefined);
      if (group !== undefined) return ((await http(c, 'GET', `/_tandem/kafka/lag?group=${encodeURIComponent(group)}`)) as { partitions: unknown[] }).partitions;
      return ((await http(c, 'GET', '/_tandem/kafka/lag')) as { groups: { partitions: unknown[] }[] }).groups.flatMap((g) => g.partitions);
    },
    show: (rows: { group: string; topic: string; partition: number; currentOffset: number | null; logEndOffset: number | null; lag: number | null; consumerId: string | null; host: string | null; clientId: string | null }[]) =>
      table(
        ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
        rows.map((r) => [r.group, r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId]),
      ),
  },
};
