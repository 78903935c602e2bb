/**
 * The Kafka endpoint: builds the broker state (partition logs, group coordinator) and serves the
 * API handlers of ./apis/registry.ts on the Kafka port, plus, when configured, on a second
 * "internal" port that advertises another address (clients in other containers of a Docker
 * network are told the service name; clients on the host are told localhost).
 */
import type { Core } from '../../emulator/src/core/core.js';
import type { AdminRoutes } from '../../emulator/src/core/routes.js';
import { AclStore } from './acl/store.js';
import { Authorizer } from './acl/authorizer.js';
import { ApiRegistry } from './apis/registry.js';
import type { KafkaConfig } from './config.js';
import type { Broker, RequestObserver } from './broker.js';
import { ErrorCode, KafkaError } from './errors.js';
import type { LagRow } from './groups/index.js';
import { ASSIGNORS } from './groups/consumer/assignors.js';
import { GroupCoordinator, registerLagRoutes } from './groups/index.js';
import { KafkaInspect, type TopicSummary } from './inspect.js';
import { ClientQuotas } from './quotas/index.js';
import { LogManager } from './log/index.js';

export type { BrowsedRecord, GroupSummary, KafkaInspect, TopicSummary } from './inspect.js';
import { KAFKA_FAULTS } from './server/faults.js';
import { readFileSync } from 'node:fs';
import type { ConnectionAuth } from './server/connection.js';
import { SaslUsers } from './server/sasl.js';
import { FrameBudget } from './server/frame-budget.js';
import { KafkaServer } from './server/server.js';
import { Cluster } from './cluster/cluster.js';
import { brokerLayout, type BrokerListeners } from './cluster/layout.js';
import { registerClusterRoutes } from './cluster/routes.js';
import { ProducerIdManager } from './txn/producer-ids.js';
import { TransactionCoordinator } from './txn/coordinator.js';
import { kafkaTxnCleaning } from './log/txn-cleaning.js';

export interface KafkaModule {
  readonly port: number;
  /** The internal listener's port, when there is one. */
  readonly internalPort: number | undefined;
  /** Every broker's (external) port, in broker order; the first is `port`. */
  readonly brokerPorts: readonly number[];
  /** Read access for the web console (host/console). */
  readonly inspect: KafkaInspect;
  /** Topics and groups for the host (config-file declarations, metrics, reset) without the wire. */
  readonly admin: KafkaAdmin;
  close(): Promise<void>;
}

export type { LagRow, RequestObserver };

export interface TopicInfo {
  name: string;
  /** Per partition: log start and end offsets. */
  partitions: { partition: number; logStartOffset: number; logEndOffset: number }[];
  /** The topic's own config overrides (not the defaults). */
  configs: Record<string, string>;
  /** Every config's effective value, defaults included. */
  effective: Record<string, string>;
}

export interface KafkaAdmin {
  topics(): TopicInfo[];
  topic(name: string): TopicInfo | undefined;
  /** CreateTopics' rules (name, partitions, configs); `validateOnly` checks and changes nothing. Throws KafkaError. */
  createTopic(name: string, partitions: number, configs: Record<string, string>, validateOnly: boolean): Promise<void>;
  /** DeleteTopics' rules. Throws KafkaError. */
  deleteTopic(name: string): Promise<void>;
  /** CreatePartitions' rules: grow to `count`. Throws KafkaError. */
  createPartitions(name: string, count: number, validateOnly: boolean): Promise<void>;
  groups(): { groupId: string; state: string }[];
  lag(groupId: string): LagRow[] | undefined;
  /** Delete every topic and every group without members; answers what went and which groups stayed. */
  reset(): Promise<{ topics: number; groups: number; groupsKept: string[] }>;
  /** Kafka's name of an error code (metrics labels). */
  errorName(code: number): string;
  /** Called after every answered request (metrics). */
  observe(observer: RequestObserver | undefined): void;
}

const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([k, v]) => [v as number, k]));

