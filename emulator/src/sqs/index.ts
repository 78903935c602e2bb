/** SQS: the queue engine (semantics, restored from LevelDB) behind both wire protocols. */
import type { Core } from '../core/core.js';
import type { BodyHandler } from '../core/routes.js';
import { QUEUE_URL_STYLES, type SqsConfig } from './config.js';
import { createSqsHandler } from './protocol/handler.js';
import type { SqsInspect } from './semantics/inspect.js';
import { SqsService } from './semantics/service.js';

export type { PeekedMessage, QueueSummary, SqsInspect } from './semantics/inspect.js';

export interface SqsModule {
  handle: BodyHandler;
  /** Read access for the web console (host/console). */
  inspect: SqsInspect;
  close(): Promise<void>;
}

export async function createSqs(core: Core, config: SqsConfig): Promise<SqsModule> {
  if (!QUEUE_URL_STYLES.includes(config.queueUrlStyle)) {
    throw new Error(`sqs.queueUrlStyle must be one of ${QUEUE_URL_STYLES.join(', ')}, got ${JSON.stringify(config.queueUrlStyle)}`);
  }
  const service = new SqsService(core, config);
  await service.load();
  return {
    handle: createSqsHandler(service, core, config),
    inspect: service.inspect,
    close: () => service.close(),
  };
}
