/**
 * The web console and its JSON routes, served on the SQS port by express (never on the SQS hot
 * path: the host's listener hands only /console/ and these /_tandem/ paths to it):
 *   GET  /console/                                   the page (plain HTML/CSS/JS from ./public, no CDN)
 *   GET  /_tandem/events                             server-sent events: `overview` on every change
 *   GET  /_tandem/overview                           { queues, topics, groups }
 *   GET  /_tandem/sqs/queues                         queues with depth, oldest age, DLQ wiring, attributes
 *   GET  /_tandem/sqs/queues/:region/:account/:name/messages?max=10   peek (changes nothing)
 *   POST /_tandem/sqs/queues/:region/:account/:name/messages          send {body, delaySeconds?, groupId?, deduplicationId?}
 *   POST /_tandem/sqs/queues/:region/:account/:name/purge             purge
 *   GET  /_tandem/sqs/queues/:region/:account/:name/redrive           move tasks of a dead-letter queue
 *   POST /_tandem/sqs/queues/:region/:account/:name/redrive           start {destination?, maxPerSecond?}
 *   POST /_tandem/sqs/queues/:region/:account/:name/redrive/cancel    cancel the running one
 *   GET  /_tandem/kafka/topics                       topics, partitions, offsets, sizes, configs
 *   GET  /_tandem/kafka/topics/:name/records?partition=0&offset=|timestamp=&limit=50   browse
 *   POST /_tandem/kafka/topics/:name/records         produce {partition?, key?, value, headers?}
 *   GET  /_tandem/kafka/groups                       groups: state, members, assignments, lag
 * State-changing routes refuse cross-origin requests (see origin.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ManualClock, type Clock } from '../../core/clock.js';
import type { Faults } from '../../core/faults.js';
import type { SqsInspect } from '../../sqs/index.js';
import type { KafkaInspect } from '../../../../kafka-shim/src/index.js';
import { errorStatus, sameOrigin } from './origin.js';
import { EventStream } from './events.js';

export interface ConsoleDeps {
  sqs: SqsInspect;
  kafka: KafkaInspect;
  clock: Clock;
  /** Fault injection rules, shown while any exists. */
  faults?: Faults;
}

/** What the host's listener asks before handing a request over, and the handler it hands it to. */
export interface ConsoleHandler {
  matches(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void;
  close(): void;
}

const PREFIXES = ['/console', '/_tandem/events', '/_tandem/overview', '/_tandem/sqs/', '/_tandem/kafka/topics', '/_tandem/kafka/groups'];

type Body = Record<string, unknown>;

export function createConsole(deps: ConsoleDeps): ConsoleHandler {
  const { sqs, kafka } = deps;
  const manual = deps.clock instanceof ManualClock;
  const overview = () => ({ now: deps.clock.now(), manualClock: manual, faults: deps.faults?.list() ?? [], queues: sqs.queues(), topics: kafka.topics(), groups: kafka.groupList() });
  const events = new EventStream(() => JSON.stringify(overview()));
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // The listener has already read the body; routes get it parsed from req.body (JSON only).
  const json = (req: Request): Body => {
    const raw = (req as unknown as { rawBody: Buffer }).rawBody;
    if (raw.length === 0) return {};
    const v: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw Object.assign(new Error('the body must be a JSON object'), { status: 400 });
    return v as Body;
  };
  const guard = (req: Request, res: Response, next: NextFunction) => {
    const refusal = sameOrigin(req);
    if (refusal) res.status(403).json({ error: refusal });
    else next();
  };
  const wrap = (fn: (req: Request) => unknown) => (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => fn(req))
      .then((v) => {
        res.set('cache-control', 'no-store').json(v);
        events.poke();
      }, next);
  };
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const int = (v: unknown): number | undefined => {
    if (v === undefined || v === '' || v === null) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw Object.assign(new Error(`not an integer: ${String(v)}`), { status: 400 });
    return n;
  };
  const q = (req: Request) => [String(req.params.region), String(req.params.account), String(req.params.name)] as const;

