/**
 * The Kafka side of the fuzzer: for every API the broker serves and every version it accepts, a
 * valid request is built from the generated codec descriptors (the same schemas the broker decodes
 * with), encoded, and then usually mutated: bytes, lengths, varints, the tagged-field section, and
 * record batches that keep a valid header and CRC over inconsistent contents, in every codec.
 *
 * Judged against what Kafka does: a frame our decoder (the broker's) accepts must be answered
 * (Produce acks=0 excepted) with a response that decodes and carries its correlation id; a frame
 * that does not decode may close the connection, as Kafka does. Anything else is a finding.
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { KAFKA_APIS } from '../../kafka-shim/src/apis/registry.js';
import { crc32c } from '../../kafka-shim/src/log/crc32c.js';
import { decodeRequest, decodeResponse, encodeRequest, isFlexibleRequest, apiSpec } from '../../kafka-shim/src/protocol/messages.js';
import { inRange, ZERO_UUID, type FieldSpec } from '../../kafka-shim/src/protocol/spec.js';
import { encodeBatch, HEADER_SIZE, loadZstdCompressor } from '../../kafka-shim/src/records/index.js';
import { OFF } from '../../kafka-shim/src/records/batch.js';
import { hex, INTERESTING_32, mutateBytes, Rng } from './common.js';

const TOPICS = ['fuzz-a', 'fuzz-b', 'fuzz-c', 'fuzz-d'];
const GROUPS = ['fg-1', 'fg-2', 'fg-3'];
/** Request fields that make a broker wait on purpose (long polls, rebalances). */
const WAIT_FIELD = /^(maxWaitMs|timeoutMs|sessionTimeoutMs|rebalanceTimeoutMs)$/;

export interface KafkaInput {
  frame: Buffer;
  /** What the broker must do with it, judged by the broker's own decoder. */
  expect: 'answer' | 'silence' | 'any';
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** The longest wait the request itself asks for (ms). */
  waitMs: number;
  label: string;
}

await loadZstdCompressor();

function randomString(rng: Rng): string {
  switch (rng.int(6)) {
    case 0:
      return '';
    case 1:
      return 'x'.repeat(rng.range(1, 300));
    case 2:
      return '\u{1F600}\u0000\u00e9' + rng.bytes(4).toString('hex');
    default:
      return 'f' + rng.int(1000);
  }
}

/** A batch valid in every respect (CRC included), in a random codec; sometimes inconsistent inside. */
export function recordBatch(rng: Rng): Buffer {
  const n = rng.range(1, 5);
  const records = Array.from({ length: n }, (_, i) => ({
    key: rng.chance(0.3) ? null : `k${i}`,
    value: rng.chance(0.1) ? null : rng.bytes(rng.range(0, 64)),
    headers: rng.chance(0.2) ? [{ key: 'h', value: 'v' }] : undefined,
  }));
  const idempotent = rng.chance(0.2);
  let batch = encodeBatch({
    records,
    compression: rng.int(5),
    producerId: idempotent ? rng.range(0, 5) : -1,
    producerEpoch: idempotent ? 0 : -1,
    baseSequence: idempotent ? rng.range(0, 10) : -1,
  });
  if (rng.chance(0.5)) {
    // Inconsistent contents under a valid header and CRC (issue 14: count vs last offset delta,
    // bad varints, a codec flag over garbage, a 70-byte batch moving the next offset to 2^31).
    const b = Buffer.from(batch);
    switch (rng.int(6)) {
      case 0:
        b.writeInt32BE(rng.pick(INTERESTING_32), OFF.lastOffsetDelta);
        break;
      case 1:
        b.writeInt32BE(rng.pick(INTERESTING_32), OFF.recordsCount);
        break;
      case 2:
        b.writeInt16BE((b.readInt16BE(OFF.attributes) & ~7) | rng.int(8), OFF.attributes);
        break;
      default: {
        const m = mutateBytes(rng, b, HEADER_SIZE);
        batch = m;
        batch.writeInt32BE(m.length - 12, OFF.batchLength);
        batch.writeUInt32BE(crc32c(batch, OFF.attributes, batch.length), OFF.crc);
        return rng.chance(0.2) ? Buffer.concat([batch, recordBatch(rng)]) : batch;
      }
    }
    b.writeUInt32BE(crc32c(b, OFF.attributes, b.length), OFF.crc);
    batch = b;
  }
  return batch;
}

