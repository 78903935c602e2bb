/**
 * Process settings: embedded defaults, overridden by environment variables, overridden by flags.
 * Every flag `--foo-bar` has the variable `TANDEM_FOO_BAR`.
 */
import type { Level } from './logger.js';

export interface Config {
  sqsPort: number;
  kafkaPort: number;
  dataDir: string;
  host: string;
  /** Pin the scheme://host:port of queue URLs; by default they are built from each request's Host header. */
  sqsBaseUrl: string | undefined;
  /** Host and port Kafka clients are told to connect to (Metadata); default: --host and --kafka-port. */
  kafkaAdvertisedHost: string | undefined;
  kafkaAdvertisedPort: number | undefined;
  /** Optional second Kafka listener (e.g. for other containers), advertising its own host. */
  kafkaInternalPort: number | undefined;
  kafkaInternalAdvertisedHost: string | undefined;
  /** Partitions of auto-created Kafka topics. */
  defaultPartitions: number;
  /** Turn off the AWS-parity cooldowns (PurgeQueueInProgress, QueueDeletedRecently). */
  relaxedTimers: boolean;
  region: string;
  accountId: string;
  logLevel: Level;
  /** fsync every LevelDB batch. */
  fsync: boolean;
  /** Test mode: time stands still unless moved with POST /_tandem/clock. */
  manualClock: boolean;
  /** Test mode: where the manual clock starts (epoch ms); default: the wall clock at startup. */
  manualClockStart: number | undefined;
}

interface Spec {
  flag: string;
  kind: 'int' | 'string' | 'bool';
  describe: string;
}

const SPECS: Record<keyof Config, Spec> = {
  sqsPort: { flag: 'sqs-port', kind: 'int', describe: 'SQS (and admin/health) HTTP port' },
  kafkaPort: { flag: 'kafka-port', kind: 'int', describe: 'Kafka wire-protocol port' },
  dataDir: { flag: 'data-dir', kind: 'string', describe: 'LevelDB data directory' },
  host: { flag: 'host', kind: 'string', describe: 'address to bind' },
  sqsBaseUrl: { flag: 'sqs-base-url', kind: 'string', describe: 'pin queue URLs to this scheme://host:port (default: from the request Host header)' },
  kafkaAdvertisedHost: { flag: 'kafka-advertised-host', kind: 'string', describe: 'host Kafka clients are told to connect to' },
  kafkaAdvertisedPort: { flag: 'kafka-advertised-port', kind: 'int', describe: 'port Kafka clients are told to connect to' },
  kafkaInternalPort: { flag: 'kafka-internal-port', kind: 'int', describe: 'optional second Kafka port, e.g. for clients in other containers' },
  kafkaInternalAdvertisedHost: { flag: 'kafka-internal-advertised-host', kind: 'string', describe: 'host clients of the internal Kafka port are told to connect to' },
  defaultPartitions: { flag: 'default-partitions', kind: 'int', describe: 'partitions of auto-created topics' },
  relaxedTimers: { flag: 'relaxed-timers', kind: 'bool', describe: 'turn off the 60 s PurgeQueue and recreate-after-delete cooldowns' },
  region: { flag: 'region', kind: 'string', describe: 'default AWS region' },
  accountId: { flag: 'account-id', kind: 'string', describe: 'default AWS account id' },
  logLevel: { flag: 'log-level', kind: 'string', describe: 'debug | info | warn | error | silent' },
  fsync: { flag: 'fsync', kind: 'bool', describe: 'fsync every write batch (survive power loss, not only kill -9)' },
  manualClock: { flag: 'manual-clock', kind: 'bool', describe: 'tests only: time moves only via POST /_tandem/clock' },
  manualClockStart: { flag: 'manual-clock-start', kind: 'int', describe: 'tests only: epoch ms the manual clock starts at (default: now)' },
};

export const DEFAULTS: Config = {
  sqsPort: 9324,
  kafkaPort: 9092,
  dataDir: './data',
  host: '127.0.0.1',
  sqsBaseUrl: undefined,
  kafkaAdvertisedHost: undefined,
  kafkaAdvertisedPort: undefined,
  kafkaInternalPort: undefined,
  kafkaInternalAdvertisedHost: undefined,
  defaultPartitions: 1,
  relaxedTimers: false,
  region: 'us-east-1',
  accountId: '000000000000',
  logLevel: 'warn',
  fsync: false,
  manualClock: false,
  manualClockStart: undefined,
};

export class ConfigError extends Error {}

function envName(flag: string): string {
  return 'TANDEM_' + flag.toUpperCase().replace(/-/g, '_');
}

function coerce(spec: Spec, raw: string): unknown {
  switch (spec.kind) {
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--${spec.flag} must be a non-negative integer, got "${raw}"`);
      return n;
    }
    case 'bool':
      if (/^(1|true|yes|on)?$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(`--${spec.flag} must be true or false, got "${raw}"`);
    default:
      return raw;
  }
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config {
  const config: Record<string, unknown> = { ...DEFAULTS };
  const byFlag = new Map(Object.entries(SPECS).map(([k, s]) => [s.flag, [k, s] as const]));
  for (const [k, s] of Object.entries(SPECS)) {
    const v = env[envName(s.flag)];
    if (v !== undefined && v !== '') config[k] = coerce(s, v);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') throw new ConfigError(usage());
    const m = /^--(no-)?([a-z-]+)(?:=(.*))?$/.exec(arg);
    const entry = m && byFlag.get(m[2]);
    if (!m || !entry) throw new ConfigError(`unknown argument "${arg}"\n\n${usage()}`);
    const [k, s] = entry;
    if (s.kind === 'bool') {
      config[k] = m[1] ? false : m[3] === undefined ? true : coerce(s, m[3]);
      continue;
    }
    const raw = m[3] ?? argv[++i];
    if (raw === undefined) throw new ConfigError(`--${s.flag} needs a value`);
    config[k] = coerce(s, raw);
  }
  const c = config as unknown as Config;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(c.logLevel)) throw new ConfigError(`--log-level: unknown level "${c.logLevel}"`);
  return c;
}

export function usage(): string {
  const lines = Object.entries(SPECS).map(([k, s]) => {
    const def = DEFAULTS[k as keyof Config];
    return `  --${s.flag.padEnd(24)} ${s.describe}${def !== undefined && def !== false ? ` (default ${def})` : ''}\n  ${''.padEnd(26)} env ${envName(s.flag)}`;
  });
  return `usage: npm start -- [options]\n\n${lines.join('\n')}`;
}
