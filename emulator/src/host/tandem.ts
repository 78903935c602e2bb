/**
 * Composition root: opens the store, starts SQS and Kafka on one core, serves the HTTP listener,
 * and shuts them down in order. Used by main.ts (the process) and by tests that want an
 * in-process Tandem (for example to inject storage faults through `store.intercept`).
 */
import type http from 'node:http';
import { ManualClock, SystemClock, type Clock } from '../core/clock.js';
import type { Core } from '../core/core.js';
import { Logger } from '../core/logger.js';
import { Faults } from '../core/faults.js';
import { AdminError, AdminRoutes } from '../core/routes.js';
import { Store } from '../core/storage/store.js';
import { createSqs } from '../sqs/index.js';
import { registerAdminApi } from './admin-api.js';
import { registerFaultRoutes } from './faults-api.js';
import { applyDeclarations } from './declarations.js';
import { createMetrics } from './metrics.js';
import { startKafka } from '../../../kafka-shim/src/index.js';
import type { Config } from './config.js';
import { createConsole } from './console/index.js';
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
  const faults = new Faults(clock);
  const core: Core = { clock, store, log, faults };
  const admin = new AdminRoutes();

  let ready = false;
  // Readiness per endpoint: each becomes true once it listens (and the declarations are applied).
  const endpoints: Record<string, { ready: boolean; port?: number }> = { sqs: { ready: false }, kafka: { ready: false } };
  admin.add('GET', '/health', async () => {
    if (!ready) throw new AdminError(503, 'starting');
    // While writes fail (disk full, I/O errors) Tandem is not healthy: 503, since health checkers
    // (Docker, Kubernetes probes, load balancers) look at the status code, not at a body field.
    // One probe write per check lets the store notice recovery even when no client writes.
    if (store.degraded && !(await store.probe())) {
      const { error, since } = store.degraded ?? { error: 'write failed', since: Date.now() };
      throw new AdminError(503, `storage degraded: writes failing since ${new Date(since).toISOString()}: ${error}`);
    }
    return { status: 'ok', sqs: endpoints.sqs.ready, kafka: endpoints.kafka.ready, storage: store.engine, endpoints };
  });
  // Reading the clock is always possible (the CLI and console show it); moving it only on a manual clock.
  admin.add('GET', '/_tandem/clock', () => ({ now: clock.now(), manual: clock instanceof ManualClock }));
  if (clock instanceof ManualClock) {
    admin.add('POST', '/_tandem/clock', (_req, body) => {
      let input: { advanceMs?: unknown; now?: unknown };
      try {
        input = JSON.parse(body.toString() || '{}') as typeof input;
      } catch {
        throw new AdminError(400, 'body must be JSON: {"advanceMs": n} or {"now": epochMs}');
      }
      const { advanceMs, now } = input;
      if (advanceMs !== undefined && (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0)) throw new AdminError(400, 'advanceMs must be a number >= 0');
      if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now))) throw new AdminError(400, 'now must be epoch milliseconds');
      if (typeof advanceMs === 'number') clock.advance(advanceMs);
      if (typeof now === 'number') clock.set(now);
      return { now: clock.now(), manual: true };
    });
  }

  const closers: (() => Promise<void>)[] = [async () => store.close()];
  const unwind = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const sqs = await createSqs(core, config.sqs);
    closers.push(() => sqs.close());
    const kafka = await startKafka(core, admin, config.kafka, host.bind, host, config.storage.inMemory ? undefined : config.storage.dataDir);
    closers.push(() => kafka.close());
    endpoints.kafka = { ready: true, port: kafka.port };
    if (kafka.internalPort !== undefined) endpoints.kafkaInternal = { ready: true, port: kafka.internalPort };

    const ctx = { region: config.sqs.region, accountId: config.sqs.accountId, baseUrl: config.sqs.baseUrl ?? 'http://localhost', requestId: 'config-file' };
    const { queues, topics } = config.declarations;
    if (queues.length + topics.length > 0) {
      const scratch = async () => {
        const scratchCore: Core = { clock: new ManualClock(clock.now()), store: await Store.open({ dir: '', inMemory: true, sync: false }), log: new Logger('silent') };
        const m = await createSqs(scratchCore, { ...config.sqs, relaxedTimers: true });
        return { ...m, close: async () => (await m.close(), await scratchCore.store.close(), scratchCore.clock.stop()) };
      };
      const done = await applyDeclarations(config.declarations, config.file ?? '', sqs, kafka.admin, ctx, config.kafka.defaultPartitions, scratch);
      log.info('config.declarations', { file: config.file, queues: queues.length, topics: topics.length, ...done });
    }

    const metrics = createMetrics(core, sqs, kafka.admin, config.storage.inMemory ? undefined : config.storage.dataDir);
    closers.push(async () => metrics.close());
    admin.add('GET', '/metrics', () => metrics.text());
    registerAdminApi(admin, kafka.admin, config.kafka.defaultPartitions);
    registerFaultRoutes(admin, faults);
    // Everything a test suite made, gone (moto's /moto-api/reset): each engine in its own units of work.
    admin.add('POST', '/_tandem/reset', async () => {
      const q = await sqs.reset();
      const k = await kafka.admin.reset();
      return { queues: q, topics: k.topics, groups: k.groups, groupsKept: k.groupsKept };
    });
    const web = createConsole({ sqs: sqs.inspect, kafka: kafka.inspect, clock, faults });
    closers.push(async () => web.close());
    const httpServer = await startHttp(
      host.bind,
      config.sqs.port,
      admin,
      sqs.handle,
      (err) => log.error('http.unhandled', { err }),
      {
        maxConnections: host.maxConnections,
        idleTimeoutMs: host.idleTimeoutMs,
        requestTimeoutMs: host.requestTimeoutMs,
        sqsBodyLimit: sqs.maxRequestBytes,
        browser: { allowedHosts: list(host.allowedHosts), allowedOrigins: list(host.allowedOrigins), bind: host.bind },
      },
      web,
    );
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        }),
    );
    endpoints.sqs = { ready: true, port: boundPort(httpServer) };
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
