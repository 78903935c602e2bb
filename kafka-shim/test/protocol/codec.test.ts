import { describe, expect, test } from '@jest/globals';
import { ApiRegistry, KAFKA_APIS } from '../../src/apis/registry.js';
import { messageCodec } from '../../src/protocol/codec.js';
import { API_SPECS } from '../../src/protocol/generated/specs.js';
import { apiSpec, decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/protocol/messages.js';
import { ProtocolError, Reader } from '../../src/protocol/reader.js';
import type { MessageSpec } from '../../src/protocol/spec.js';
import { Writer } from '../../src/protocol/writer.js';
import { expected, sample, type Variant } from './samples.js';

function roundTrip(message: MessageSpec, version: number, variant: Variant): void {
  const value = sample(message.fields, version, variant);
  const codec = messageCodec(message, version);
  const w = new Writer(16);
  codec.write(w, value);
  const bytes = w.toBuffer();
  const r = new Reader(bytes);
  expect({ message: message.name, version, variant, decoded: codec.read(r) }).toEqual({
    message: message.name,
    version,
    variant,
    decoded: expected(message.fields, version, value),
  });
  expect(r.remaining).toBe(0);
}

const hex = (b: Buffer | Buffer[]): string => (Array.isArray(b) ? Buffer.concat(b) : b).toString('hex');

describe('generic round trips', () => {
  test('every version the registry advertises round-trips, requests and responses', () => {
    const apis = new ApiRegistry().list();
    expect(apis.length).toBeGreaterThan(0);
    for (const h of apis) {
      const spec = apiSpec(h.key)!;
      expect(spec).toBeDefined();
      for (let v = h.minVersion; v <= h.maxVersion; v++) {
        for (const variant of ['values', 'nulls'] as const) {
          roundTrip(spec.request, v, variant);
          roundTrip(spec.response, v, variant);
        }
      }
    }
  });

  test('every version of every generated API round-trips', () => {
    for (const api of API_SPECS) {
      for (const m of [api.request, api.response]) {
        for (let v = m.valid[0]; v <= m.valid[1]; v++) {
          roundTrip(m, v, 'values');
          roundTrip(m, v, 'nulls');
        }
      }
    }
  });

  test('whole frames round-trip through the request and response headers', () => {
    for (const h of new ApiRegistry().list()) {
      const spec = apiSpec(h.key)!;
      for (let v = h.minVersion; v <= h.maxVersion; v++) {
        const req = sample(spec.request.fields, v, 'values');
        const frame = encodeRequest({ apiKey: h.key, apiVersion: v, correlationId: 42, clientId: 'c' }, req);
        const decoded = decodeRequest(frame.subarray(4));
        expect(decoded.header).toEqual({ apiKey: h.key, apiVersion: v, correlationId: 42, clientId: 'c' });
        expect(decoded.body).toEqual(expected(spec.request.fields, v, req));
        const res = sample(spec.response.fields, v, 'values');
        const out = Buffer.concat(encodeResponse(h.key, v, 43, res));
        expect(out.readInt32BE(0)).toBe(out.length - 4);
        expect(decodeResponse(h.key, v, out.subarray(4))).toEqual({ correlationId: 43, body: expected(spec.response.fields, v, res) });
      }
    }
  });
});

describe('headers', () => {
  test('request header v1 (classic body): no tag section, nullable client id', () => {
    const frame = encodeRequest({ apiKey: 18, apiVersion: 2, correlationId: 5, clientId: null }, {});
    expect(hex(frame)).toBe('0000000a' + '0012' + '0002' + '00000005' + 'ffff');
    expect(decodeRequest(frame.subarray(4)).header.clientId).toBeNull();
  });

  test('request header v2 (flexible body): classic client id, then a tag section', () => {
    const frame = encodeRequest(
      { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'ab' },
      { clientSoftwareName: 'x', clientSoftwareVersion: '1' },
    );
    // key, version, correlation id, int16 "ab", header tags 0, compact "x", compact "1", body tags 0
    expect(hex(frame.subarray(4))).toBe('0012' + '0003' + '00000001' + '00026162' + '00' + '0278' + '0231' + '00');
  });

  test('request header tags are skipped', () => {
    const body = Buffer.from('0012000300000001ffff' + '01' + '0702aabb' + '0278023100', 'hex');
    const decoded = decodeRequest(body);
    expect(decoded.header.clientId).toBeNull();
    expect(decoded.body).toEqual({ clientSoftwareName: 'x', clientSoftwareVersion: '1', clusterId: null, nodeId: -1 });
  });

  test('response header v0 for classic bodies, v1 (tag byte) for flexible ones', () => {
    const classic = encodeResponse(12, 3, 9, { errorCode: 0 });
    expect(hex(classic)).toBe('0000000a' + '00000009' + '00000000' + '0000');
    const flexible = encodeResponse(12, 4, 9, { errorCode: 0 });
    expect(hex(flexible)).toBe('0000000c' + '00000009' + '00' + '00000000' + '0000' + '00');
  });

  test('the ApiVersions response header is v0 even for flexible bodies (KIP-511)', () => {
    const out = encodeResponse(18, 3, 7, { apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] });
    // correlation id, then the body at once: error 0, compact array of 1, entry + tags, throttle, tags
    expect(hex(out.slice(0)).slice(8)).toBe('00000007' + '0000' + '02' + '0012' + '0000' + '0004' + '00' + '00000000' + '00');
    expect(decodeResponse(18, 3, Buffer.concat(out).subarray(4)).body.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
  });
});

describe('encodings', () => {
  const apiVersionsV3 = API_SPECS.find((a) => a.key === 18)!.response;

  test('classic and compact strings, nulls, int64', () => {
    const w = new Writer();
    w.int64(-1);
    w.int64(-(2 ** 40));
    w.uvarint(300);
    expect(hex(w.toBuffer())).toBe('ffffffffffffffff' + 'ffffff0000000000' + 'ac02');
    const r = new Reader(w.toBuffer());
    expect([r.int64(), r.int64(), r.uvarint()]).toEqual([-1, -(2 ** 40), 300]);
  });

  test('int64 beyond 2^53: decoded approximately, clamped to the int64 range when echoed', () => {
    const max = Buffer.from('7fffffffffffffff', 'hex');
    const decoded = new Reader(max).int64();
    expect(decoded).toBe(2 ** 63);
    const w = new Writer();
    w.int64(decoded);
    w.int64(-(2 ** 63));
    w.int64(2n ** 40n);
    expect(hex(w.toBuffer())).toBe('7fffffffffffffff' + '8000000000000000' + '0000010000000000');
    expect(() => new Writer().int64(1.5)).toThrow(RangeError);
  });

  test('tagged fields are written only when not default, in tag order, and decoded', () => {
    const codec = messageCodec(apiVersionsV3, 3);
    const w = new Writer();
    codec.write(w, { finalizedFeaturesEpoch: 5, zkMigrationReady: true });
    // error, empty compact array, throttle, then 2 tags: (1, 8 bytes, 5) and (3, 1 byte, true)
    expect(hex(w.toBuffer())).toBe('0000' + '01' + '00000000' + '02' + '0108' + '0000000000000005' + '030101');
    expect(codec.read(new Reader(w.toBuffer()))).toMatchObject({ finalizedFeaturesEpoch: 5, zkMigrationReady: true, supportedFeatures: [] });
  });

  test('unknown tags are skipped', () => {
    const bytes = Buffer.from('0000' + '01' + '00000000' + '01' + '0903aabbcc', 'hex');
    expect(messageCodec(apiVersionsV3, 3).read(new Reader(bytes))).toMatchObject({ errorCode: 0, finalizedFeaturesEpoch: -1 });
  });

  test('a nullable struct carries a presence byte', () => {
    const hb = API_SPECS.find((a) => a.key === 68)!.response;
    const codec = messageCodec(hb, 0);
    const w = new Writer();
    codec.write(w, { assignment: null });
    const nullBytes = w.toBuffer();
    expect(codec.read(new Reader(nullBytes)).assignment).toBeNull();
    const w2 = new Writer();
    codec.write(w2, { assignment: { topicPartitions: [] } });
    expect(w2.length).toBe(nullBytes.length + 2); // 1 instead of -1, then an empty array and tags
    expect(codec.read(new Reader(w2.toBuffer())).assignment).toEqual({ topicPartitions: [] });
  });

  test('omitted fields get schema defaults; fields outside the version are dropped', () => {
    const fetch = API_SPECS.find((a) => a.key === 1)!.response;
    const codec = messageCodec(fetch, 4);
    const w = new Writer();
    codec.write(w, { responses: [{ topic: 't', topicId: 'ignored-in-v4', partitions: [{ partitionIndex: 0 }] }] });
    const p = codec.read(new Reader(w.toBuffer())).responses[0].partitions[0];
    expect(p).toMatchObject({ highWatermark: 0, lastStableOffset: -1, abortedTransactions: [], records: Buffer.alloc(0) });
  });

  test('large byte fields are referenced, not copied', () => {
    const big = Buffer.alloc(10_000, 7);
    const w = new Writer();
    w.int32(1);
    w.raw(big);
    w.int32(2);
    const chunks = w.finish();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
  });

  test('the writer keeps order across referenced chunks and buffer growth', () => {
    const parts = [Buffer.alloc(300, 1), Buffer.alloc(5000, 2), Buffer.alloc(1000, 3), Buffer.alloc(4096, 4), Buffer.alloc(10, 5)];
    const w = new Writer(16);
    for (const p of parts) w.raw(p);
    w.int32(0x01020304);
    expect(w.length).toBe(10410);
    expect(w.toBuffer()).toEqual(Buffer.concat([...parts, Buffer.from([1, 2, 3, 4])]));
  });

  test('encoding wrong types is an error, not garbage', () => {
    const codec = messageCodec(apiVersionsV3, 3);
    expect(() => codec.write(new Writer(), { errorCode: '0' })).toThrow(TypeError);
    expect(() => codec.write(new Writer(), { apiKeys: {} })).toThrow(TypeError);
    expect(() => codec.write(new Writer(), { zkMigrationReady: 1 })).toThrow(TypeError);
  });

  test('encoding a null into a non-nullable field is an error, not garbage', () => {
    expect(() => messageCodec(apiVersionsV3, 0).write(new Writer(), { apiKeys: null })).toThrow(/not nullable/);
  });
});

describe('registration', () => {
  test('a handler claiming versions the schema lacks, or a key twice, is refused at startup', () => {
    const handle = () => ({});
    expect(() => new ApiRegistry([...KAFKA_APIS, { key: 57, name: 'UpdateFeatures', minVersion: 0, maxVersion: 99, handle }])).toThrow(/outside the schema/);
    expect(() => new ApiRegistry([{ key: 999 as 57, name: 'Nope', minVersion: 0, maxVersion: 0, handle }])).toThrow(/outside the schema/);
    expect(() => new ApiRegistry([...KAFKA_APIS, KAFKA_APIS[0]])).toThrow(/registered twice/);
    expect(new ApiRegistry().list().map((h) => h.key)).not.toContain(57);
  });
});

describe('malformed input throws ProtocolError', () => {
  const produce = API_SPECS.find((a) => a.key === 0)!.request;
  const cases: Record<string, string> = {
    truncated: '0000ffff0000000000000001000174',
    'array longer than the frame': 'ffff0001000003e8' + '7fffffff',
    'negative string length': 'ffff0001000003e8' + '00000001' + 'fffe',
    'bytes longer than the frame': 'ffff0001000003e8' + '00000001' + '000174' + '00000001' + '00000000' + '00001000',
  };
  for (const [name, bytes] of Object.entries(cases)) {
    test(name, () => {
      expect(() => messageCodec(produce, 3).read(new Reader(Buffer.from(bytes, 'hex')))).toThrow(ProtocolError);
    });
  }

  test('an over-long varint', () => {
    expect(() => new Reader(Buffer.from('ffffffffffff01', 'hex')).uvarint()).toThrow(ProtocolError);
  });
});
