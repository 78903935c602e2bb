/** SQS: the queue engine (semantics, restored from LevelDB) behind both wire protocols. */
import type { IncomingMessage } from 'node:http';
import type { Core } from '../core/core.js';
import type { BodyHandler } from '../core/routes.js';
import { QUEUE_URL_STYLES, type SqsConfig } from './config.js';
import { createSqsHandler, type RequestObserver } from './protocol/handler.js';
import { SQS_FAULTS } from './protocol/faults.js';
import { maxRequestBytes } from './protocol/limits.js';
import type { SqsApi } from './semantics/api.js';
import type { QueueSummary, SqsInspect } from './semantics/inspect.js';
import { SqsService } from './semantics/service.js';

export type { RequestObserver, SqsApi };
export type { RequestContext } from './semantics/api.js';
export { SqsError } from './semantics/api.js';

export type { PeekedMessage, QueueSummary, SqsInspect } from './semantics/inspect.js';

export interface SqsModule {
  handle: BodyHandler;
  /** The largest body a request may have, from its headers (AWS's limits per protocol). */
  maxRequestBytes: (req: IncomingMessage) => number;
  /** Read access for the web console (host/console). */
  inspect: SqsInspect;
  /** The operations, for the host (config-file declarations, CLI routes) without HTTP. */
  api: SqsApi;
  /** Depth and age of every queue, read at the moment (metrics, console). */
  queues(): QueueSummary[];
  /** Delete every queue, its messages and tombstones (POST /_tandem/reset). */
  reset(): Promise<number>;
  /** Called after every answered request (metrics); one observer. */
  observe(observer: RequestObserver | undefined): void;
  close(): Promise<void>;
}

export async function createSqs(core: Core, config: SqsConfig): Promise<SqsModule> {
  if (!QUEUE_URL_STYLES.includes(config.queueUrlStyle)) {
    throw new Error(`sqs.queueUrlStyle must be one of ${QUEUE_URL_STYLES.join(', ')}, got ${JSON.stringify(config.queueUrlStyle)}`);
  }
  core.faults?.declare('sqs', SQS_FAULTS);
  const service = new SqsService(core, config);
  await service.load();
  const observer: { fn: RequestObserver | undefined } = { fn: undefined };
  return {
    handle: createSqsHandler(service, core, config, observer),
    maxRequestBytes,
    inspect: service.inspect,
    api: service,
    queues: () => service.inspect.queues(),
    reset: () => service.reset(),
    observe: (fn) => {
      observer.fn = fn;
    },
    close: () => service.close(),
  };
}
