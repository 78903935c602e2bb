/**
 * Browser safety of the HTTP listener: a web page in the developer's browser must not be able to
 * drive Tandem, neither by "simple" cross-origin requests (CSRF: a form POST or a GET with
 * Action=PurgeQueue needs no CORS preflight) nor by DNS rebinding (a page whose name resolves to
 * 127.0.0.1 becomes same-origin and could read messages).
 *
 * The same two checks dev servers apply (Vite's server.allowedHosts / server.cors):
 * - Host: only loopback names (localhost, *.localhost, 127.0.0.1, ::1), IP literals (a rebinding
 *   page always uses a DNS name), the bind address and configured names, each also with leading
 *   labels (`sqs.us-east-1.localhost`, the `host` queue-URL style).
 * - Origin: absent (SDKs, curl), the listener's own origin (the console), or a configured one.
 *   Allowed origins get explicit CORS answers; state-changing admin routes (/_tandem/* other than
 *   GET) accept only their own origin, never a configured cross origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

export interface BrowserPolicy {
  /** Extra host names (no port), or `*` for any. */
  allowedHosts: readonly string[];
  /** Extra origins (`scheme://host[:port]`), or `*` for any. */
  allowedOrigins: readonly string[];
  /** The address the listener is bound to. */
  bind: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

/** The host name of a Host header, without port or IPv6 brackets; lower case. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

export function hostAllowed(policy: BrowserPolicy, host: string | undefined): boolean {
  // HTTP/1.0 requests may carry no Host: nothing a browser sends.
  if (host === undefined || host === '') return true;
  if (policy.allowedHosts.includes('*')) return true;
  const name = hostName(host).replace(/\.$/, '');
  if (isIP(name) !== 0) return true;
  const names = [...LOOPBACK, ...policy.allowedHosts.map((n) => n.toLowerCase())];
  if (policy.bind !== '0.0.0.0' && policy.bind !== '::') names.push(policy.bind.toLowerCase());
  return names.some((n) => name === n || name.endsWith('.' + n));
}

/** The request's own origin as a browser would spell it (http, since the listener is plain HTTP). */
function ownOrigin(req: IncomingMessage): string | undefined {
  return req.headers.host ? `http://${req.headers.host.toLowerCase()}` : undefined;
}

function originAllowed(policy: BrowserPolicy, origin: string): boolean {
  const o = origin.toLowerCase().replace(/\/$/, '');
  return policy.allowedOrigins.includes('*') || policy.allowedOrigins.some((a) => a.toLowerCase().replace(/\/$/, '') === o);
}

/**
 * Check one request before its body is read. Returns true when the request may proceed (with CORS
 * headers set on `res` for an allowed cross origin); otherwise it has been answered (403, or 204
 * for a preflight of an allowed origin).
 */
export function admit(policy: BrowserPolicy, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (!hostAllowed(policy, req.headers.host)) {
    refuse(res, `Host ${JSON.stringify(req.headers.host)} is not allowed; add it to host.allowedHosts (--allowed-hosts).`);
    return false;
  }
  const origin = req.headers.origin;
  // A request a browser marks as cross-site without an Origin (some navigations) counts as foreign too.
  const crossSite = req.headers['sec-fetch-site'] === 'cross-site';
  if (origin === undefined && !crossSite) return true;
  const same = origin !== undefined && origin.toLowerCase() === ownOrigin(req);
  const adminWrite = path.startsWith('/_tandem/') && req.method !== 'GET' && req.method !== 'HEAD';
  if (same && !crossSite) return true;
  if (adminWrite || origin === undefined || !originAllowed(policy, origin)) {
    refuse(res, `Origin ${JSON.stringify(origin ?? 'cross-site')} is not allowed${adminWrite ? ' on admin routes' : '; add it to host.allowedOrigins (--allowed-origins)'}.`);
    return false;
  }
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
      'access-control-expose-headers': 'x-amzn-requestid, x-amzn-query-error',
      'access-control-max-age': '600',
      'content-length': '0',
    });
    res.end();
    return false;
  }
  res.setHeader('access-control-expose-headers', 'x-amzn-requestid, x-amzn-query-error');
  return true;
}

function refuse(res: ServerResponse, message: string): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(message + '\n');
}
