/**
 * The one HTTP listener: SQS on every path, except /health and /_tandem/* (admin routes) and the
 * web console's paths (/console/ and its /_tandem/ routes, served by express in host/console).
 * Bare node:http, because the SQS endpoint is a hot path (express serves 0.28x and fastify 0.64x
 * the requests of node:http on this machine).
 *
 * Every request passes the browser checks (browser.ts) before its body is read, and no request may
 * cost more than a valid one: bodies are capped per route before buffering (SQS: by protocol, as
 * AWS, answered 413), connections are capped per listener with a little headroom kept for /health,
 * and idle or half-sent requests are dropped on Node's socket timers.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AdminRoutes, BodyHandler } from '../core/routes.js';
import { admit, type BrowserPolicy } from './browser.js';

export interface HttpLimits {
  /** Connections served in full; 0: no limit. Beyond it, HEALTH_HEADROOM more are kept for /health. */
  maxConnections: number;
  /** Close a connection with no request for this long (ms; keep-alive included). */
  idleTimeoutMs: number;
  /** Close a connection whose request (headers and body) has not fully arrived after this long (ms). */
  requestTimeoutMs: number;
  /** The largest body a request to the SQS endpoint may have (decided from its headers). */
  sqsBodyLimit: (req: http.IncomingMessage) => number;
  browser: BrowserPolicy;
}

/** Admin bodies are small JSON documents. */
const MAX_ADMIN_BODY = 1024 * 1024;
/** Connections above maxConnections that may still ask for /health (and nothing else). */
export const HEALTH_HEADROOM = 8;

export const DEFAULT_LIMITS: HttpLimits = {
  maxConnections: 0,
  idleTimeoutMs: 0,
  requestTimeoutMs: 0,
  sqsBodyLimit: () => 16 * 1024 * 1024,
  browser: { allowedHosts: ['*'], allowedOrigins: ['*'], bind: '127.0.0.1' },
};

export function startHttp(
  host: string,
  port: number,
  admin: AdminRoutes,
  sqs: BodyHandler,
  onError: (err: unknown) => void,
  limits: HttpLimits = DEFAULT_LIMITS,
  /** The web console: claims /console/ and its own /_tandem/ routes (checked first). */
  web?: { matches(path: string): boolean; handle: BodyHandler },
): Promise<http.Server> {
  const adminHandler: BodyHandler = (req, res, body) => admin.handle(req, res, body);
  const overflow = new WeakSet<Socket>();
  let open = 0;
  const rt = limits.requestTimeoutMs;
  // Node checks the request deadlines on this interval (default 30 s): tighter for short settings.
  const options: http.ServerOptions = rt > 0 ? { requestTimeout: rt, headersTimeout: rt, connectionsCheckingInterval: Math.min(30_000, Math.max(100, rt / 4)) } : {};
  const server = http.createServer(options, (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const isWeb = web?.matches(path) ?? false;
    const isAdmin = isWeb || admin.matches(path);
    if (overflow.has(req.socket) && path !== '/health') {
      res.writeHead(503, { 'content-type': 'text/plain', connection: 'close', 'retry-after': '1' }).end('too many connections\n');
      return;
    }
    if (!admit(limits.browser, req, res, path)) {
      req.resume();
      return;
    }
    const max = isAdmin ? MAX_ADMIN_BODY : limits.sqsBodyLimit(req);
    const tooLarge = () => {
      // As AWS answers an oversized SQS request (plain text, not the protocol's error shape).
      const text = `HTTP content length exceeded ${max} bytes.`;
      res.writeHead(413, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
      res.write(text);
      // Linger (as nginx does): read and discard what the client is still sending, so it sees the
      // 413 instead of a reset mid-upload. Nothing is kept; a client still sending after 2 s is cut
      // off. The response is complete for the client (Content-Length) but ended here only once
      // the upload is discarded: Node ends a socket as soon as its response is finished when the
      // request said `Connection: close`, and a client still writing its body got EPIPE.
      req.removeAllListeners('data');
      req.resume();
      const cutOff = setTimeout(() => req.socket.destroy(), 2000).unref();
      const finish = () => {
        clearTimeout(cutOff);
        res.end();
      };
      if (req.complete) finish();
      else req.once('end', finish);
    };
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    // Node's requestTimeout does not end a connection whose body stalls once the handler runs:
    // a body that has not fully arrived in time drops the connection (and what it buffered).
    const stall = rt > 0 && !req.complete ? setTimeout(() => req.socket.destroy(), rt) : undefined;
    if (stall) req.once('close', () => clearTimeout(stall));
    req.on('data', (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > max) {
        refused = true;
        chunks.length = 0;
        return tooLarge();
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (stall) clearTimeout(stall);
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const handler = isWeb ? web!.handle : isAdmin ? adminHandler : sqs;
      Promise.resolve()
        .then(() => handler(req, res, body))
        .catch((err) => {
          onError(err);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error');
        });
    });
  });
  server.keepAliveTimeout = 65_000;
  if (limits.idleTimeoutMs > 0) {
    // Socket inactivity: a connection that sends nothing (and is sent nothing) this long is closed.
    // Long polls (20 s at most) answer well within any sensible setting.
    server.timeout = limits.idleTimeoutMs;
    server.keepAliveTimeout = Math.min(server.keepAliveTimeout, limits.idleTimeoutMs);
  }
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
    if (limits.maxConnections > 0 && open > limits.maxConnections) {
      if (open > limits.maxConnections + HEALTH_HEADROOM) socket.destroy();
      else overflow.add(socket);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function boundPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}
