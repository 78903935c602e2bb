/**
 * Composition root: opens the store, starts SQS and Kafka on one core, and shuts them down in order.
 * Used by main.ts (the process) and by tests that want an in-process emulator.
 */
import type http from 'node:http';
import { ManualClock, SystemClock, type Clock } from './core/clock.js';
import type { Config } from './core/config.js';
import type { Core } from './core/core.js';
import { Logger } from './core/logger.js';
import { Store } from './core/store.js';
import { AdminError, AdminRoutes } from './http/admin.js';
import { boundPort, startHttp } from './http/server.js';
import { createSqs } from './sqs/index.js';
import { startKafka } from '../../kafka-shim/src/index.js';

export interface Tandem {
  readonly core: Core;
  readonly sqsPort: number;
  readonly kafkaPort: number;
  /** The internal Kafka listener's port (--kafka-internal-port), if any. */
  readonly kafkaInternalPort: number | undefined;
  close(): Promise<void>;
}

export async function startTandem(config: Config, log = new Logger(config.logLevel)): Promise<Tandem> {
  // A restarted test emulator is given the time its predecessor had reached (--manual-clock-start):
  // starting again from the wall clock would put everything stored "in the future" after a test
  // had advanced the clock.
  const clock: Clock = config.manualClock ? new ManualClock(config.manualClockStart ?? Date.now()) : new SystemClock();
  const store = await Store.open(config.dataDir, { sync: config.fsync });
  const core: Core = { config, clock, store, log };
  const admin = new AdminRoutes();

  let ready = false;
  admin.add('GET', '/health', () => {
    if (!ready) throw new AdminError(503, 'starting');
    return { status: 'ok', sqs: true, kafka: true };
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

  const sqs = await createSqs(core);
  const kafka = await startKafka(core, admin);
  let httpServer: http.Server;
  try {
    httpServer = await startHttp(config.host, config.sqsPort, admin, sqs.handle, (err) =>
      log.error('http.unhandled', { err }),
    );
  } catch (e) {
    await kafka.close();
    await sqs.close();
    await store.close();
    throw e;
  }
  ready = true;

  return {
    core,
    sqsPort: boundPort(httpServer),
    kafkaPort: kafka.port,
    kafkaInternalPort: kafka.internalPort,
    async close() {
      ready = false;
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await kafka.close();
      await sqs.close();
      clock.stop();
      await store.close();
    },
  };
}
