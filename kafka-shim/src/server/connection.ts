/**
 * One client connection: size-prefixed framing, dispatch to the handlers of the registry it was
 * given, and strictly ordered responses.
 *
 * Handlers are called in arrival order as soon as each frame is decoded, so pipelined requests run
 * concurrently (a slow Fetch long-poll does not delay the Produce behind it from reaching the store);
 * the synchronous part of each handler runs before the next request's handler starts. Responses
 * wait in a per-connection queue and leave strictly in request order; NO_RESPONSE (Produce with
 * acks=0) takes a place in that order but sends nothing.
 *
 * Memory is bounded per connection whatever the client does: reading pauses (backpressure, as
 * Kafka's muted channels and socket buffers) while maxInFlight requests are unanswered or
 * maxUnsentBytes of responses wait to be sent; when the connection closes, every queued response
 * is dropped and the handlers still running are told so (`ctx.signal`), so a Fetch long-poll
 * stops instead of building a response nobody will read. Across connections, frames still
 * arriving hold a reservation in one shared FrameBudget (./frame-budget.ts); a connection whose
 * frame does not fit stops reading until another frame completes or its connection closes.
 *
 * With SASL configured (authenticator.ts), frames go to the authenticator until the client has
 * logged in; until then they are capped at Kafka's 512 KiB SASL receive size.
 *
 * Bad input never reaches past this file: an oversized or undecodable frame, an unknown API key or
 * an unsupported version closes the connection with one warn line, as Kafka does; the exception
 * is an unsupported ApiVersions version, answered per KIP-511.
 */
import type net from 'node:net';
import type { Broker } from '../broker.js';
import { ErrorCode } from '../errors.js';
import { NO_RESPONSE, type AdvertisedEndpoint, type ApiHandler, type ApiKey, type ConnectionInfo, type RequestContext, type RequestOf } from '../apis/api.js';
import type { ApiRegistry } from '../apis/registry.js';
import { refuseIfNotCoordinator } from './coordinator.js';
import { enforceAcls, runGated } from '../acl/enforce.js';
import {
  API_VERSIONS_KEY,
  decodeRequestBody,
  encodeResponse,
  readHeaderPrefix,
  readHeaderRest,
} from '../protocol/messages.js';
import { Reader } from '../protocol/reader.js';
import { inRange } from '../protocol/spec.js';
import type { FrameBudget } from './frame-budget.js';
import type { Logger } from '../../../emulator/src/core/logger.js';
import type { FaultEffect, Faults } from '../../../emulator/src/core/faults.js';
import { describeRequest, faultErrorCode, faultResponse } from './faults.js';
import { firstErrorCode, hasTopLevelErrorCode, topicsOf } from './shapes.js';
import { Authenticator, MAX_UNAUTHENTICATED_FRAME, type ConnectionAuth } from './authenticator.js';

export type { ConnectionAuth };

export interface ConnectionOptions {
  readonly broker: Broker;
  readonly apis: ApiRegistry;
  /** The address clients of this connection's listener are told to connect to. */
  readonly advertised: AdvertisedEndpoint;
  /** The broker whose listener accepted this connection. */
  readonly nodeId: number;
  readonly log: Logger;
  /** Frames above this size close the connection. */
  readonly maxFrameBytes: number;
  /** Stop reading from a client with this many responses outstanding. */
  readonly maxInFlight: number;
  /** Stop reading from a client with this many response bytes not yet sent. */
  readonly maxUnsentBytes?: number;
  /** Close after this long without traffic (ms; Kafka's connections.max.idle.ms); 0: never. */
  readonly idleTimeoutMs?: number;
  /** Close when a frame has been arriving this long without completing (ms); 0: never. */
  readonly requestTimeoutMs?: number;
  /** Shared by all connections: bytes of frames still arriving (see frame-budget.ts). */
  readonly budget?: FrameBudget;
  readonly onClose: (conn: Connection) => void;
  /** SASL required before any other request (absent: no authentication, as a PLAINTEXT listener). */
  readonly auth?: ConnectionAuth;
}

