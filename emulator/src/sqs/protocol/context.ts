/**
 * Who is asking and where: the RequestContext semantics get with every call. Signatures are not
 * checked (like every emulator); the SigV4 credential scope only chooses region and account.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SqsConfig } from '../config.js';
import type { RequestContext } from '../semantics/api.js';

export interface CredentialScope {
  accessKeyId: string;
  region: string;
}

/**
 * `Credential=AKID/20260101/us-east-1/sqs/aws4_request` from an `Authorization` header, or the
 * `X-Amz-Credential` value of a presigned URL (`AKID/20260101/us-east-1/sqs/aws4_request`).
 */
export function parseCredentialScope(text: string | undefined): CredentialScope | undefined {
  if (!text) return undefined;
  const at = text.indexOf('Credential=');
  const start = at < 0 ? 0 : at + 'Credential='.length;
  let end = text.indexOf(',', start);
  if (end < 0) end = text.length;
  const parts = text.slice(start, end).trim().split('/');
  if (parts.length !== 5 || !parts[0] || !parts[2]) return undefined;
  return { accessKeyId: parts[0], region: parts[2] };
}

const ACCOUNT_ID = /^\d{12}$/;

export function requestContext(req: IncomingMessage, config: SqsConfig, presignedCredential?: string): RequestContext {
  const scope = parseCredentialScope(req.headers.authorization) ?? parseCredentialScope(presignedCredential);
  const trace = req.headers['x-amzn-trace-id'];
  return {
    region: scope?.region ?? config.region,
    // LocalStack's convention: an access key that is an account id selects that account.
    accountId: scope && ACCOUNT_ID.test(scope.accessKeyId) ? scope.accessKeyId : config.accountId,
    baseUrl: baseUrl(req, config),
    requestId: randomUUID(),
    traceHeader: typeof trace === 'string' ? trace : undefined,
  };
}

function baseUrl(req: IncomingMessage, config: SqsConfig): string {
  if (config.baseUrl) return config.baseUrl.endsWith('/') ? config.baseUrl.slice(0, -1) : config.baseUrl;
  const host = req.headers.host;
  if (host) {
    // A Host without a port (Ruby SDK v1) means port 80 to the client; if the request did not
    // really arrive on 80, the port it arrived on is the one that reaches us.
    const hasPort = /:\d+$/.test(host) && !/^\[[^\]]*\]$/.test(host);
    const port = req.socket.localPort;
    return hasPort || port === 80 || port === undefined ? `http://${host}` : `http://${host}:${port}`;
  }
  // HTTP/1.0 clients may omit Host: the address they reached is the next best thing.
  const { localAddress, localPort } = req.socket;
  return localAddress?.includes(':') ? `http://[${localAddress}]:${localPort}` : `http://${localAddress}:${localPort}`;
}
