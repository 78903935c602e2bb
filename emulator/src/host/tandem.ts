/**
 * Composition root: opens the store, starts SQS and Kafka on one core, serves the HTTP listener,
 * and shuts them down in order. Used by main.ts (the process) and by tests that want an
 * in-process Tandem (for example to inject storage faults through `store.intercept`).
 */
import type http from 'node:http';
import { ManualClock, SystemClock, type Clock } from '../core/clock.js';
import type { Core } from '../core/core.js';
import { Logger } from '../core/logger.js';
import { AdminError, AdminRoutes } from '../core/routes.js';
import { Store } from '../core/storage/store.js';
import { createSqs } from '../sqs/index.js';
import { startKafka } from '../../../kafka-shim/src/index.js';
import type { Config } from './config.js';
import { boundPort, startHttp } from './http.js';

export interface Tandem {
  readonly core: Core;
  readonly sqsPort: number;
  readonly kafkaPort: number;
  /** The internal Kafka listener's port (--kafka-internal-port), if any. */
  readonly kafkaInternalPort: number | undefined;
  close(): Promise<void>;
}

export async function startTandem(config: Config, log = new Logger(config.host.logLevel)): Promise<Tandem> {
  const { host } = config;
  // A restarted test emulator is given the time its predecessor had reached (--manual-clock-start):
  // starting again from the wall clock would put everything stored "in the future" after a test
  // had advanced the clock.
  const clock: Clock = host.manualClock ? new ManualClock(host.manualClockStart ?? Date.now()) : new SystemClock();
  const store = await Store.open({ dir: config.storage.dataDir, inMemory: config.storage.inMemory, sync: config.storage.fsync });
  const core: Core = { clock, store, log };
  const admin = new AdminRoutes();

  let ready = false;
  admin.add('GET', '/health', async () => {
    if (!ready) throw new AdminError(503, 'starting');
    // While writes fail (disk full, I/O errors) Tandem is not healthy: 503, since health checkers
    // (Docker, Kubernetes probes, load balancers) look at the status code, not at a body field.
    // One probe write per check lets the store notice recovery even when no client writes.
    if (store.degraded && !(await store.probe())) {
      const { error, since } = store.degraded ?? { error: 'write failed', since: Date.now() };
      throw new AdminError(503, `storage degraded: writes failing since ${new Date(since).toISOString()}: ${error}`);
    }
    return { status: 'ok', sqs: true, kafka: true, storage: store.engine };
  });
  if (clock instanceof ManualClock) {
    admin.add('GET', '/_tandem/clock', () => ({ now: clock.now() }));
    admin.add('POST', '/_tandem/clock', (_req, body) => {
      const { advanceMs, now } = JSON.parse(body.toString() || '{}') as { advanceMs?: number; now?: number };
      if (typeof advanceMs === 'number') clock.advance(advanceMs);
      if (typeof now === 'number') clock.set(now);
      return { now: clock.now() };
    });
  }

  const closers: (() => Promise<void>)[] = [async () => store.close()];
  const unwind = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const sqs = await createSqs(core, config.sqs);
    closers.push(() => sqs.close());
    const kafka = await startKafka(core, admin, config.kafka, host.bind, host);
    closers.push(() => kafka.close());
    const httpServer = await startHttp(host.bind, config.sqs.port, admin, sqs.handle, (err) => log.error('http.unhandled', { err }), {
      maxConnections: host.maxConnections,
      idleTimeoutMs: host.idleTimeoutMs,
      requestTimeoutMs: host.requestTimeoutMs,
      sqsBodyLimit: sqs.maxRequestBytes,
      browser: { allowedHosts: list(host.allowedHosts), allowedOrigins: list(host.allowedOrigins), bind: host.bind },
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        }),
    );
    ready = true;
    return {
      core,
      sqsPort: boundPort(httpServer),
      kafkaPort: kafka.port,
      kafkaInternalPort: kafka.internalPort,
      async close() {
        ready = false;
        await unwind();
        clock.stop();
      },
    };
  } catch (e) {
    await unwind();
    clock.stop();
    throw e;
  }
}

/** A comma-separated setting as a list. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
}
