/**
 * The one HTTP listener: SQS on every path, except /health and /_tandem/* (admin routes) and the
 * web console's paths (/console/ and its /_tandem/ routes, served by express in host/console).
 * Bare node:http, because the SQS endpoint is a hot path (express serves 0.28x and fastify 0.64x
 * the requests of node:http on this machine).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminRoutes, BodyHandler } from '../core/routes.js';


/** Refuse bodies larger than this before buffering them (SQS's own limit is 1 MiB of payload,
 * which form or JSON encoding can inflate several times). */
const MAX_BODY = 16 * 1024 * 1024;

export function startHttp(
  host: string,
  port: number,
  admin: AdminRoutes,
  sqs: BodyHandler,
  onError: (err: unknown) => void,
  /** The web console: claims /console/ and its own /_tandem/ routes (checked first). */
  web?: { matches(path: string): boolean; handle: BodyHandler },
): Promise<http.Server> {
  const adminHandler: BodyHandler = (req, res, body) => admin.handle(req, res, body);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { connection: 'close' }).end();
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const path = req.url ?? '/';
      const q = path.indexOf('?');
      const pathname = q < 0 ? path : path.slice(0, q);
      const handler = web?.matches(pathname) ? web.handle : admin.matches(pathname) ? adminHandler : sqs;
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
