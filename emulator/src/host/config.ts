/**
 * Process settings, in four sections (host, sqs, kafka, storage), each handed only to the layer
 * that owns it. One table (SETTINGS) names every setting once; from it come the flags (parsed
 * with node:util.parseArgs), the `TANDEM_*` environment variables, the config-file keys
 * (`section.key`), `--help` and the README's flag table.
 *
 * Precedence: flag > environment > config file > embedded default.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { DeclarationError, readQueues, readTopics, type Declarations, type Locate } from './declarations.js';
import type { Level } from '../core/logger.js';
import type { SqsConfig } from '../sqs/config.js';
import type { KafkaConfig } from '../../../kafka-shim/src/config.js';

export type { KafkaConfig, SqsConfig };

export interface HostConfig {
  /** Address every listener binds. */
  bind: string;
  logLevel: Level;
  /** Tests: time stands still unless moved with POST /_tandem/clock. */
  manualClock: boolean;
  /** Tests: epoch ms the manual clock starts at; default the wall clock at startup. */
  manualClockStart: number | undefined;
  /** Extra Host names the HTTP listener accepts (comma-separated; `*`: any). */
  allowedHosts: string | undefined;
  /** Extra browser origins allowed to call the HTTP listener, with CORS (comma-separated; `*`: any). */
  allowedOrigins: string | undefined;
  /** Connections per listener (HTTP, each Kafka listener); 0: no limit. */
  maxConnections: number;
  /** Close connections idle this long (ms; Kafka's connections.max.idle.ms); 0: never. */
  idleTimeoutMs: number;
  /** Close a connection whose request has been arriving this long without completing (ms); 0: never. */
  requestTimeoutMs: number;
}

export interface StorageConfig {
  dataDir: string;
  /** fsync every write batch. */
  fsync: boolean;
  /** Keep everything in memory (memory-level): nothing on disk, nothing survives a restart. */
  inMemory: boolean;
}

export interface Config {
  host: HostConfig;
  sqs: SqsConfig;
  kafka: KafkaConfig;
  storage: StorageConfig;
  /** The config file read, if any (for error messages and the ready line). */
  file: string | undefined;
  /** Queues and topics the config file declares (sqs.queues, kafka.topics), applied at startup. */
  declarations: Declarations;
}

type Section = 'host' | 'sqs' | 'kafka' | 'storage';
/** `list`: a YAML/JSON list of strings in the file, comma-separated in a flag or variable. */
type Kind = 'int' | 'string' | 'bool' | 'level' | 'list';

interface Setting {
  section: Section;
  key: string;
  flag: string;
  kind: Kind;
  default: unknown;
  describe: string;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];

const s = (section: Section, key: string, flag: string, kind: Kind, def: unknown, describe: string): Setting => ({
  section,
  key,
  flag,
  kind,
  default: def,
  describe,
});