  // Non-strict routing matches /console/ here too: only the bare path is redirected.
  app.get('/console', (req, res, next) => (req.originalUrl.split('?')[0] === '/console' ? res.redirect(301, '/console/') : next()));
  app.use('/console/', express.static(fileURLToPath(new URL('./public/', import.meta.url)), { index: 'index.html', maxAge: 0 }));

  app.get('/_tandem/events', (req, res) => events.subscribe(req, res));
  app.get('/_tandem/overview', wrap(() => overview()));

  app.get('/_tandem/sqs/queues', wrap(() => sqs.queues()));
  app.get('/_tandem/sqs/queues/:region/:account/:name/messages', wrap((req) => sqs.peek(...q(req), int(req.query.max) ?? 10)));
  app.post(
    '/_tandem/sqs/queues/:region/:account/:name/messages',
    guard,
    wrap((req) => {
      const b = json(req);
      const body = str(b.body);
      if (body === undefined) throw Object.assign(new Error('body (a string) is required'), { status: 400 });
      return sqs.send(...q(req), { body, delaySeconds: int(b.delaySeconds), groupId: str(b.groupId), deduplicationId: str(b.deduplicationId) });
    }),
  );
  app.post(
    '/_tandem/sqs/queues/:region/:account/:name/purge',
    guard,
    wrap(async (req) => {
      await sqs.purge(...q(req));
      return { purged: true };
    }),
  );

  app.get('/_tandem/sqs/queues/:region/:account/:name/redrive', wrap((req) => sqs.redrives(...q(req))));
  app.post(
    '/_tandem/sqs/queues/:region/:account/:name/redrive',
    guard,
    wrap((req) => {
      const b = json(req);
      return sqs.startRedrive(...q(req), { destination: str(b.destination) || undefined, maxPerSecond: int(b.maxPerSecond) });
    }),
  );
  app.post('/_tandem/sqs/queues/:region/:account/:name/redrive/cancel', guard, wrap((req) => sqs.cancelRedrive(...q(req))));

  app.get('/_tandem/kafka/topics', wrap(() => kafka.topics()));
  app.get(
    '/_tandem/kafka/topics/:name/records',
    wrap((req) =>
      kafka.records(String(req.params.name), int(req.query.partition) ?? 0, { offset: int(req.query.offset), timestamp: int(req.query.timestamp) }, int(req.query.limit) ?? 50),
    ),
  );
  app.post(
    '/_tandem/kafka/topics/:name/records',
    guard,
    wrap((req) => {
      const b = json(req);
      const headers = Array.isArray(b.headers) ? (b.headers as { key: unknown; value: unknown }[]).map((h) => ({ key: String(h.key), value: String(h.value) })) : [];
      const value = b.value === null ? null : str(b.value);
      if (value === undefined) throw Object.assign(new Error('value (a string or null) is required'), { status: 400 });
      return kafka.produce(String(req.params.name), { partition: int(b.partition), key: str(b.key) ?? null, value, headers });
    }),
  );
  app.get('/_tandem/kafka/groups', wrap(() => kafka.groupList()));

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `no console route ${req.method} ${req.path}` });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(errorStatus(err)).json({ error: err instanceof Error ? err.message : String(err) });
  });

  return {
    // Asked for every request, SQS's included: SQS paths ("/", "/ACCOUNT/QUEUE") fail the first test.
    matches: (path) =>
      (path.startsWith('/c') || path.startsWith('/_')) &&
      PREFIXES.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`) || (p.endsWith('/') && path === p.slice(0, -1))),
    handle(req, res, body) {
      (req as unknown as { rawBody: Buffer }).rawBody = body;
      app(req as Request, res as Response);
    },
    close: () => events.close(),
  };
}
