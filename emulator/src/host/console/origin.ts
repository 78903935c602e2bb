/**
 * The console's own cross-origin rule for its state-changing routes (send, purge, produce): a
 * browser page on another site must not be able to drive them. Browsers send Origin on every
 * cross-origin POST (and Sec-Fetch-Site where supported); tools such as curl send neither and are
 * let through. Kept local and small: the host's general Origin/Host check is separate.
 * Also maps engine errors to HTTP statuses for the console's JSON answers.
 */
import type { IncomingMessage } from 'node:http';
import { SqsError } from '../../sqs/semantics/api.js';
import { ErrorCode, KafkaError } from '../../../../kafka-shim/src/errors.js';

/** Why the request is refused, or undefined when it comes from the console's own origin (or no browser). */
export function sameOrigin(req: IncomingMessage): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `cross-site request refused (Sec-Fetch-Site: ${site})`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  let host: string | undefined;
  try {
    host = origin === 'null' ? undefined : new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host === undefined || host !== req.headers.host) return `cross-origin request from ${origin} refused`;
  return undefined;
}

export function errorStatus(err: unknown): number {
  const status = (err as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 600) return status;
  if (err instanceof SyntaxError) return 400;
  if (err instanceof SqsError) return err.code === 'QueueDoesNotExist' || err.code === 'ResourceNotFoundException' ? 404 : 400;
  if (err instanceof KafkaError) return err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? 404 : 400;
  return 500;
}