interface Slot {
  /** undefined while the handler runs; [] for NO_RESPONSE; null to close the connection here. */
  chunks: Buffer[] | null | undefined;
  /** performance.now() at dispatch, only while the broker has a metrics observer. */
  started?: number;
  /** A Fetch: counted in fetchesOpen until its response has been handed to the socket. */
  fetch?: boolean;
  /** A fault rule drops this response: the connection closes in its place. */
  drop?: boolean;
}

const FETCH_KEY = 1;

export class Connection {
  readonly info: ConnectionInfo;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly queue: Slot[] = [];
  private closed = false;
  private processing = false;
  /** Response bytes completed but waiting behind an earlier response. */
  private queuedBytes = 0;
  private fetchesOpen = 0;
  private readonly abort = new AbortController();
  private partialTimer: NodeJS.Timeout | undefined;
  private readonly faults: Faults | undefined;
  private readonly sasl: Authenticator | undefined;
  /** Bytes of the frame now arriving, held in the shared budget. */
  private reserved = 0;
  /** Reading stopped until the shared budget has room for the frame now arriving. */
  private waitingForBudget = false;
  private readonly budgetWaiter = { wake: () => this.budgetWoke() };

  constructor(
    private readonly socket: net.Socket,
    id: number,
    private readonly opts: ConnectionOptions,
  ) {
    // `core?.`: connection tests hand a bare broker stub.
    this.faults = opts.broker.core?.faults;
    this.info = { id, remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, clientId: null, advertised: opts.advertised, nodeId: opts.nodeId, principal: 'User:ANONYMOUS' };
    if (opts.auth) {
      this.sasl = new Authenticator(opts.auth, {
        info: this.info,
        apis: opts.apis,
        log: opts.log,
        answer: (apiKey, apiVersion, correlationId, body, close) => this.answer(apiKey, apiVersion, correlationId, body, close),
        rawAnswer: (token) => this.rawAnswer(token),
        fail: (reason, fields) => this.fail(reason, fields),
      });
    }
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.updateFlow());
    socket.on('error', (err) => opts.log.debug('kafka.conn.error', { conn: id, err: err.message }));
    socket.on('close', () => {
      this.closed = true;
      this.release();
      opts.onClose(this);
    });
    if (opts.idleTimeoutMs) {
      socket.setTimeout(opts.idleTimeoutMs, () => {
        // An idle timeout with requests still unanswered (a long Fetch), or while we hold the
        // client back for the shared budget, is not idleness.
        if (this.queue.length > 0 || this.waitingForBudget) return;
        opts.log.debug('kafka.conn.idle', { conn: id });
        socket.destroy();
      });
    }
  }

  /** Drop everything held for this client and stop the handlers still working for it. */
  private release(): void {
    this.pending = [];
    this.pendingBytes = 0;
    for (const slot of this.queue) slot.chunks = [];
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.fetchesOpen = 0;
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.releaseBudget();
    this.abort.abort();
  }

  private releaseBudget(): void {
    const budget = this.opts.budget;
    if (!budget) return;
    if (this.waitingForBudget) {
      this.waitingForBudget = false;
      budget.cancel(this.budgetWaiter);
    }
    const bytes = this.reserved;
    this.reserved = 0;
    budget.release(bytes);
  }

  /** Reserve the frame now arriving in the shared budget; false: reading is paused until woken. */
  private reserveFrame(size: number): boolean {
    const budget = this.opts.budget;
    if (!budget || this.reserved > 0) return true;
    if (budget.tryReserve(size)) {
      this.reserved = size;
      return true;
    }
    if (!this.waitingForBudget) {
      this.waitingForBudget = true;
      this.opts.log.debug('kafka.conn.budget_wait', { conn: this.info.id, frameBytes: size, reserved: budget.reserved, limit: budget.limit });
      budget.wait(this.budgetWaiter);
    }
    if (!this.socket.isPaused()) this.socket.pause();
    return false;
  }

  private budgetWoke(): void {
    if (this.closed || !this.waitingForBudget) return;
    this.waitingForBudget = false;
    this.processFrames();
    this.updateFlow();
  }

  /** Room to dispatch another request: few enough unanswered, few enough bytes unsent. */
  private hasRoom(): boolean {
    return (
      this.queue.length < this.opts.maxInFlight &&
      this.socket.writableLength + this.queuedBytes < (this.opts.maxUnsentBytes ?? Number.MAX_SAFE_INTEGER)
    );
  }

  /** Close without waiting for outstanding responses (server shutdown). */
  destroy(): void {
    this.closed = true;
    this.release();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.processFrames();
  }

  /** Dispatch every complete buffered frame while there is room in the response queue. */
  private processFrames(): void {
    if (this.processing) return; // a handler completing synchronously re-enters via flush()
    this.processing = true;
    // Responses of handlers that answer synchronously leave in one write per batch of frames.
    this.socket.cork();
    try {
      while (this.pendingBytes >= 4 && !this.closed && this.hasRoom()) {
        if (this.pending[0].length < 4) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
        const size = this.pending[0].readInt32BE(0);
        const max = this.sasl?.pending ? Math.min(MAX_UNAUTHENTICATED_FRAME, this.opts.maxFrameBytes) : this.opts.maxFrameBytes;
        if (size <= 0 || size > max) {
          this.fail(`frame size ${size} outside 1..${max}`);
          return;
        }
        if (this.pendingBytes < 4 + size) {
          if (!this.reserveFrame(size)) return;
          return this.armPartialTimer();
        }
        // One concat per complete frame (not per chunk), so large frames stay linear.
        const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
        // One Fetch at a time per connection (what every client does anyway): its response may be
        // tens of MiB, and the unsent-bytes bound can only see responses once they exist.
        if (size >= 2 && all.readInt16BE(4) === FETCH_KEY && this.fetchesOpen > 0) {
          this.pending = [all];
          return;
        }
        const rest = all.subarray(4 + size);
        this.pending = rest.length > 0 ? [rest] : [];
        this.pendingBytes = rest.length;
        if (this.reserved > 0) this.releaseBudget();
        this.onFrame(all.subarray(4, 4 + size));
      }
      if (this.pendingBytes > 0 && this.pendingBytes < 4) this.armPartialTimer();
    } finally {
      this.processing = false;
      this.socket.uncork();
    }
  }

  /** A frame has started to arrive: it must complete within requestTimeoutMs (a client sending
   * half of a 100 MiB frame must not hold that memory for ever). Cleared by the next frame. */
  private armPartialTimer(): void {
    const ms = this.opts.requestTimeoutMs;
    if (!ms || this.partialTimer) return;
    this.partialTimer = setTimeout(() => {
      this.partialTimer = undefined;
      if (this.pendingBytes > 0 && !this.closed) this.fail('request not completed in time', { timeoutMs: ms, bufferedBytes: this.pendingBytes });
    }, ms);
    this.partialTimer.unref();
  }

  private onFrame(frame: Buffer): void {
    if (this.partialTimer) {
      clearTimeout(this.partialTimer);
      this.partialTimer = undefined;
    }
    if (this.sasl?.raw) return this.sasl.onRawToken(frame);
    const r = new Reader(frame);
    let apiKey: number;
    let apiVersion: number;
    let correlationId: number;
    try {
      ({ apiKey, apiVersion, correlationId } = readHeaderPrefix(r));
    } catch (err) {
      return this.fail('malformed request header', { err: (err as Error).message });
    }
    if (this.sasl?.onRequest(r, apiKey, apiVersion, correlationId)) return;
    const handler = this.opts.apis.get(apiKey);
    // Kafka closes on a key it does not know; for us, one without a handler.
    if (!handler) return this.fail('unknown API key', { apiKey, apiVersion });
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === API_VERSIONS_KEY) return this.unsupportedApiVersions(handler, correlationId);
      return this.fail('unsupported API version', { api: handler.name, apiVersion });
    }
    let clientId: string | null;
    let request: unknown;
    try {
      clientId = readHeaderRest(r, apiKey, apiVersion);
      request = decodeRequestBody(apiKey, apiVersion, r);
    } catch (err) {
      return this.fail('undecodable request', { api: handler.name, apiVersion, err: (err as Error).message });
    }
    if (clientId !== null) this.info.clientId = clientId;
    const ctx: RequestContext = { broker: this.opts.broker, apis: this.opts.apis, conn: this.info, apiVersion, correlationId, clientId, signal: this.abort.signal };
    const slot: Slot = { chunks: undefined, fetch: apiKey === FETCH_KEY };
    if (slot.fetch) this.fetchesOpen++;
    if (this.opts.broker.observe) slot.started = performance.now();
    this.queue.push(slot);
    this.updateFlow();
    // Fault injection: the one check a request pays while no rule exists.
    const faults = this.faults;
    if (faults?.kafka) {
      const fault = faults.take('kafka', describeRequest(handler.name, apiKey, request, clientId, this.opts.broker.log));
      if (fault) return this.inject(fault, slot, handler, request, ctx);
    }
    this.run(slot, handler, request, ctx);
  }

  private run(slot: Slot, handler: ApiHandler, request: unknown, ctx: RequestContext): void {
    let result: unknown;
    try {
      // The codec decoded the request with the schema of this handler's key.
      // ACLs first (Kafka authorizes before its coordinators look at a request), then NOT_COORDINATOR.
      result = runGated(enforceAcls(handler, request, ctx), request, (req) => refuseIfNotCoordinator(handler, req, ctx) ?? handler.handle(req as RequestOf<ApiKey>, ctx));
    } catch (err) {
      return this.handlerFailed(slot, handler, request, ctx, err);
    }
    if (result instanceof Promise) {
      result
        .then(
          (res) => this.complete(slot, handler, request, ctx, res),
          (err) => this.handlerFailed(slot, handler, request, ctx, err),
        )
        // Never an unhandled rejection (which would end the process): give up on this client.
        .catch((err) => {
          this.fail('internal error while answering', { api: handler.name, err: String(err) });
          this.socket.destroy();
        });
    } else {
      this.complete(slot, handler, request, ctx, result);
    }
  }

  /** A fault rule's effect, in this request's place of the response order: after its latency (on
   * the clock), an error response in the API's shape, a closed connection, or the request run
   * with its response replaced by a closed connection (dropResponse). */
  private inject(fault: FaultEffect, slot: Slot, handler: ApiHandler, request: unknown, ctx: RequestContext): void {
    this.opts.log.debug('kafka.fault', { conn: this.info.id, api: handler.name, rule: fault.rule });
    const act = () => {
      if (this.closed) return;
      if (fault.dropResponse) slot.drop = true;
      if (fault.disconnect) {
        slot.chunks = null;
        return this.flush();
      }
      if (fault.error === undefined) return this.run(slot, handler, request, ctx);
      // acks=0: the client reads no response, whatever happened.
      if (handler.key === 0 && (request as { acks?: number }).acks === 0) return this.complete(slot, handler, request, ctx, NO_RESPONSE);
      const code = faultErrorCode(fault.error);
      const res = faultResponse(handler.key, ctx.apiVersion, request, code);
      if (res === undefined) {
        slot.chunks = null;
        return this.flush();
      }
      this.complete(slot, handler, request, ctx, res);
    };
    if (fault.latencyMs) this.opts.broker.core.clock.after(fault.latencyMs, act);
    else act();
  }

  /** An authenticator's response, in order behind anything still queued; `close` ends the connection after it. */
  private answer(apiKey: number, apiVersion: number, correlationId: number, body: object, close: boolean): void {
    const chunks = encodeResponse(apiKey, apiVersion, correlationId, body);
    for (const c of chunks) this.queuedBytes += c.length;
    this.queue.push({ chunks });
    if (close) this.queue.push({ chunks: null });
    this.flush();
  }

  /** A raw SASL token after a v0 handshake: size-prefixed, no Kafka header. */
  private rawAnswer(token: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length);
    this.queuedBytes += 4 + token.length;
    this.queue.push({ chunks: [size, token] });
    this.flush();
  }

  /** KIP-511: a v0 body with UNSUPPORTED_VERSION and our ApiVersions range, so the client can
   * retry with a version we know. The body is not parsed: its layout may be one we do not know. */
  private unsupportedApiVersions(handler: ApiHandler, correlationId: number): void {
    this.opts.log.debug('kafka.apiversions.unsupported', { conn: this.info.id });
    const body = {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: API_VERSIONS_KEY, minVersion: handler.minVersion, maxVersion: handler.maxVersion }],
    };
    const chunks = encodeResponse(API_VERSIONS_KEY, 0, correlationId, body);
    for (const c of chunks) this.queuedBytes += c.length;
    this.queue.push({ chunks });
    this.flush();
  }

  private complete(slot: Slot, handler: ApiHandler, request: unknown, ctx: RequestContext, res: unknown): void {
    if (this.closed) return; // nobody to answer: drop the response instead of encoding it
    if (res === NO_RESPONSE) {
      slot.chunks = [];
    } else if (slot.drop) {
      slot.chunks = null;
    } else {
      try {
        slot.chunks = encodeResponse(handler.key, ctx.apiVersion, ctx.correlationId, res as object);
      } catch (err) {
        return this.handlerFailed(slot, handler, request, ctx, err);
      }
      for (const c of slot.chunks) this.queuedBytes += c.length;
    }
    const observe = this.opts.broker.observe;
    if (observe && slot.started !== undefined) observe(handler.name, firstErrorCode(res), performance.now() - slot.started);
    this.flush();
  }

  /** Log with the API and its topics, then answer with an error response if the API has a way
   * to say "failed" (the handler's own errorResponse, else a top-level ErrorCode); otherwise the
   * connection closes at this point of the response order. */
  private handlerFailed(slot: Slot, handler: ApiHandler, request: unknown, ctx: RequestContext, err: unknown): void {
    if (this.closed) return; // nobody to answer
    this.opts.log.error('kafka.handler.failed', {
      conn: this.info.id,
      api: handler.name,
      apiVersion: ctx.apiVersion,
      clientId: ctx.clientId,
      topics: topicsOf(request),
      group: typeof (request as { groupId?: unknown })?.groupId === 'string' ? (request as { groupId: string }).groupId : undefined,
      err,
    });
    slot.chunks = null;
    const observe = this.opts.broker.observe;
    if (observe && slot.started !== undefined) observe(handler.name, ErrorCode.UNKNOWN_SERVER_ERROR, performance.now() - slot.started);
    try {
      const res = handler.errorResponse
        ? handler.errorResponse(request as RequestOf<ApiKey>, ErrorCode.UNKNOWN_SERVER_ERROR, ctx)
        : hasTopLevelErrorCode(handler.key, ctx.apiVersion)
          ? { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR }
          : undefined;
      if (res !== undefined) {
        slot.chunks = encodeResponse(handler.key, ctx.apiVersion, ctx.correlationId, res);
        for (const c of slot.chunks) this.queuedBytes += c.length;
      }
    } catch (e) {
      this.opts.log.error('kafka.error_response.failed', { conn: this.info.id, api: handler.name, err: e });
    }
    this.flush();
  }

  private flush(): void {
    if (this.closed) return;
    let corked = false;
    while (this.queue.length > 0 && this.queue[0].chunks !== undefined) {
      const slot = this.queue.shift()!;
      if (slot.fetch) this.fetchesOpen--;
      const chunks = slot.chunks as Buffer[] | null;
      if (chunks === null) {
        this.closed = true;
        this.socket.end(() => this.socket.destroy());
        break;
      }
      if (chunks.length === 0) continue;
      for (const c of chunks) this.queuedBytes -= c.length;
      if (!corked) {
        this.socket.cork();
        corked = true;
      }
      for (const c of chunks) this.socket.write(c);
    }
    if (corked) this.socket.uncork();
    this.updateFlow();
    this.processFrames();
  }

  /** Back-pressure: stop reading while too many responses are outstanding or unsent; frames
   * already read wait in `pending` until the queue has room. */
  private updateFlow(): void {
    if (this.closed) return;
    const busy = !this.hasRoom() || this.socket.writableNeedDrain || this.waitingForBudget;
    if (busy && !this.socket.isPaused()) this.socket.pause();
    else if (!busy && this.socket.isPaused()) this.socket.resume();
  }

  private fail(reason: string, fields: Record<string, unknown> = {}): void {
    this.opts.log.warn('kafka.conn.closed', {
      conn: this.info.id,
      remote: `${this.info.remoteAddress}:${this.info.remotePort}`,
      clientId: this.info.clientId,
      reason,
      ...fields,
    });
    this.closed = true;
    this.release();
    this.socket.end(() => this.socket.destroy());
  }
}
