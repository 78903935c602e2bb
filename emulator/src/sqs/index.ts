/** SQS: the queue engine (semantics, restored from LevelDB) behind both wire protocols. */
import type { IncomingMessage } from 'node:http';
import type { Core } from '../core/core.js';
import type { BodyHandler } from '../core/routes.js';
import { QUEUE_URL_STYLES, type SqsConfig } from './config.js';
import { createSqsHandler } from './protocol/handler.js';
import { maxRequestBytes } from './protocol/limits.js';
import { SqsService } from './semantics/service.js';

export interface SqsModule {
  handle: BodyHandler;
  /** The largest body a request may have, from its headers (AWS's limits per protocol). */
  maxRequestBytes: (req: IncomingMessage) => number;
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
    maxRequestBytes,
    close: () => service.close(),
  };
}
