/**
 * Admin and health routes served on the SQS port under /health, /metrics and /_tandem/. Subsystems register
 * their routes (Kafka registers consumer lag, tests the manual clock) instead of the HTTP server
 * knowing about them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request with its whole body read: what the host's HTTP listener hands the SQS endpoint and the admin routes. */
export type BodyHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

export type AdminHandler = (req: IncomingMessage, body: Buffer, url: URL) => unknown | Promise<unknown>;

export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A handler's answer sent as it is, with its own content type (Prometheus text, for one). */
export class AdminText {
  constructor(
    readonly body: string,
    readonly contentType: string,
  ) {}
}

export class AdminRoutes {
  private routes = new Map<string, AdminHandler>();

  /** Register `METHOD path`; the handler's return value is sent as JSON with status 200. */
  add(method: string, path: string, handler: AdminHandler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  matches(path: string): boolean {
    return path === '/health' || path === '/metrics' || path.startsWith('/_tandem/');
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // HEAD answers like GET without the body (health checkers that use HEAD).
    const head = req.method === 'HEAD';
    const handler = this.routes.get(`${req.method} ${url.pathname}`) ?? (head ? this.routes.get(`GET ${url.pathname}`) : undefined);
    let status = 200;
    let payload: unknown;
    if (!handler) {
      status = 404;
      payload = { error: `no admin route ${req.method} ${url.pathname}` };
    } else {
      try {
        payload = await handler(req, body, url);
      } catch (e) {
        status = e instanceof AdminError ? e.status : 500;
        payload = { error: e instanceof Error ? e.message : String(e) };
      }
    }
    const text = payload instanceof AdminText ? payload.body : typeof payload === 'string' ? payload : JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': payload instanceof AdminText ? payload.contentType : typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(head ? undefined : text);
  }
}
