/**
 * What an API handler is, and what it is handed. Each file in this folder (`NN_name.ts`, NN = API
 * key) exports one handler built with `defineApi`, typed by its key with the generated request and
 * response types; ./registry.ts lists them all in one array, and ApiVersions is built from that
 * list, so what we advertise cannot drift from what we handle.
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
import type { ApiMessages } from '../protocol/generated/types.js';

/** Where clients of one listener are told to connect (Metadata, FindCoordinator, ...). */
export interface AdvertisedEndpoint {
  /** `external` (the main Kafka port) or `internal` (the optional container-network port). */
  readonly listener: string;
  readonly host: string;
  readonly port: number;
}

export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  clientId: string | null;
  /** The address of the listener this connection came in on. */
  readonly advertised: AdvertisedEndpoint;
  /** The broker (node id) whose listener this connection came in on. */
  readonly nodeId: number;
  /** Kafka's principal: `User:<name>` once SASL authenticated, else `User:ANONYMOUS`. */
  principal?: string;
}

/** What a coordinator API is about: the keys (group ids, transactional ids) whose coordinator must
 * be this broker. The dispatcher answers NOT_COORDINATOR for the whole request otherwise. */
export interface CoordinatorKeys {
  /** FindCoordinator's key type: 0 group, 1 transaction. */
  readonly type: 0 | 1;
  readonly keys: readonly string[];
}

/** The served version range of every handler, for ApiVersions. */
export interface ApiCatalog {
  list(): readonly ApiHandler[];
}

export interface RequestContext {
  readonly broker: Broker;
  readonly apis: ApiCatalog;
  readonly conn: ConnectionInfo;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** Aborted when the client's connection closes: long waits stop, nobody reads their answer.
   * Optional so handlers can be called directly (unit tests) without a connection. */
  readonly signal?: AbortSignal;
}

/** Returned by a handler to send no response at all (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

export type ApiKey = keyof ApiMessages;
export type RequestOf<K extends ApiKey> = ApiMessages[K]['request'];
export type ResponseOf<K extends ApiKey> = ApiMessages[K]['response'];
type Answer<K extends ApiKey> = ResponseOf<K> | typeof NO_RESPONSE;

export interface ApiHandler<K extends ApiKey = ApiKey> {
  readonly key: K;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** What ApiVersions advertises as the minimum when Kafka 4 advertises below what it serves
   * (Produce from v0, a librdkafka workaround): requests under minVersion still close the
   * connection, as Kafka 4's do. Defaults to minVersion. */
  readonly advertisedMinVersion?: number;
  handle(request: RequestOf<K>, ctx: RequestContext): Answer<K> | Promise<Answer<K>>;
  /** Optional: for coordinator APIs, the keys the request is about (../server/coordinator.ts
   * refuses with NOT_COORDINATOR, through `errorResponse` or a top-level ErrorCode, when this
   * broker does not coordinate all of them). One line opts an API in. */
  coordinatorKeys?(request: RequestOf<K>, version: number): CoordinatorKeys | undefined;
  /** Optional: the response that reports `errorCode` for every part of `request`, sent when
   * `handle` throws. Without it the server answers `{ errorCode }` if the response has a top-level
   * ErrorCode in this version, and otherwise closes the connection. */
  errorResponse?(request: RequestOf<K>, errorCode: number, ctx: RequestContext): ResponseOf<K>;
}

/** Identity, for inference: `defineApi({ key: 3, ... })` types `handle` with Metadata's messages. */
export function defineApi<K extends ApiKey>(handler: ApiHandler<K>): ApiHandler<K> {
  return handler;
}
