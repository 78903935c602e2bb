/**
 * The registry of Kafka APIs this broker serves. Each file in this folder (`NN_name.ts`, NN = API
 * key) registers one handler with the version range it really serves; ApiVersions is built from
 * these registrations, so what we advertise cannot drift from what we handle.
 *
 * Requests and responses are plain objects whose field names are the Kafka JSON schema's field
 * names in lowerCamelCase (`TopicData` -> `topicData`, `PartitionIndex` -> `partitionIndex`);
 * the schema-driven codec (../protocol) decodes and encodes them for the negotiated version, so
 * handlers never touch bytes except record batches (`records`, a Buffer or null).
 */
import type { Broker } from '../broker.js';

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
}

const handlers = new Map<number, ApiHandler>();

export function register(handler: ApiHandler): void {
  if (handlers.has(handler.key)) throw new Error(`API key ${handler.key} registered twice`);
  handlers.set(handler.key, handler);
}

export function handlerFor(key: number): ApiHandler | undefined {
  return handlers.get(key);
}

export function registeredApis(): ApiHandler[] {
  return [...handlers.values()].sort((a, b) => a.key - b.key);
}