/** Fixed so clients that cache the cluster id see the same cluster across restarts
 * (base64url of "TandemEmulator01", the 22-character form Kafka uses). */
const CLUSTER_ID = 'VGFuZGVtRW11bGF0b3IwMQ';

/** A topic as the admin routes and declarations read it, from the one read model (inspect.ts). */
function topicInfo(t: TopicSummary): TopicInfo {
  return {
    name: t.name,
    partitions: t.partitions.map((p) => ({ partition: p.partition, logStartOffset: p.logStartOffset, logEndOffset: p.logEndOffset })),
    configs: Object.fromEntries(t.configs.filter((c) => c.override).map((c) => [c.name, c.value ?? ''])),
    effective: Object.fromEntries(t.configs.map((c) => [c.name, c.value ?? ''])),
  };
}

/** The host's per-listener limits (host section of the settings), applied to each Kafka listener. */
export interface ListenerLimits {
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export async function startKafka(core: Core, admin: AdminRoutes, config: KafkaConfig, bind: string, limits?: ListenerLimits, dataDir?: string): Promise<KafkaModule> {
  core.faults?.declare('kafka', KAFKA_FAULTS);
  const layout = brokerLayout(config, bind);
  const log = new LogManager(core, { defaultPartitions: config.defaultPartitions, cleanerBackoffMs: config.logCleanerBackoffMs, nodeId: layout[0].nodeId, dataDir });
  await log.load();
  // The cleaner stops at each partition's last stable offset and cleans markers and aborted records as Kafka does.
  log.setTxnCleaning(kafkaTxnCleaning);
  const assignors = config.groupConsumerAssignors.split(',').map((a) => a.trim()).filter((a) => a !== '');
  const unknown = assignors.filter((a) => !ASSIGNORS.has(a));
  if (assignors.length === 0 || unknown.length > 0) throw new Error(`kafka.groupConsumerAssignors: unknown assignor ${unknown.join(', ') || '(none given)'}; uniform and range are served`);
  const groups = new GroupCoordinator(core, log, {
    initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    consumerSessionTimeoutMs: config.groupConsumerSessionTimeoutMs,
    consumerHeartbeatIntervalMs: config.groupConsumerHeartbeatIntervalMs,
    consumerAssignors: assignors,
  });
  await groups.load();
  const producerIds = new ProducerIdManager(core);
  await producerIds.load();
  // After the logs and groups: it finishes transactions a crash left prepared (markers, offsets).
  const txn = new TransactionCoordinator(core, producerIds, log, groups);
  await txn.load();

  const quotas = new ClientQuotas(core);
  await quotas.load();

  const acls = config.authorizer ? new AclStore(core) : undefined;
  await acls?.load();
  const authorizer = acls ? new Authorizer(acls, { superUsers: config.superUsers ?? [], allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound ?? false }) : undefined;

  const cluster = new Cluster(core, log, layout.map((b) => b.nodeId));
  await cluster.load();
  const broker: Broker = { core, config, nodeId: layout[0].nodeId, clusterId: CLUSTER_ID, cluster, log, groups, producerIds, quotas, txn, acls, authorizer };
  const apis = new ApiRegistry();
  const logger = core.log.child({ component: 'kafka' });
  const serverLimits = {
    maxFrameBytes: config.maxFrameBytes,
    maxInFlight: config.maxQueuedRequests,
    maxUnsentBytes: config.maxUnsentBytes,
    maxConnections: limits?.maxConnections,
    idleTimeoutMs: limits?.idleTimeoutMs,
    requestTimeoutMs: limits?.requestTimeoutMs,
    ...security(core, config),
    budget: new FrameBudget(config.maxBufferedRequestBytes),
  };
  // Per broker: its listeners (external, then internal), kept to be closed and reopened when the
  // broker goes down and up; a reopened listener binds the port it had.
  const servers = new Map<number, KafkaServer[]>();
  const listen = async (b: BrokerListeners): Promise<KafkaServer[]> => {
    const opened: KafkaServer[] = [];
    try {
      for (const l of b.listeners) {
        const server: KafkaServer = await KafkaServer.listen(bind, l.boundPort ?? l.port, {
          broker: () => broker,
          apis,
          nodeId: b.nodeId,
          advertised: () => ({ listener: l.name, host: l.host, port: l.advertisedPort ?? server.port }),
          log: logger,
          ...serverLimits,
        });
        opened.push(server);
        l.boundPort = server.port;
        cluster.setEndpoint(l.name, b.nodeId, { host: l.host, port: l.advertisedPort ?? server.port });
      }
    } catch (e) {
      await Promise.all(opened.map((x) => x.close()));
      throw e;
    }
    return opened;
  };
  try {
    for (const b of layout) servers.set(b.nodeId, await listen(b));
  } catch (e) {
    await Promise.all([...servers.values()].flat().map((x) => x.close()));
    await txn.close();
    await groups.close();
    await log.close();
    throw e;
  }
  cluster.onLiveness = async (nodeId, up) => {
    if (!up) {
      const open = servers.get(nodeId) ?? [];
      servers.set(nodeId, []);
      await Promise.all(open.map((x) => x.close()));
    } else {
      servers.set(nodeId, await listen(layout.find((b) => b.nodeId === nodeId)!));
    }
  };
  registerLagRoutes(admin, broker);
  registerClusterRoutes(admin, broker);

  const inspect = new KafkaInspect(core, log, groups, txn);
  const kafkaAdmin: KafkaAdmin = {
    topics: () => inspect.topics({ sizes: false }).map(topicInfo),
    topic: (name) => {
      const t = inspect.topic(name, { sizes: false });
      return t && topicInfo(t);
    },
    async createTopic(name, partitions, configs, validateOnly) {
      await log.createTopic(name, partitions, Object.entries(configs), validateOnly);
    },
    createPartitions: (name, count, validateOnly) => log.createPartitions(name, count, validateOnly),
    deleteTopic: (name) => log.deleteTopic(name),
    groups: () => inspect.groupStates(),
    lag: (id) => inspect.lag(id),
    async reset() {
      const names = log.topics().map((t) => t.name);
      for (const name of names) await log.deleteTopic(name);
      let deleted = 0;
      const groupsKept: string[] = [];
      for (const g of groups.list()) {
        const code = await groups.deleteGroup(g.groupId);
        if (code === ErrorCode.NONE) deleted++;
        else groupsKept.push(g.groupId);
      }
      return { topics: names.length, groups: deleted, groupsKept };
    },
    errorName: (code) => ERROR_NAMES.get(code) ?? String(code),
    observe(observer) {
      broker.observe = observer;
    },
  };

  const first = layout[0].listeners;
  return {
    port: first[0].boundPort!,
    internalPort: first[1]?.boundPort,
    brokerPorts: layout.map((b) => b.listeners[0].boundPort!),
    inspect,
    admin: kafkaAdmin,
    async close() {
      await Promise.all([...servers.values()].flat().map((x) => x.close()));
      await txn.close();
      await groups.close();
      await log.close();
    },
  };
}

/** SASL users (SCRAM credentials derived here, once) and the TLS certificate, when configured. */
function security(core: Core, config: KafkaConfig): { auth?: ConnectionAuth; tls?: { cert: Buffer; key: Buffer } } {
  const out: { auth?: ConnectionAuth; tls?: { cert: Buffer; key: Buffer } } = {};
  if (config.saslUsers && config.saslUsers.length > 0) {
    const users = new SaslUsers(config.saslUsers, SaslUsers.mechanismsOf(config.saslMechanisms));
    out.auth = { users, sessionLifetimeMs: config.saslSessionLifetimeMs, now: () => core.clock.now() };
  }
  if (config.tlsCert || config.tlsKey) {
    if (!config.tlsCert || !config.tlsKey) throw new Error('kafka.tlsCert and kafka.tlsKey go together: set both or neither');
    out.tls = { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
  }
  return out;
}
