/**
 * The `tandem` command's subcommands, which talk to a running Tandem (`--endpoint`, default
 * http://127.0.0.1:9324, env TANDEM_ENDPOINT). This file is the runner (argument parsing, help,
 * output, exit codes); the commands live one group per file under cli/ (queues, topics, groups,
 * control), so a new group is a new file and one line below.
 * Human tables by default, `--json` for scripts. Exit codes: 0 done, 1 refused by Tandem (the
 * error is printed), 2 bad usage, 3 Tandem not reachable.
 */
import { parseArgs } from 'node:util';
import { EXIT, Unreachable, UsageError, type Command } from './cli/common.js';
import { CONTROL_COMMANDS } from './cli/control.js';
import { GROUP_COMMANDS } from './cli/groups.js';
import { QUEUE_COMMANDS } from './cli/queues.js';
import { TOPIC_COMMANDS } from './cli/topics.js';
import { CLUSTER_COMMANDS } from './cli/cluster.js';

export { EXIT, table } from './cli/common.js';

const COMMANDS: Record<string, Command> = { ...QUEUE_COMMANDS, ...TOPIC_COMMANDS, ...GROUP_COMMANDS, ...CONTROL_COMMANDS, ...CLUSTER_COMMANDS };

/** First words that make the argument list a CLI command rather than server flags. */
export const SUBCOMMANDS = new Set(Object.keys(COMMANDS).map((k) => k.split(' ')[0]));

const COMMON = "  --endpoint URL   Tandem's SQS/admin port (default http://127.0.0.1:9324, env TANDEM_ENDPOINT)\n  --json           print JSON instead of a table\n  --help           print this";

export function cliUsage(): string {
  return [
    'usage: tandem [serve] [server flags]     run Tandem (tandem serve --help lists the flags)',
    '       tandem COMMAND [options]           talk to a running Tandem (tandem COMMAND --help for details)',
    '',
    'commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(72)} ${c.describe}`),
    '',
    'options of every command:',
    COMMON,
    '',
    'exit codes: 0 done, 1 refused by Tandem, 2 bad usage, 3 Tandem not reachable',
  ].join('\n');
}

/** Run one command; answers the exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  const name = COMMANDS[two] ? two : COMMANDS[argv[0]] ? argv[0] : undefined;
  if (!name) {
    // A group word alone (`tandem faults`) or with --help: the list of commands.
    if (argv[1] === undefined || argv[1] === '--help') {
      out(cliUsage());
      return argv[1] === '--help' ? EXIT.OK : EXIT.USAGE;
    }
    err(`tandem: unknown command "${two.trim()}"\n\n${cliUsage()}`);
    return EXIT.USAGE;
  }
  const cmd = COMMANDS[name];
  const rest = argv.slice(name.split(' ').length);
  const help = `usage: tandem ${cmd.usage}\n\n${cmd.describe}\n${cmd.details ? `\n${cmd.details}\n` : ''}\n${COMMON}`;
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { ...cmd.options, endpoint: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    err(`tandem ${name}: ${(e as Error).message}\n\n${help}`);
    return EXIT.USAGE;
  }
  if (values.help) {
    out(help);
    return EXIT.OK;
  }
  const maxArgs = cmd.args.length + (cmd.optional?.length ?? 0);
  if (positionals.length < cmd.args.length || positionals.length > maxArgs) {
    err(`tandem ${name}: expected ${[...cmd.args, ...(cmd.optional ?? []).map((a) => `[${a}]`)].join(' ') || 'no arguments'}\n\n${help}`);
    return EXIT.USAGE;
  }
  const endpoint = String(values.endpoint ?? values.url ?? env.TANDEM_ENDPOINT ?? 'http://127.0.0.1:9324').replace(/\/+$/, '');
  try {
    const result = await cmd.run({ endpoint }, positionals, values);
    out(values.json || !cmd.show ? JSON.stringify(result, null, 2) : cmd.show(result));
    return EXIT.OK;
  } catch (e) {
    err(`tandem ${name}: ${(e as Error).message}`);
    return e instanceof UsageError ? EXIT.USAGE : e instanceof Unreachable ? EXIT.UNREACHABLE : EXIT.REFUSED;
  }
}
