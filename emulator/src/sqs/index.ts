/** SQS: the queue engine (semantics, restored from LevelDB) behind both wire protocols. */
import type { Core } from '../core/core.js';
import type { BodyHandler } from '../core/routes.js';
import type { SqsConfig } from './config.js';
import { createSqsHandler } from './protocol/handler.js';
import { SqsService } from './semantics/service.js';

export interface SqsModule {
  handle: BodyHandler;
  close(): Promise<void>;
}

export async function createSqs(core: Core, config: SqsConfig): Promise<SqsModule> {
  const service = new SqsService(core, config);
  await service.load();
  return {
    handle: createSqsHandler(service, core, config),
    close: () => service.close(),
  };
}
