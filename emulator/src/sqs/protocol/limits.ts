/**
 * Request-size limits of the SQS endpoint, enforced before a body is buffered or parsed, so that no
 * client can make one request cost more than a valid SQS request can.
 *
 * AWS caps a message (body plus attributes) at 1 MiB, and refuses larger HTTP bodies with
 * `413 Request Entity Too Large` and a plain-text `HTTP content length exceeded N bytes.` (what
 * SDKs have long reported, e.g. aws/aws-sdk-js#479). A valid request's encoding can only inflate
 * that payload so much: JSON escapes at most one character in two (`\n`, `"`, `\\`; other
 * allowed characters go as raw UTF-8), the form encoding at most triples it (`%XX`). Each limit
 * is that worst case plus room for the other parameters of a 10-entry batch.
 */
import type { IncomingMessage } from 'node:http';

const MESSAGE_MAX = 1024 * 1024;
const OVERHEAD = 256 * 1024;
export const MAX_JSON_BODY = 2 * MESSAGE_MAX + OVERHEAD;
export const MAX_QUERY_BODY = 3 * MESSAGE_MAX + OVERHEAD;

/** Deepest JSON a valid SQS input has is 5 levels (MessageAttributes.<name>.BinaryListValues[]
 * inside a batch entry); anything far deeper is refused before JSON.parse sees it. */
export const MAX_JSON_DEPTH = 32;

/** The largest body this request may have, from its headers (the protocol is known before the body). */
export function maxRequestBytes(req: IncomingMessage): number {
  const ct = req.headers['content-type'];
  if (ct !== undefined && ct.startsWith('application/x-www-form-urlencoded')) return MAX_QUERY_BODY;
  if (req.headers['x-amz-target'] !== undefined || (ct !== undefined && ct.startsWith('application/x-amz-json'))) return MAX_JSON_BODY;
  return MAX_QUERY_BODY;
}

/** True when the JSON text nests arrays/objects deeper than MAX_JSON_DEPTH: one pass over the
 * bytes, skipping strings, so a hostile body costs no allocation. */
export function jsonTooDeep(body: Buffer): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
