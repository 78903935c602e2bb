/** Kafka listener: placeholder until the wire protocol lands. */
import type { Core } from '../../emulator/src/core/core.js';
import type { AdminRoutes } from '../../emulator/src/http/admin.js';

export interface KafkaModule {
  readonly port: number;
  close(): Promise<void>;
}

export async function startKafka(core: Core, _admin: AdminRoutes): Promise<KafkaModule> {
  return { port: core.config.kafkaPort, close: async () => {} };
}