/** Every setting, once. Flags keep the names of the first release. */
export const SETTINGS: readonly Setting[] = [
  s('host', 'bind', 'host', 'string', '127.0.0.1', 'address to bind (0.0.0.0 in containers)'),
  s('host', 'logLevel', 'log-level', 'level', 'warn', 'debug, info, warn, error or silent; one JSON line per event on stderr'),
  s('host', 'manualClock', 'manual-clock', 'bool', false, 'tests only: time moves only via POST /_tandem/clock'),
  s('host', 'manualClockStart', 'manual-clock-start', 'int', undefined, 'tests only: epoch ms the manual clock starts at (default: now)'),
  s('host', 'allowedHosts', 'allowed-hosts', 'string', undefined, 'extra Host names the HTTP port accepts, comma-separated (loopback names, IP addresses and the bind address always); * for any'),
  s('host', 'allowedOrigins', 'allowed-origins', 'string', undefined, 'browser origins allowed to call the HTTP port (answered with CORS), comma-separated; * for any'),
  s('host', 'maxConnections', 'max-connections', 'int', 400, 'connections per listener (HTTP, each Kafka port); beyond it new ones are refused (HTTP keeps a few for /health); 0: no limit'),
  s('host', 'idleTimeoutMs', 'idle-timeout-ms', 'int', 600000, "close a connection idle this long (Kafka's connections.max.idle.ms); 0: never"),
  s('host', 'requestTimeoutMs', 'request-timeout-ms', 'int', 30000, 'close a connection whose request has not fully arrived after this long; 0: never'),
  s('sqs', 'port', 'sqs-port', 'int', 9324, 'SQS HTTP port (also /health and the admin routes)'),
  s('sqs', 'baseUrl', 'sqs-base-url', 'string', undefined, 'pin queue URLs to scheme://host:port (default: from the request Host header)'),
  s('sqs', 'region', 'region', 'string', 'us-east-1', 'region when a request names none'),
  s('sqs', 'accountId', 'account-id', 'string', '000000000000', 'account in queue URLs and ARNs'),
  s('sqs', 'relaxedTimers', 'relaxed-timers', 'bool', false, 'turn off the 60 s PurgeQueue and recreate-after-delete cooldowns'),
  s('sqs', 'maxInflight', 'sqs-max-inflight', 'int', 120000, 'in-flight messages per standard queue before ReceiveMessage answers OverLimit, as AWS; 0: no cap'),
  s('sqs', 'maxInflightFifo', 'sqs-max-inflight-fifo', 'int', 120000, 'in-flight messages per FIFO queue before ReceiveMessage returns nothing, as AWS; 0: no cap'),
  s('sqs', 'auth', 'sqs-auth', 'list', undefined, 'ACCESS_KEY_ID:SECRET pairs, comma-separated: requests must be SigV4-signed by one of them (off by default)'),
  s('sqs', 'queueUrlStyle', 'sqs-queue-url-style', 'string', 'auto', 'auto, path, host or plain: how queue URLs name their region (see Queue URLs and regions)'),
  s('kafka', 'port', 'kafka-port', 'int', 9092, 'Kafka wire-protocol port'),
  s('kafka', 'advertisedHost', 'kafka-advertised-host', 'string', undefined, 'host Kafka clients are told to connect to (default: --host)'),
  s('kafka', 'advertisedPort', 'kafka-advertised-port', 'int', undefined, 'port Kafka clients are told to connect to (default: --kafka-port)'),
  s('kafka', 'internalPort', 'kafka-internal-port', 'int', undefined, 'a second Kafka listener, e.g. for clients in other containers'),
  s('kafka', 'internalAdvertisedHost', 'kafka-internal-advertised-host', 'string', undefined, 'host clients of the internal listener are told to connect to (in Compose: the service name)'),
  s('kafka', 'brokers', 'kafka-brokers', 'int', 1, 'brokers this process presents, each with its own port, all over one store (see A cluster of N brokers)'),
  s('kafka', 'brokerIds', 'kafka-broker-ids', 'string', undefined, 'their node ids, comma-separated (default 0..N-1; a single broker is 1)'),
  s('kafka', 'brokerPorts', 'kafka-broker-ports', 'string', undefined, 'their ports, comma-separated (default consecutive from --kafka-port)'),
  s('kafka', 'brokerAdvertised', 'kafka-broker-advertised', 'string', undefined, 'their advertised host[:port]s, comma-separated (default the advertised host and each port)'),
  s('kafka', 'maxFrameBytes', 'kafka-max-frame-bytes', 'int', 104857600, "largest request frame; a larger one closes the connection (Kafka's socket.request.max.bytes)"),
  s('kafka', 'maxQueuedRequests', 'kafka-max-queued-requests', 'int', 100, 'requests of one connection read but not yet answered before reading pauses (backpressure)'),
  s('kafka', 'maxUnsentBytes', 'kafka-max-unsent-bytes', 'int', 16777216, 'response bytes of one connection waiting to be sent before reading pauses (backpressure)'),
  s('kafka', 'saslUsers', 'kafka-sasl-users', 'list', undefined, 'USER:PASSWORD pairs, comma-separated: Kafka listeners require SASL (PLAIN, SCRAM-SHA-256/512) as one of them (off by default)'),
  s('kafka', 'saslMechanisms', 'kafka-sasl-mechanisms', 'string', 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512', "SASL mechanisms offered when --kafka-sasl-users is set (Kafka's sasl.enabled.mechanisms)"),
  s('kafka', 'saslSessionLifetimeMs', 'kafka-sasl-session-lifetime-ms', 'int', 0, "Kafka's connections.max.reauth.ms: an authenticated session ends after this long unless the client re-authenticates; 0: never"),
  s('kafka', 'tlsCert', 'kafka-tls-cert', 'string', undefined, 'PEM certificate file: Kafka listeners speak TLS (SSL, or SASL_SSL with --kafka-sasl-users); needs --kafka-tls-key'),
  s('kafka', 'tlsKey', 'kafka-tls-key', 'string', undefined, 'PEM private key file of --kafka-tls-cert'),
  s('kafka', 'authorizer', 'kafka-authorizer', 'bool', false, "store, serve and enforce ACLs (CreateAcls, DescribeAcls, DeleteAcls; every request authorized as StandardAuthorizer does), as Kafka with authorizer.class.name set; off: SECURITY_DISABLED, as Kafka without one"),
  s('kafka', 'superUsers', 'kafka-super-users', 'list', undefined, "principals (User:name), comma-separated, allowed everything when --kafka-authorizer enforces ACLs (Kafka's super.users)"),
  s('kafka', 'allowEveryoneIfNoAclFound', 'kafka-allow-everyone-if-no-acl-found', 'bool', false, "with --kafka-authorizer: a resource no ACL covers is open to everyone (Kafka's allow.everyone.if.no.acl.found)"),
  s('kafka', 'maxBufferedRequestBytes', 'kafka-max-buffered-request-bytes', 'int', 268435456, "half-received request bytes of all connections together; beyond it connections starting a frame wait (Kafka's queued.max.request.bytes); 0: no limit"),
  s('kafka', 'defaultPartitions', 'default-partitions', 'int', 1, 'partitions of auto-created topics'),
  s('kafka', 'groupInitialRebalanceDelayMs', 'kafka-group-initial-rebalance-delay-ms', 'int', 100, "Kafka's group.initial.rebalance.delay.ms"),
  s('kafka', 'logCleanerBackoffMs', 'kafka-log-cleaner-backoff-ms', 'int', 15000, "Kafka's log.cleaner.backoff.ms: how often the log cleaner compacts cleanup.policy=compact topics"),
  s('kafka', 'groupConsumerSessionTimeoutMs', 'kafka-group-consumer-session-timeout-ms', 'int', 45000, "Kafka's group.consumer.session.timeout.ms (KIP-848 consumer groups)"),
  s('kafka', 'groupConsumerHeartbeatIntervalMs', 'kafka-group-consumer-heartbeat-interval-ms', 'int', 5000, "Kafka's group.consumer.heartbeat.interval.ms (KIP-848 consumer groups)"),
  s('kafka', 'groupConsumerAssignors', 'kafka-group-consumer-assignors', 'string', 'uniform,range', "Kafka's group.consumer.assignors: uniform and/or range, comma-separated, the first the default"),
  s('storage', 'dataDir', 'data-dir', 'string', './data', 'LevelDB data directory'),
  s('storage', 'fsync', 'fsync', 'bool', false, 'fsync every write batch (survive power loss, not only kill -9)'),
  s('storage', 'inMemory', 'in-memory', 'bool', false, 'keep everything in memory: nothing on disk, nothing survives a restart'),
];

