/**
 * Server-sent events for the console page: every subscriber gets the overview at once, then again
 * whenever it changes. Changes made by clients (SQS, Kafka) are seen by a one-second check; changes
 * made through the console are pushed at once (`poke`). The check is a UI refresh cadence on the
 * wall clock, deliberately not the core clock: a test's manual clock must not freeze the page.
 * Nothing is computed while nobody is subscribed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const CHECK_MS = 1000;
/** A comment line now and then keeps proxies and browsers from dropping an idle stream. */
const KEEPALIVE_MS = 15_000;

export class EventStream {
  private readonly subscribers = new Set<ServerResponse>();
  private last = '';
  private timer: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private poked = false;

  constructor(private readonly snapshot: () => string) {}

  subscribe(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.subscribers.add(res);
    req.on('close', () => {
      this.subscribers.delete(res);
      if (this.subscribers.size === 0) this.stop();
    });
    this.send(res, this.current());
    this.start();
  }

  /** Something changed through the console: push it without waiting for the next check. */
  poke(): void {
    if (this.subscribers.size === 0 || this.poked) return;
    this.poked = true;
    setImmediate(() => {
      this.poked = false;
      this.check();
    });
  }

  close(): void {
    this.stop();
    for (const res of this.subscribers) res.end();
    this.subscribers.clear();
  }

  private current(): string {
    this.last = this.snapshot();
    return this.last;
  }

  private check(): void {
    if (this.subscribers.size === 0) return;
    const now = this.snapshot();
    if (now === this.last) return;
    this.last = now;
    for (const res of this.subscribers) this.send(res, now);
  }

  private send(res: ServerResponse, data: string): void {
    res.write(`event: overview\ndata: ${data}\n\n`);
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), CHECK_MS).unref();
    this.keepalive = setInterval(() => {
      for (const res of this.subscribers) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS).unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    clearInterval(this.keepalive);
    this.timer = this.keepalive = undefined;
  }
}
