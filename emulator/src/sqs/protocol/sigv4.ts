/**
 * Optional SigV4 verification (`sqs.auth`): with access keys configured, every SQS request must be
 * signed by one of them, as AWS requires; without, nothing here runs (the handler skips the call),
 * so the default hot path pays nothing.
 *
 * Both forms AWS accepts: the `Authorization: AWS4-HMAC-SHA256 ...` header and query-string
 * (presigned) auth with `X-Amz-Algorithm`/`X-Amz-Credential`/`X-Amz-Signature`. The canonical request
 * is rebuilt from what arrived on the wire (raw path, raw query, raw header values), as SDK signers
 * build it for non-S3 services (path segments escaped twice). Failures are AWS's errors:
 * MissingAuthenticationToken, IncompleteSignature, InvalidClientTokenId (unknown key),
 * SignatureDoesNotMatch (with the canonical request and string to sign AWS shows), RequestExpired
 * (X-Amz-Date more than 15 minutes from the clock, or a presigned URL past X-Amz-Expires).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../core/clock.js';
import { SqsError } from '../semantics/api.js';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SKEW_MS = 15 * 60 * 1000;
const UNSIGNED = 'UNSIGNED-PAYLOAD';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MAX_PRESIGN_EXPIRES = 7 * 24 * 3600;

export type Verifier = (req: IncomingMessage, rawPath: string, rawQuery: string, body: Buffer) => void;

/** `id:secret` entries (the secret may itself contain `:`). */
export function parseAccessKeys(entries: readonly string[]): AccessKey[] {
  return entries.map((e) => {
    const at = e.indexOf(':');
    if (at <= 0 || at === e.length - 1) throw new Error(`sqs.auth entry must be ACCESS_KEY_ID:SECRET_ACCESS_KEY, got ${JSON.stringify(e.replace(/:.*/, ':…'))}`);
    return { accessKeyId: e.slice(0, at), secretAccessKey: e.slice(at + 1) };
  });
}

