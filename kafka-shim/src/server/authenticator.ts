/**
 * The SASL side of a Kafka connection (Kafka's SaslServerAuthenticator): which requests may come
 * before authentication, the handshake, the mechanism's exchange in SaslAuthenticate requests or
 * raw tokens, KIP-368 re-authentication and session expiry. The connection (connection.ts) hands
 * it every frame while authentication is pending and sends what it answers; the mechanisms
 * themselves are in sasl.ts.
 */
import type { ApiRegistry } from '../apis/registry.js';
import type { ConnectionInfo } from '../apis/api.js';
import { ErrorCode } from '../errors.js';
import { API_VERSIONS_KEY, decodeRequestBody, readHeaderRest } from '../protocol/messages.js';
import type { Reader } from '../protocol/reader.js';
import type { Logger } from '../../../emulator/src/core/logger.js';
import { failureMessage, SaslFailure, startExchange, type Mechanism, type SaslExchange, type SaslUsers } from './sasl.js';

/** SASL on a listener: who may connect, how, and for how long a login lasts. */
export interface ConnectionAuth {
  readonly users: SaslUsers;
  /** Kafka's connections.max.reauth.ms; 0: sessions never end. */
  readonly sessionLifetimeMs: number;
  /** The broker's clock (injectable), for session expiry. */
  readonly now: () => number;
}

/** Where a connection is in Kafka's SaslServerAuthenticator states. */
interface SaslSession {
  state: 'versions' | 'handshake' | 'authenticate' | 'raw' | 'done';
  mechanism?: Mechanism;
  exchange?: SaslExchange;
  /** A KIP-368 re-authentication: the principal must stay the same. */
  reauth: boolean;
  /** Clock time the session ends (0: never). */
  expiresAt: number;
}

const SASL_HANDSHAKE_KEY = 17;
const SASL_AUTHENTICATE_KEY = 36;
/** Kafka's sasl.server.max.receive.size: frames before authentication are small. */
export const MAX_UNAUTHENTICATED_FRAME = 524_288;

/** What the authenticator needs of its connection. */
export interface AuthenticatorHost {
  readonly info: ConnectionInfo;
  readonly apis: ApiRegistry;
  readonly log: Logger;
  /** A Kafka response, in order; `close` ends the connection once it is sent. */
  answer(apiKey: number, apiVersion: number, correlationId: number, body: object, close: boolean): void;
  /** A size-prefixed raw token (after a v0 handshake). */
  rawAnswer(token: Buffer): void;
  /** Close the connection without an answer, logging why. */
  fail(reason: string, fields?: Record<string, unknown>): void;
}

export class Authenticator {
  private readonly session: SaslSession = { state: 'versions', reauth: false, expiresAt: 0 };

  constructor(
    private readonly auth: ConnectionAuth,
    private readonly host: AuthenticatorHost,
  ) {}

  /** Authentication has not completed: frames are small and only the authenticator's. */
  get pending(): boolean {
    return this.session.state !== 'done';
  }

  /** The next frame is a raw token, not a Kafka request. */
  get raw(): boolean {
    return this.session.state === 'raw';
  }

