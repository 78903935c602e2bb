/**
 * The registry of Kafka APIs this broker serves. Each file in this folder (`NN_name.ts`, NN = API
 * key) registers one handler with the version range it really serves; ApiVersions is built from
 * these registrations, so what we advertise cannot drift from what we handle.
 *
 * Requests and responses are plain objects whose field names are the Kafka JSON schema's field
 * names in lowerCamelCase (`TopicData` -> `topicData`, `PartitionIndex` -> `partitionIndex`);
 * the schema-driven codec (../protocol) decodes and encodes them for the negotiated version, so
 * handlers never touch bytes except record batches (`records`, a Buffer or null).
 *
 * Codec conventions (../protocol/generated/types.ts has an interface per request and response):
 * a decoded request holds every schema field, those absent from its version set to their defaults;
 * a response may omit any field (the encoder writes the schema default) and may carry fields its
 * version lacks (they are dropped), so one handler body can serve every version. int64 values are
 * numbers, uuids canonical hex strings, `bytes`/`records` Buffers (views into the request frame:
 * copy one before keeping it past the request); a response's `records` may also be a Buffer[]
 * (stored batches, written back to back without being concatenated).
 *
 * Dispatch (../server/connection.ts): per connection, `handle` is called in request order as soon
 * as each request arrives, and responses leave in that same order. A handler that must observe the
 * effects of the previous request on its connection (e.g. ordered appends from one idempotent
 * producer) should do that ordering-sensitive work synchronously, before its first await.
 */
import type { Broker } from '../broker.js';
import { apiSpec } from '../protocol/messages.js';

export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  clientId: string | null;
}

export interface RequestContext {
  readonly broker: Broker;
  readonly conn: ConnectionInfo;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

/** Returned by a handler to send no response at all (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

export interface ApiHandler {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: any, ctx: RequestContext): any | typeof NO_RESPONSE | Promise<any | typeof NO_RESPONSE>;
  /** Optional: the response that reports `errorCode` for every part of `request`, sent when
   * `handle` throws. Without it the server answers `{ errorCode }` if the response has a top-level
   * ErrorCode in this version, and otherwise closes the connection. */
  errorResponse?(request: any, errorCode: number, ctx: RequestContext): any;
}

const handlers = new Map<number, ApiHandler>();

export function register(handler: ApiHandler): void {
  if (handlers.has(handler.key)) throw new Error(`API key ${handler.key} registered twice`);
  // Fail at startup, not on the first request, if a handler claims versions the codec lacks.
  const valid = apiSpec(handler.key)?.request.valid;
  if (!valid || handler.minVersion < valid[0] || handler.maxVersion > valid[1] || handler.minVersion > handler.maxVersion) {
    throw new Error(`${handler.name}: versions ${handler.minVersion}-${handler.maxVersion} outside the schema's ${valid ? valid.join('-') : 'none'}`);
  }
  handlers.set(handler.key, handler);
}

export function handlerFor(key: number): ApiHandler | undefined {
  return handlers.get(key);
}

export function registeredApis(): ApiHandler[] {
  return [...handlers.values()].sort((a, b) => a.key - b.key);
}