export function createVerifier(keys: readonly AccessKey[], clock: Clock): Verifier {
  const secrets = new Map(keys.map((k) => [k.accessKeyId, k.secretAccessKey]));
  // Signing keys change once a day per key and scope: derived once, not four HMACs per request.
  const signingKeys = new Map<string, Buffer>();
  const signingKey = (secret: string, scope: string[]): Buffer => {
    const id = `${secret}\0${scope.join('/')}`;
    let k = signingKeys.get(id);
    if (!k) {
      k = hmac(`AWS4${secret}`, scope[1]);
      for (const part of scope.slice(2)) k = hmac(k, part);
      if (signingKeys.size > 1000) signingKeys.clear();
      signingKeys.set(id, k);
    }
    return k;
  };

  return (req, rawPath, rawQuery, body) => {
    const auth = req.headers.authorization;
    const params = parseQuery(rawQuery);
    const presigned = params.find(([k]) => k === 'X-Amz-Algorithm' || k === 'X-Amz-Signature' || k === 'X-Amz-Credential');
    let credential: string;
    let signedHeaders: string[];
    let signature: string;
    let amzDate: string;
    let expires: number | undefined;
    if (typeof auth === 'string' && auth !== '') {
      if (!auth.startsWith(ALGORITHM + ' ')) throw new SqsError('IncompleteSignature', `Unsupported AWS 'algorithm': '${auth.split(' ')[0]}'`);
      const fields = new Map<string, string>();
      for (const part of auth.slice(ALGORITHM.length + 1).split(',')) {
        const eq = part.indexOf('=');
        if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
      }
      const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((f) => !fields.get(f));
      const date = header(req, 'x-amz-date') ?? header(req, 'date');
      const problems = missing.map((f) => `Authorization header requires '${f}' parameter.`);
      if (!date) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
      if (problems.length > 0) throw new SqsError('IncompleteSignature', `${problems.join(' ')} Authorization=${auth}`);
      credential = fields.get('Credential')!;
      signedHeaders = fields.get('SignedHeaders')!.split(';');
      signature = fields.get('Signature')!;
      amzDate = date!.includes('T') ? date! : isoBasic(new Date(date!));
    } else if (presigned) {
      const get = (k: string) => params.find(([n]) => n === k)?.[1];
      const need = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
      const missing = need.filter((k) => !get(k));
      if (missing.length > 0) {
        throw new SqsError('IncompleteSignature', missing.map((k) => `AWS query-string parameters must include '${k}'.`).join(' ') + ` Re-examine the query-string parameters.`);
      }
      if (get('X-Amz-Algorithm') !== ALGORITHM) throw new SqsError('IncompleteSignature', `Unsupported AWS 'algorithm': '${get('X-Amz-Algorithm')}'`);
      credential = get('X-Amz-Credential')!;
      signedHeaders = get('X-Amz-SignedHeaders')!.split(';');
      signature = get('X-Amz-Signature')!;
      amzDate = get('X-Amz-Date')!;
      const exp = get('X-Amz-Expires');
      expires = exp === undefined ? MAX_PRESIGN_EXPIRES : Number(exp);
      if (!Number.isInteger(expires) || expires < 0 || expires > MAX_PRESIGN_EXPIRES) {
        throw new SqsError('IncompleteSignature', `X-Amz-Expires must be a non-negative integer of at most ${MAX_PRESIGN_EXPIRES} seconds.`);
      }
    } else {
      throw new SqsError('MissingAuthenticationToken', 'Request is missing Authentication Token');
    }

    const scope = credential.split('/');
    if (scope.length !== 5 || scope[4] !== 'aws4_request') {
      throw new SqsError('IncompleteSignature', `Credential should be scoped to a valid region, not '${scope[2] ?? ''}'. Credential=${credential}`);
    }
    const secret = secrets.get(scope[0]);
    if (secret === undefined) throw new SqsError('InvalidClientTokenId', 'The security token included in the request is invalid.');
    const signedAt = parseIsoBasic(amzDate);
    if (signedAt === undefined) throw new SqsError('IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);

    const now = clock.now();
    if (expires !== undefined) {
      if (now > signedAt + expires * 1000) throw new SqsError('RequestExpired', `Request has expired. X-Amz-Date ${amzDate}, X-Amz-Expires ${expires}, now ${isoBasic(new Date(now))}.`);
      if (signedAt - now > SKEW_MS) throw new SqsError('RequestExpired', `Signature not yet current: ${amzDate} is still later than ${isoBasic(new Date(now + SKEW_MS))} (${isoBasic(new Date(now))} + 15 min.)`);
    } else if (now - signedAt > SKEW_MS) {
      throw new SqsError('RequestExpired', `Signature expired: ${amzDate} is now earlier than ${isoBasic(new Date(now - SKEW_MS))} (${isoBasic(new Date(now))} - 15 min.)`);
    } else if (signedAt - now > SKEW_MS) {
      throw new SqsError('RequestExpired', `Signature not yet current: ${amzDate} is still later than ${isoBasic(new Date(now + SKEW_MS))} (${isoBasic(new Date(now))} + 15 min.)`);
    }
    if (scope[1] !== amzDate.slice(0, 8)) {
      throw new SqsError('SignatureDoesNotMatch', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope[1]}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
    }

    const declared = header(req, 'x-amz-content-sha256');
    const bodyHash = body.length === 0 ? EMPTY_SHA256 : sha256(body);
    if (declared !== undefined && declared !== UNSIGNED && declared !== bodyHash) {
      throw new SqsError('SignatureDoesNotMatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    const canonicalHeaders = signedHeaders.map((h) => `${h}:${headerValues(req, h)}\n`).join('');
    const query = params
      .filter(([k]) => expires === undefined || k !== 'X-Amz-Signature')
      .map(([k, v]) => [uriEscape(k), uriEscape(v)])
      .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const path = rawPath === '' ? '/' : rawPath.split('/').map(uriEscape).join('/');
    const key = signingKey(secret, scope);
    // A presigned URL may have been signed over the body or (as S3's signers do) UNSIGNED-PAYLOAD.
    const hashes = declared !== undefined ? [declared] : expires !== undefined ? [bodyHash, UNSIGNED] : [bodyHash];
    let first: { canonical: string; toSign: string } | undefined;
    for (const hash of hashes) {
      const canonical = `${req.method ?? 'GET'}\n${path}\n${query}\n${canonicalHeaders}\n${signedHeaders.join(';')}\n${hash}`;
      const toSign = `${ALGORITHM}\n${amzDate}\n${scope.slice(1).join('/')}\n${sha256(canonical)}`;
      if (sameHex(hmac(key, toSign).toString('hex'), signature)) return;
      first ??= { canonical, toSign };
    }
    throw new SqsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
        `\n\nThe Canonical String for this request should have been\n'${first!.canonical}'\n\nThe String-to-Sign should have been\n'${first!.toSign}'\n`,
    );
  };
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** A signed header's canonical value: every occurrence (raw, not Node's merged form), trimmed, inner runs of spaces collapsed, joined by commas. */
function headerValues(req: IncomingMessage, name: string): string {
  const values: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === name.length && raw[i].toLowerCase() === name) values.push(raw[i + 1].trim().replace(/\s+/g, ' '));
  }
  return values.join(',');
}

/** The query string's parameters, decoded (a `+` is a space, as in forms). */
function parseQuery(raw: string): [string, string][] {
  if (raw === '') return [];
  const out: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decode(k), decode(v)]);
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** RFC 3986 escaping, as SigV4 canonicalizes: everything but A-Z a-z 0-9 - _ . ~ . */
function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function isoBasic(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseIsoBasic(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(t) ? undefined : t;
}