function value(rng: Rng, f: FieldSpec, version: number): unknown {
  if (f.nullable && inRange(f.nullable, version) && rng.chance(0.05)) return null;
  const name = f.name;
  if (f.type === '[]struct' || f.type === 'struct') {
    const one = () => struct(rng, f.fields!, version);
    return f.type === 'struct' ? one() : Array.from({ length: rng.pick([0, 1, 1, 1, 2, 3]) }, one);
  }
  if (f.type.startsWith('[]')) {
    const item = { ...f, type: f.type.slice(2) as FieldSpec['type'], nullable: undefined };
    return Array.from({ length: rng.pick([0, 1, 2]) }, () => value(rng, item, version));
  }
  switch (f.type) {
    case 'bool':
      return rng.chance(0.5);
    case 'string':
      if (/topic|^name$/i.test(name)) return rng.chance(0.95) ? rng.pick(TOPICS) : randomString(rng);
      if (/groupId/i.test(name)) return rng.pick(GROUPS);
      if (/memberId/.test(name)) return rng.chance(0.7) ? '' : randomString(rng);
      return rng.chance(0.5) ? rng.pick(['', 'fuzz', 'cleanup.policy', 'retention.ms', 'range']) : randomString(rng);
    case 'uuid':
      return rng.chance(0.8) ? ZERO_UUID : randomUUID();
    case 'bytes':
      return rng.bytes(rng.range(0, 32));
    case 'records':
      return recordBatch(rng);
    case 'float64':
      return rng.next() * 1000;
    case 'int64':
      return rng.chance(0.8) ? rng.range(-2, 20) : rng.pick([Number.MAX_SAFE_INTEGER, -1e15, 2 ** 31]);
    default: {
      if (WAIT_FIELD.test(name)) return rng.range(0, 300);
      if (/acks/.test(name)) return rng.pick([-1, 0, 1]);
      if (/partition|index/i.test(name)) return rng.range(-1, 4);
      if (/numPartitions|count/i.test(name)) return rng.range(-1, 4);
      if (/replicationFactor/.test(name)) return rng.pick([-1, 1]);
      if (/epoch|generation/i.test(name)) return rng.range(-1, 3);
      const max = f.type === 'int8' ? 127 : f.type === 'int16' || f.type === 'uint16' ? 32767 : 2 ** 31 - 1;
      return rng.chance(0.8) ? rng.range(0, 10) : rng.pick(INTERESTING_32.filter((v) => Math.abs(v) <= max));
    }
  }
}

function struct(rng: Rng, fields: readonly FieldSpec[], version: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (inRange(f.versions, version)) out[f.name] = value(rng, f, version);
  return out;
}

/** Offset where the request header's tagged-field section starts (flexible versions only). */
function headerTagsAt(frame: Buffer): number {
  const n = frame.readInt16BE(12);
  return 14 + Math.max(0, n);
}