export class ConfigError extends Error {}

/** --help and --version are answers, not errors: main prints them to stdout and exits 0. */
export class ConfigAnswer extends Error {}

export function envName(flag: string): string {
  return 'TANDEM_' + flag.toUpperCase().replace(/-/g, '_');
}

function coerce(st: Setting, raw: unknown, where: string): unknown {
  switch (st.kind) {
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${where} must be a non-negative integer, got ${JSON.stringify(raw)}`);
      return n;
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(1|true|yes|on)?$/i.test(raw)) return true;
      if (typeof raw === 'string' && /^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(`${where} must be true or false, got ${JSON.stringify(raw)}`);
    case 'level':
      if (typeof raw === 'string' && LEVELS.includes(raw)) return raw;
      throw new ConfigError(`${where}: unknown level ${JSON.stringify(raw)} (one of ${LEVELS.join(', ')})`);
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
      if (!items || items.some((x) => typeof x !== 'string' && typeof x !== 'number')) throw new ConfigError(`${where} must be a list of strings or a comma-separated string, got ${JSON.stringify(raw)}`);
      const list = items.map((x) => String(x).trim()).filter((x) => x !== '');
      // Both lists hold NAME:SECRET pairs; say which entry is wrong without echoing its secret.
      const bad = list.findIndex((x) => x.indexOf(':') <= 0 || x.endsWith(':'));
      if (bad >= 0) throw new ConfigError(`${where}: entry ${bad + 1} must be NAME:SECRET (e.g. AKID:secret, alice:password)`);
      return list;
    }
    default:
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new ConfigError(`${where} must be a string, got ${JSON.stringify(raw)}`);
      return String(raw);
  }
}

export function defaults(): Config {
  const c = { host: {}, sqs: {}, kafka: {}, storage: {}, file: undefined, declarations: { queues: [], topics: [] } } as Record<string, any>;
  for (const st of SETTINGS) c[st.section][st.key] = st.default;
  return c as Config;
}

/** Keys of a section that are lists of declarations, not settings. */
const DECLARATION_KEYS = new Set(['sqs.queues', 'kafka.topics']);

interface FileContents {
  settings: Map<Setting, unknown>;
  /** The raw declaration lists, read once the region and account are known. */
  queues: unknown;
  topics: unknown;
  locate: Locate;
}

/** The settings and declarations of a config file (YAML or JSON: YAML is a superset); errors name file:line:col and the key. */
function readFile(file: string): FileContents {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config file ${file}: ${(e as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const locate: Locate = (node) => {
    const range = (node as Node | null | undefined)?.range ?? ((node as Pair | null | undefined)?.key as Node | undefined)?.range;
    if (!range) return file;
    const { line, col } = lines.linePos(range[0]);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = lines.linePos(e.pos[0]);
    throw new ConfigError(`${file}:${line}:${col}: ${e.message.split('\n')[0]}`);
  }
  const out: FileContents = { settings: new Map(), queues: undefined, topics: undefined, locate };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return out;
  if (!isMap(root)) throw new ConfigError(`${locate(root)}: expected a mapping of sections (host, sqs, kafka, storage)`);
  for (const pair of root.items) {
    const section = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!['host', 'sqs', 'kafka', 'storage'].includes(section)) throw new ConfigError(`${locate(pair.key as Node)}: unknown section "${section}" (one of host, sqs, kafka, storage)`);
    const body = pair.value;
    if (body === null || (isScalar(body) && body.value === null)) continue;
    if (!isMap(body)) throw new ConfigError(`${locate(body as Node)}: section "${section}" must be a mapping`);
    for (const item of body.items) {
      const key = isScalar(item.key) ? String(item.key.value) : '';
      const where = locate(item.key as Node);
      if (DECLARATION_KEYS.has(`${section}.${key}`)) {
        if (section === 'sqs') out.queues = item.value;
        else out.topics = item.value;
        continue;
      }
      const st = SETTINGS.find((x) => x.section === section && x.key === key);
      if (!st) throw new ConfigError(`${where}: unknown key "${section}.${key}"`);
      const value = isScalar(item.value) ? item.value.value : (item.value as Node | null)?.toJSON();
      out.settings.set(st, coerce(st, value, `${locate((item.value ?? item.key) as Node)}: ${section}.${key}`));
    }
  }
  return out;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    help: { type: 'boolean' },
    version: { type: 'boolean' },
    config: { type: 'string' },
  };
  for (const st of SETTINGS) {
    options[st.flag] = { type: st.kind === 'bool' ? 'boolean' : 'string' };
    if (st.kind === 'bool') options[`no-${st.flag}`] = { type: 'boolean' };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${usage()}`);
  }
  if (values.help) throw new ConfigAnswer(usage());
  if (values.version) throw new ConfigAnswer(`tandem ${VERSION}`);

  const config = defaults() as unknown as Record<string, any>;
  const file = (values.config as string | undefined) ?? (env.TANDEM_CONFIG || undefined);
  let contents: FileContents | undefined;
  if (file) {
    config.file = file;
    contents = readFile(file);
    for (const [st, v] of contents.settings) config[st.section][st.key] = v;
  }
  for (const st of SETTINGS) {
    const v = env[envName(st.flag)];
    if (v !== undefined && v !== '') config[st.section][st.key] = coerce(st, v, envName(st.flag));
  }
  for (const st of SETTINGS) {
    if (values[`no-${st.flag}`]) config[st.section][st.key] = false;
    const v = values[st.flag];
    if (v !== undefined) config[st.section][st.key] = coerce(st, v, `--${st.flag}`);
  }
  // Read last: a queue name given for an ARN takes the region and account in force.
  if (contents) {
    try {
      if (contents.queues !== undefined) config.declarations.queues = readQueues(contents.queues, contents.locate, config.sqs.region, config.sqs.accountId);
      if (contents.topics !== undefined) config.declarations.topics = readTopics(contents.topics, contents.locate);
    } catch (e) {
      if (e instanceof DeclarationError) throw new ConfigError(e.message);
      throw e;
    }
  }
  return config as Config;
}

export function usage(): string {
  const lines = SETTINGS.map((st) => {
    const def = st.default !== undefined && st.default !== false ? ` (default ${String(st.default)})` : '';
    return `  --${st.flag.padEnd(40)} ${st.describe}${def}\n  ${''.padEnd(42)} env ${envName(st.flag)}, file ${st.section}.${st.key}`;
  });
  return [
    'usage: tandem [serve] [options]',
    '       tandem queues|send|topics|groups|reset ... --help   commands for a running Tandem',
    '',
    '  --config FILE                            YAML or JSON file with sections host, sqs, kafka, storage (env TANDEM_CONFIG);',
    '                                           sqs.queues and kafka.topics declare queues and topics created at startup',
    '  --help                                   print this and exit',
    '  --version                                print the version and exit',
    ...lines,
    '',
    'Precedence: flag > environment > config file > default.',
  ].join('\n');
}

/** The package's version: package.json sits four levels above the compiled dist/emulator/src/host/config.js. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
