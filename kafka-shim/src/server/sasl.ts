/**
 * SASL authentication of a Kafka connection (`kafka.saslUsers`), as Kafka's SaslServerAuthenticator
 * runs it before any other request: ApiVersions (once) and SaslHandshake (17, v0-1), then the
 * mechanism's exchange, in SaslAuthenticate requests (36) after a v1 handshake or as raw size-prefixed
 * tokens without Kafka headers after a v0 one (kafka-python, old librdkafka).
 *
 * Mechanisms: PLAIN and SCRAM-SHA-256/512 (RFC 5802/7677). SCRAM's salted credentials are derived
 * once, at startup, from the configured passwords (4096 iterations, Kafka's minimum), so a login
 * costs two HMACs, not a PBKDF2 run. Failure messages are Kafka's: PLAIN's own, and for SCRAM the
 * generic one Kafka sends so as not to reveal whether a user exists.
 *
 * This file holds the state machine and the mechanisms; connection.ts feeds it frames and sends
 * what it returns.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

const SCRAM_ITERATIONS = 4096;

interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** Users and what every mechanism needs to check them, built once per process. */
export class SaslUsers {
  private readonly passwords = new Map<string, Buffer>();
  private readonly scram = new Map<string, ScramCredential>();

  constructor(
    entries: readonly string[],
    readonly mechanisms: readonly Mechanism[],
  ) {
    for (const e of entries) {
      const at = e.indexOf(':');
      const user = e.slice(0, at);
      const password = e.slice(at + 1);
      this.passwords.set(user, Buffer.from(password, 'utf8'));
      for (const m of mechanisms) {
        if (m === 'PLAIN') continue;
        const hash = scramHash(m);
        const salt = randomBytes(32);
        const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, hash === 'sha256' ? 32 : 64, hash);
        const clientKey = hmac(hash, salted, 'Client Key');
        this.scram.set(`${m}\0${user}`, { salt, storedKey: createHash(hash).update(clientKey).digest(), serverKey: hmac(hash, salted, 'Server Key') });
      }
    }
  }

  /** Parse `--kafka-sasl-mechanisms`; unknown names are a startup error. */
  static mechanismsOf(list: string): Mechanism[] {
    const names = list.split(',').map((m) => m.trim().toUpperCase()).filter((m) => m !== '');
    for (const n of names) if (!(MECHANISMS as readonly string[]).includes(n)) throw new Error(`unknown SASL mechanism ${n} (one of ${MECHANISMS.join(', ')})`);
    if (names.length === 0) throw new Error('no SASL mechanism enabled');
    return names as Mechanism[];
  }

  checkPassword(user: string, password: Buffer): boolean {
    const want = this.passwords.get(user);
    return want !== undefined && want.length === password.length && timingSafeEqual(want, password);
  }

  scramCredential(mechanism: Mechanism, user: string): ScramCredential | undefined {
    return this.scram.get(`${mechanism}\0${user}`);
  }
}

/** An authentication failure the client is told about (SASL_AUTHENTICATION_FAILED with this text). */
export class SaslFailure extends Error {}

/** One mechanism's server side: evaluate a client token, answer a server token. */
export interface SaslExchange {
  evaluate(token: Buffer): Buffer;
  readonly complete: boolean;
  /** The authenticated user, once complete. */
  readonly user: string | undefined;
}

export function startExchange(mechanism: Mechanism, users: SaslUsers): SaslExchange {
  return mechanism === 'PLAIN' ? new PlainExchange(users) : new ScramExchange(mechanism, users);
}

class PlainExchange implements SaslExchange {
  complete = false;
  user: string | undefined;
  constructor(private readonly users: SaslUsers) {}

  evaluate(token: Buffer): Buffer {
    // authzid NUL authcid NUL password (RFC 4616).
    const parts: Buffer[] = [];
    let start = 0;
    for (let i = 0; i <= token.length; i++) {
      if (i === token.length || token[i] === 0) {
        parts.push(token.subarray(start, i));
        start = i + 1;
      }
    }
    if (parts.length !== 3) throw new SaslFailure(`Invalid SASL/PLAIN response: expected 3 tokens, got ${parts.length}`);
    const [authzid, user, password] = [parts[0].toString('utf8'), parts[1].toString('utf8'), parts[2]];
    if (user === '') throw new SaslFailure('Authentication failed: username not specified');
    if (password.length === 0) throw new SaslFailure('Authentication failed: password not specified');
    if (!this.users.checkPassword(user, password)) throw new SaslFailure('Authentication failed: Invalid username or password');
    if (authzid !== '' && authzid !== user) throw new SaslFailure('Authentication failed: Client requested an authorization id that is different from username');
    this.user = user;
    this.complete = true;
    return Buffer.alloc(0);
  }
}

