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
 * Bad input never reaches past this file: an oversized or undecodable frame, an unknown API key or
 * an unsupported version closes the connection with one warn line, as Kafka does; the exception
 * is an unsupported ApiVersions version, answered per KIP-511.
 */
import type net from 'node:net';
import type { Broker } from '../broker.js';
import { ErrorCode } from '../errors.js';
import { NO_RESPONSE, type AdvertisedEndpoint, type ApiHandler, type ApiKey, type ConnectionInfo, type RequestContext, type RequestOf } from '../apis/api.js';
import type { ApiRegistry } from '../apis/registry.js';
import {
  API_VERSIONS_KEY,
  apiSpec,
  decodeRequestBody,
  encodeResponse,
  readHeaderPrefix,
  readHeaderRest,
} from '../protocol/messages.js';
import { Reader } from '../protocol/reader.js';
import { inRange } from '../protocol/spec.js';
import type { FrameBudget } from './frame-budget.js';
import type { Logger } from '../../../emulator/src/core/logger.js';

export interface ConnectionOptions {
  readonly broker: Broker;
  readonly apis: ApiRegistry;
  /** The address clients of this connection's listener are told to connect to. */
  readonly advertised: AdvertisedEndpoint;
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
}

interface Slot {
  /** undefined while the handler runs; [] for NO_RESPONSE; null to close the connection here. */
  chunks: Buffer[] | null | undefined;
  /** performance.now() at dispatch, only while the broker has a metrics observer. */
  started?: number;
  /** A Fetch: counted in fetchesOpen until its response has been handed to the socket. */
  fetch?: boolean;
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
    this.info = { id, remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, clientId: null, advertised: opts.advertised };
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
        if (size <= 0 || size > this.opts.maxFrameBytes) {
          this.fail(`frame size ${size} outside 1..${this.opts.maxFrameBytes}`);
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
    const r = new Reader(frame);
    let apiKey: number;
    let apiVersion: number;
    let correlationId: number;
    try {
      ({ apiKey, apiVersion, correlationId } = readHeaderPrefix(r));
    } catch (err) {
      return this.fail('malformed request header', { err: (err as Error).message });
    }
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
    let result: unknown;
    try {
      // The codec decoded the request with the schema of this handler's key.
      result = handler.handle(request as RequestOf<ApiKey>, ctx);
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

function hasTopLevelErrorCode(apiKey: number, version: number): boolean {
  const f = apiSpec(apiKey)?.response.fields.find((x) => x.name === 'errorCode');
  return !!f && inRange(f.versions, version);
}

/** Topic names a request mentions, for error logs: top-level arrays of `{ name | topic }`. */
function topicsOf(request: unknown): string[] | undefined {
  if (!request || typeof request !== 'object') return undefined;
  const names: string[] = [];
  for (const v of Object.values(request)) {
    if (!Array.isArray(v)) continue;
    for (const e of v) {
      const n = e && typeof e === 'object' ? ((e as { name?: unknown; topic?: unknown }).name ?? (e as { topic?: unknown }).topic) : undefined;
      if (typeof n === 'string' && names.length < 10) names.push(n);
    }
  }
  return names.length > 0 ? names : undefined;
}

/** A response's top-level error code, else the first of its topics' partitions (Produce, Fetch,
 * OffsetCommit...): one label value for the metrics, read only while metrics are on. */
function firstErrorCode(res: unknown): number {
  if (typeof res !== 'object' || res === null) return 0;
  const r = res as { errorCode?: unknown; topics?: unknown; responses?: unknown };
  if (typeof r.errorCode === 'number' && r.errorCode !== 0) return r.errorCode;
  const topics = Array.isArray(r.topics) ? r.topics : Array.isArray(r.responses) ? r.responses : undefined;
  for (const t of topics ?? []) {
    if (typeof t?.errorCode === 'number' && t.errorCode !== 0) return t.errorCode;
    const parts = Array.isArray(t?.partitions) ? t.partitions : Array.isArray(t?.partitionResponses) ? t.partitionResponses : undefined;
    for (const p of parts ?? []) if (typeof p?.errorCode === 'number' && p.errorCode !== 0) return p.errorCode;
  }
  return 0;
}
