/**
 * The Kafka endpoint: builds the broker state (partition logs, group coordinator), registers the
 * API handlers and serves them on the Kafka port.
 */
import type { Core } from '../../emulator/src/core/core.js';
import type { KafkaConfig } from './config.js';
import type { AdminRoutes } from '../../emulator/src/core/routes.js';
import './apis/index.js';
import type { Broker } from './broker.js';
import { GroupCoordinator, registerLagRoutes } from './groups/index.js';
import { LogManager } from './log/index.js';
import { KafkaServer } from './server/server.js';

export interface KafkaModule {
  readonly port: number;
  close(): Promise<void>;
}

/** Our single broker's id, leader of every partition. */
const NODE_ID = 1;
/** Fixed so clients that cache the cluster id see the same cluster across restarts
 * (base64url of "TandemEmulator01", the 22-character form Kafka uses). */
const CLUSTER_ID = 'VGFuZGVtRW11bGF0b3IwMQ';

export async function startKafka(core: Core, admin: AdminRoutes, config: KafkaConfig, bind: string): Promise<KafkaModule> {
  const log = new LogManager(core, { defaultPartitions: config.defaultPartitions });
  await log.load();
  const groups = new GroupCoordinator(core, log, { initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs });
  await groups.load();

  let broker: Broker | undefined;
  let server: KafkaServer;
  try {
    server = await KafkaServer.listen(bind, config.port, () => broker!, core.log.child({ component: 'kafka' }));
  } catch (e) {
    await groups.close();
    await log.close();
    throw e;
  }
  broker = {
    core,
    config,
    nodeId: NODE_ID,
    clusterId: CLUSTER_ID,
    advertisedHost: config.advertisedHost ?? (bind === '0.0.0.0' ? '127.0.0.1' : bind),
    advertisedPort: config.advertisedPort ?? server.port,
    log,
    groups,
  };
  registerLagRoutes(admin, broker);

  return {
    port: server.port,
    async close() {
      await server.close();
      await groups.close();
      await log.close();
    },
  };
}
