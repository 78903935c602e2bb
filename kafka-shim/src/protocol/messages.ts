/**
 * Whole frames: request/response headers plus bodies, for any API key and version the schemas
 * define. Frames here exclude the 4-byte size prefix on the way in and include it on the way out.
 *
 * Header versions (RequestHeader.json / ResponseHeader.json): a request uses header v2 (v1 plus
 * tagged fields) when its body version is flexible, else v1; a response uses header v1 (a tagged
 * field section after the correlation id) when flexible, else v0. Exception (KIP-511): the
 * ApiVersions response header is always v0, so a client that does not yet know our versions can
 * parse it. The client id stays a classic int16 string even in header v2.
 */
import { messageCodec } from './codec.js';
import { API_SPECS } from './generated/specs.js';
import { ProtocolError, Reader } from './reader.js';
import { inRange, type ApiSpec } from './spec.js';
import { Writer } from './writer.js';

export const API_VERSIONS_KEY = 18;

export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

const byKey = new Map<number, ApiSpec>(API_SPECS.map((a) => [a.key, a]));

export function apiSpec(key: number): ApiSpec | undefined {
  return byKey.get(key);
}

function spec(key: number): ApiSpec {
  const s = byKey.get(key);
  if (!s) throw new RangeError(`unknown API key ${key}`);
  return s;
}

/** Flexibility follows the schema's flexibleVersions even past validVersions (Kafka does the
 * same), so an ApiVersions request newer than we know still has its header parsed right. */
export function isFlexibleRequest(key: number, version: number): boolean {
  return inRange(spec(key).request.flexible, version);
}

function isFlexibleResponse(key: number, version: number): boolean {
  return inRange(spec(key).response.flexible, version);
}

function skipTaggedFields(r: Reader): void {
  const count = r.uvarint();
  r.checkCount(count);
  for (let i = 0; i < count; i++) {
    r.uvarint();
    r.bytes(r.uvarint());
  }
}

/** Read the fixed part of a request header (key, version, correlation id). */
export function readHeaderPrefix(r: Reader): { apiKey: number; apiVersion: number; correlationId: number } {
  return { apiKey: r.int16(), apiVersion: r.int16(), correlationId: r.int32() };
}

/** Read the rest of the header of a known API key: client id, then tags if header v2. */
export function readHeaderRest(r: Reader, apiKey: number, apiVersion: number): string | null {
  const clientId = r.string();
  if (isFlexibleRequest(apiKey, apiVersion)) skipTaggedFields(r);
  return clientId;
}

export function decodeRequestBody(apiKey: number, apiVersion: number, r: Reader): any {
  return messageCodec(spec(apiKey).request, apiVersion).read(r);
}

/** Parse a whole request frame (without its size prefix). */
export function decodeRequest(frame: Buffer): { header: RequestHeader; body: any } {
  const r = new Reader(frame);
  const { apiKey, apiVersion, correlationId } = readHeaderPrefix(r);
  if (!byKey.has(apiKey)) throw new ProtocolError(`unknown API key ${apiKey}`);
  const clientId = readHeaderRest(r, apiKey, apiVersion);
  return { header: { apiKey, apiVersion, correlationId, clientId }, body: decodeRequestBody(apiKey, apiVersion, r) };
}

/** Encode a response as chunks, the first starting with the 4-byte size prefix. */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer[] {
  const codec = messageCodec(spec(apiKey).response, apiVersion);
  const w = new Writer(512);
  w.int32(0);
  w.int32(correlationId);
  if (apiKey !== API_VERSIONS_KEY && isFlexibleResponse(apiKey, apiVersion)) w.uvarint(0);
  codec.write(w, body);
  const size = w.length - 4;
  const chunks = w.finish();
  chunks[0].writeInt32BE(size, 0);
  return chunks;
}

/** Client side (tests, tools): a request frame including its size prefix. */
export function encodeRequest(header: RequestHeader, body: object): Buffer {
  const codec = messageCodec(spec(header.apiKey).request, header.apiVersion);
  const w = new Writer(256);
  w.int32(0);
  w.int16(header.apiKey);
  w.int16(header.apiVersion);
  w.int32(header.correlationId);
  if (header.clientId === null) {
    w.int16(-1);
  } else {
    const n = Buffer.byteLength(header.clientId);
    w.int16(n);
    w.utf8(header.clientId, n);
  }
  if (isFlexibleRequest(header.apiKey, header.apiVersion)) w.uvarint(0);
  codec.write(w, body);
  const frame = w.toBuffer();
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

/** Client side: parse a response frame (without its size prefix). */
export function decodeResponse(apiKey: number, apiVersion: number, frame: Buffer): { correlationId: number; body: any } {
  const r = new Reader(frame);
  const correlationId = r.int32();
  if (apiKey !== API_VERSIONS_KEY && isFlexibleResponse(apiKey, apiVersion)) skipTaggedFields(r);
  return { correlationId, body: messageCodec(spec(apiKey).response, apiVersion).read(r) };
}
