/**
 * The Kafka endpoint: builds the broker state (partition logs, group coordinator) and serves the
 * API handlers of ./apis/registry.ts on the Kafka port, plus, when configured, on a second
 * "internal" port that advertises another address (clients in other containers of a Docker
 * network are told the service name; clients on the host are told localhost).
 */
import type { Core } from '../../emulator/src/core/core.js';
import type { AdminRoutes } from '../../emulator/src/core/routes.js';
import { ApiRegistry } from './apis/registry.js';
import type { KafkaConfig } from './config.js';
import type { Broker } from './broker.js';
import { GroupCoordinator, registerLagRoutes } from './groups/index.js';
import { LogManager } from './log/index.js';
import { KafkaServer } from './server/server.js';

export interface KafkaModule {
  readonly port: number;
  /** The internal listener's port, when there is one. */
  readonly internalPort: number | undefined;
  close(): Promise<void>;
}

/** Our single broker's id, leader of every partition. */
const NODE_ID = 1;
/** Fixed so clients that cache the cluster id see the same cluster across restarts
 * (base64url of "TandemEmulator01", the 22-character form Kafka uses). */
const CLUSTER_ID = 'VGFuZGVtRW11bGF0b3IwMQ';

/** The host's per-listener limits (host section of the settings), applied to each Kafka listener. */
export interface ListenerLimits {
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export async function startKafka(core: Core, admin: AdminRoutes, config: KafkaConfig, bind: string, limits?: ListenerLimits): Promise<KafkaModule> {
  const log = new LogManager(core, { defaultPartitions: config.defaultPartitions });
  await log.load();
  const groups = new GroupCoordinator(core, log, { initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs });
  await groups.load();

  const broker: Broker = { core, config, nodeId: NODE_ID, clusterId: CLUSTER_ID, log, groups };
  const apis = new ApiRegistry();
  const logger = core.log.child({ component: 'kafka' });
  // A wildcard bind is no address to connect to: tell clients the loopback address instead.
  const defaultHost = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind;
  const servers: KafkaServer[] = [];
  const serverLimits = {
    maxFrameBytes: config.maxFrameBytes,
    maxInFlight: config.maxQueuedRequests,
    maxUnsentBytes: config.maxUnsentBytes,
    maxConnections: limits?.maxConnections,
    idleTimeoutMs: limits?.idleTimeoutMs,
    requestTimeoutMs: limits?.requestTimeoutMs,
  };
  try {
    const external: KafkaServer = await KafkaServer.listen(bind, config.port, {
      broker: () => broker,
      apis,
      advertised: () => ({ listener: 'external', host: config.advertisedHost ?? defaultHost, port: config.advertisedPort ?? external.port }),
      log: logger,
      ...serverLimits,
    });
    servers.push(external);
    if (config.internalPort !== undefined) {
      const internal: KafkaServer = await KafkaServer.listen(bind, config.internalPort, {
        broker: () => broker,
        apis,
        advertised: () => ({ listener: 'internal', host: config.internalAdvertisedHost ?? defaultHost, port: internal.port }),
        log: logger,
        ...serverLimits,
      });
      servers.push(internal);
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    await groups.close();
    await log.close();
    throw e;
  }
  registerLagRoutes(admin, broker);

  return {
    port: servers[0].port,
    internalPort: servers[1]?.port,
    async close() {
      await Promise.all(servers.map((s) => s.close()));
      await groups.close();
      await log.close();
    },
  };
}