  /**
   * SASL before anything else, as Kafka's SaslServerAuthenticator: true when the request was the
   * authenticator's (answered, or the connection closed), false to serve it normally (ApiVersions
   * during the handshake, everything once authenticated).
   */
  onRequest(r: Reader, apiKey: number, apiVersion: number, correlationId: number): boolean {
    const sasl = this.session;
    const auth = this.auth;
    if (sasl.state === 'done') {
      if (apiKey === SASL_HANDSHAKE_KEY && auth.sessionLifetimeMs > 0) {
        // KIP-368: a client re-authenticates on the same connection before its session ends.
        sasl.state = 'handshake';
        sasl.reauth = true;
      } else if (sasl.expiresAt > 0 && auth.now() >= sasl.expiresAt) {
        this.host.fail('SASL session expired', { principal: this.host.info.principal });
        return true;
      } else {
        return false;
      }
    }
    const handler = this.host.apis.get(apiKey);
    if (apiKey === API_VERSIONS_KEY && sasl.state === 'versions') {
      if (handler && apiVersion >= handler.minVersion && apiVersion <= handler.maxVersion) sasl.state = 'handshake';
      return false;
    }
    const expected = apiKey === SASL_HANDSHAKE_KEY ? sasl.state === 'versions' || sasl.state === 'handshake' : apiKey === SASL_AUTHENTICATE_KEY && sasl.state === 'authenticate';
    if (!expected || !handler || apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      this.host.fail(`Unexpected Kafka request of type ${handler?.name ?? apiKey} during SASL ${sasl.state === 'authenticate' ? 'authentication' : 'handshake'}.`, { apiVersion });
      return true;
    }
    let request: { mechanism?: string; authBytes?: Buffer };
    try {
      this.host.info.clientId = readHeaderRest(r, apiKey, apiVersion) ?? this.host.info.clientId;
      request = decodeRequestBody(apiKey, apiVersion, r) as typeof request;
    } catch (err) {
      this.host.fail('undecodable request', { api: handler.name, apiVersion, err: (err as Error).message });
      return true;
    }
    if (apiKey === SASL_HANDSHAKE_KEY) {
      const mechanism = request.mechanism ?? '';
      const enabled = auth.users.mechanisms;
      const ok = (enabled as readonly string[]).includes(mechanism) && (!sasl.reauth || mechanism === sasl.mechanism);
      this.host.answer(apiKey, apiVersion, correlationId, { errorCode: ok ? 0 : ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [...enabled] }, !ok);
      if (!ok) return true;
      sasl.mechanism = mechanism as Mechanism;
      sasl.exchange = startExchange(sasl.mechanism, auth.users);
      // v0: the exchange continues in raw tokens without Kafka headers (kafka-python, old librdkafka).
      sasl.state = apiVersion === 0 ? 'raw' : 'authenticate';
      return true;
    }
    const exchange = sasl.exchange!;
    try {
      const token = exchange.evaluate(request.authBytes ?? Buffer.alloc(0));
      const done = exchange.complete && this.authenticated(exchange);
      this.host.answer(apiKey, apiVersion, correlationId, { errorCode: 0, errorMessage: null, authBytes: token, sessionLifetimeMs: done ? auth.sessionLifetimeMs : 0 }, false);
    } catch (err) {
      const errorMessage = failureMessage(err, sasl.mechanism!, sasl.reauth);
      this.host.log.info('kafka.sasl.failed', { conn: this.host.info.id, remote: `${this.host.info.remoteAddress}:${this.host.info.remotePort}`, mechanism: sasl.mechanism, err: (err as Error).message });
      this.host.answer(apiKey, apiVersion, correlationId, { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage, authBytes: Buffer.alloc(0) }, true);
    }
    return true;
  }

  /** A raw SASL token after a v0 handshake: the reply is a size-prefixed token; a failure just closes. */
  onRawToken(frame: Buffer): void {
    const sasl = this.session;
    try {
      const exchange = sasl.exchange!;
      const token = exchange.evaluate(frame);
      if (exchange.complete) this.authenticated(exchange);
      this.host.rawAnswer(token);
    } catch (err) {
      this.host.fail('SASL authentication failed', { mechanism: sasl.mechanism, err: failureMessage(err, sasl.mechanism!, sasl.reauth) });
    }
  }

  /** The exchange succeeded: the session starts (or, re-authenticating, goes on) as its user. */
  private authenticated(exchange: SaslExchange): boolean {
    const sasl = this.session;
    const principal = `User:${exchange.user!}`;
    if (sasl.reauth && principal !== this.host.info.principal) {
      throw new SaslFailure(`Cannot change principals during re-authentication from ${this.host.info.principal}: ${principal}`);
    }
    this.host.info.principal = principal;
    sasl.state = 'done';
    sasl.exchange = undefined;
    const lifetime = this.auth.sessionLifetimeMs;
    sasl.expiresAt = lifetime > 0 ? this.auth.now() + lifetime : 0;
    this.host.log.debug('kafka.sasl.authenticated', { conn: this.host.info.id, principal, mechanism: sasl.mechanism, reauth: sasl.reauth });
    return true;
  }
}