class ScramExchange implements SaslExchange {
  complete = false;
  user: string | undefined;
  private state: 'first' | 'final' = 'first';
  private clientFirstBare = '';
  private serverFirst = '';
  private gs2Header = '';
  private nonce = '';
  private credential: ScramCredential | undefined;
  private readonly hash: 'sha256' | 'sha512';

  constructor(
    private readonly mechanism: Mechanism,
    private readonly users: SaslUsers,
  ) {
    this.hash = scramHash(mechanism);
  }

  evaluate(token: Buffer): Buffer {
    const text = token.toString('utf8');
    if (this.state === 'first') {
      // gs2-header ("n,," / "y,," / "n,a=authzid,") then client-first-message-bare.
      const m = /^([nyp][^,]*),(a=[^,]*)?,(.*)$/s.exec(text);
      if (!m || m[1].startsWith('p')) throw new Error('Invalid SCRAM client first message');
      this.gs2Header = `${m[1]},${m[2] ?? ''},`;
      this.clientFirstBare = m[3];
      const attrs = attributes(this.clientFirstBare);
      const user = unescapeName(attrs.get('n') ?? '');
      const clientNonce = attrs.get('r');
      if (!clientNonce) throw new Error('Invalid SCRAM client first message');
      const credential = this.users.scramCredential(this.mechanism, user);
      if (!credential) throw new Error('Authentication failed: Invalid user credentials');
      const authzid = m[2] ? unescapeName(m[2].slice(2)) : '';
      if (authzid !== '' && authzid !== user) throw new SaslFailure('Authentication failed: Client requested an authorization id that is different from username');
      this.user = user;
      this.credential = credential;
      this.nonce = clientNonce + randomBytes(24).toString('base64').replace(/[+/=]/g, '');
      this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${SCRAM_ITERATIONS}`;
      this.state = 'final';
      return Buffer.from(this.serverFirst, 'utf8');
    }
    const at = text.lastIndexOf(',p=');
    if (at < 0) throw new Error('Authentication failed: Invalid client final message');
    const withoutProof = text.slice(0, at);
    const attrs = attributes(withoutProof);
    // Kafka checks that the nonce *ends with* its own, and librdkafka relies on it: it sends its
    // client nonce again in front of the combined one.
    if (!(attrs.get('r') ?? '').endsWith(this.nonce)) throw new Error('Invalid client nonce in the final client message.');
    if (attrs.get('c') !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) throw new Error('Authentication failed: Invalid client final message');
    const proof = Buffer.from(text.slice(at + 3), 'base64');
    const cred = this.credential!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.hash, cred.storedKey, authMessage);
    if (proof.length !== signature.length) throw new Error('Invalid client credentials');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ signature[i];
    if (!timingSafeEqual(createHash(this.hash).update(clientKey).digest(), cred.storedKey)) throw new Error('Invalid client credentials');
    this.complete = true;
    return Buffer.from(`v=${hmac(this.hash, cred.serverKey, authMessage).toString('base64')}`, 'utf8');
  }
}

function scramHash(m: Mechanism): 'sha256' | 'sha512' {
  return m === 'SCRAM-SHA-512' ? 'sha512' : 'sha256';
}

function hmac(hash: string, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data, 'utf8').digest();
}

/** `k=v,k=v` (values may contain `=`; extensions are kept but ignored). */
function attributes(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0], part.slice(2));
  }
  return out;
}

/** RFC 5802 saslname: `=2C` is a comma, `=3D` an equals sign. */
function unescapeName(s: string): string {
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** Kafka's text for a failure that is not a SaslAuthenticationException: the cause stays on the broker. */
export function failureMessage(err: unknown, mechanism: string, reauth: boolean): string {
  if (err instanceof SaslFailure) return err.message;
  return `Authentication failed during ${reauth ? 're-authentication' : 'authentication'} due to invalid credentials with SASL mechanism ${mechanism}`;
}