/** Input number `i` of a run: deterministic from (seed, i) alone, so any one input can be replayed. */
export function kafkaInput(seed: number, i: number): KafkaInput {
  const rng = new Rng((seed * 2654435761 + i * 40503) >>> 0);
  const correlationId = (i % 0x7fffffff) + 1;
  if (rng.chance(0.03)) {
    // Random garbage with a plausible header.
    const body = rng.bytes(rng.range(0, 200));
    const frame = Buffer.alloc(12 + body.length);
    frame.writeInt32BE(8 + body.length, 0);
    frame.writeInt16BE(rng.chance(0.5) ? rng.pick(KAFKA_APIS).key : rng.range(-5, 100), 4);
    frame.writeInt16BE(rng.range(-1, 20), 6);
    frame.writeInt32BE(correlationId, 8);
    body.copy(frame, 12);
    return judge(frame, 'random');
  }
  const api = rng.pick(KAFKA_APIS);
  const apiVersion = rng.range(api.minVersion, api.maxVersion);
  const body = struct(rng, apiSpec(api.key)!.request.fields, apiVersion);
  let frame = encodeRequest({ apiKey: api.key, apiVersion, correlationId, clientId: rng.chance(0.1) ? null : 'fuzz' }, body);
  let label = 'valid';
  if (rng.chance(0.7)) {
    label = 'mutated';
    const mutations = rng.range(1, 3);
    for (let m = 0; m < mutations; m++) {
      if (isFlexibleRequest(api.key, apiVersion) && frame.length >= 14 && rng.chance(0.15)) {
        // Tagged fields in the header: a count and tags with random lengths.
        const at = headerTagsAt(frame);
        if (at < frame.length) {
          const tags = Buffer.from([rng.range(1, 3), rng.int(128), rng.pick([0, 1, 5, 0x7f]), ...rng.bytes(rng.range(0, 8))]);
          frame = Buffer.concat([frame.subarray(0, at), tags, frame.subarray(at + 1)]);
        }
      } else {
        // Keep the size, key, version and correlation id: the mutation should reach the decoder.
        frame = mutateBytes(rng, frame, 12);
      }
    }
    frame.writeInt32BE(frame.length - 4, 0);
  }
  return judge(frame, label);
}

function judge(frame: Buffer, label: string): KafkaInput {
  const apiKey = frame.readInt16BE(4);
  const apiVersion = frame.readInt16BE(6);
  const correlationId = frame.readInt32BE(8);
  const base = { frame, apiKey, apiVersion, correlationId, label };
  const api = KAFKA_APIS.find((a) => a.key === apiKey);
  if (!api || apiVersion < api.minVersion || apiVersion > api.maxVersion) {
    return { ...base, expect: apiKey === 18 && api ? 'answer' : 'any', waitMs: 0 };
  }
  let body: Record<string, unknown>;
  try {
    body = decodeRequest(frame.subarray(4)).body;
  } catch {
    return { ...base, expect: 'any', waitMs: 0 };
  }
  let waitMs = 0;
  for (const [k, v] of Object.entries(body)) if (WAIT_FIELD.test(k) && typeof v === 'number') waitMs = Math.max(waitMs, v);
  const silent = apiKey === 0 && body.acks === 0;
  return { ...base, expect: silent ? 'silence' : 'answer', waitMs };
}

export type Outcome =
  | { kind: 'answered'; frame: Buffer }
  | { kind: 'closed' }
  | { kind: 'timeout' };

/** One client connection that sends a frame and waits for one response frame, a close or a deadline. */
export class KafkaConn {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: ((o: Outcome) => void) | undefined;
  private ended = false;
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      if (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const size = this.buf.readInt32BE(0);
        const frame = this.buf.subarray(4, 4 + size);
        this.buf = this.buf.subarray(4 + size);
        this.settle({ kind: 'answered', frame });
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      this.ended = true;
      this.settle({ kind: 'closed' });
    });
  }
  static connect(port: number): Promise<KafkaConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new KafkaConn(s)));
      s.once('error', reject);
    });
  }
  get alive(): boolean {
    return !this.ended;
  }
  private settle(o: Outcome): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(o);
  }
  send(frame: Buffer, deadlineMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle({ kind: 'timeout' }), deadlineMs);
      this.waiter = (o) => {
        clearTimeout(timer);
        resolve(o);
      };
      this.sock.write(frame);
    });
  }
  destroy(): void {
    this.sock.destroy();
  }
}

/** The verdict on one answered input: undefined when it is a Kafka answer to the request sent. */
export function checkAnswer(input: KafkaInput, frame: Buffer): string | undefined {
  try {
    const res = decodeResponse(input.apiKey, input.apiVersion, frame);
    if (res.correlationId !== input.correlationId) return `correlation id ${res.correlationId}, sent ${input.correlationId}`;
    return undefined;
  } catch (e) {
    // ApiVersions answers an unsupported version with a v0 body (KIP-511).
    if (input.apiKey === 18) {
      try {
        decodeResponse(18, 0, frame);
        return undefined;
      } catch {
        /* fall through */
      }
    }
    return `response does not decode: ${(e as Error).message}`;
  }
}

export const frameHex = (input: KafkaInput): string => hex(input.frame);
