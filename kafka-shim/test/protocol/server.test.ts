/** The Kafka listener of a real spawned emulator, over real sockets. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { Emulator } from '../../../compat-tests/harness/emulator.js';
import { decodeResponse } from '../../src/protocol/messages.js';
import { RawClient } from './wire.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await Emulator.start();
});

afterAll(async () => {
  await emu?.stop();
});

/** ApiVersions must still work on a fresh connection: the server survived. */
async function assertServing(): Promise<void> {
  const c = await RawClient.connect(emu.kafkaPort);
  const res = await c.call(18, 0, {});
  expect(res.body.errorCode).toBe(0);
  c.close();
}

describe('ApiVersions', () => {
  test.each([0, 1, 2, 3, 4])('v%i lists ApiVersions 0-4 and only registered APIs', async (v) => {
    const c = await RawClient.connect(emu.kafkaPort);
    const body = v >= 3 ? { clientSoftwareName: 'tandem-test', clientSoftwareVersion: '1.0' } : {};
    const res = await c.call(18, v, body);
    expect(res.body.errorCode).toBe(0);
    expect(res.body.apiKeys).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 4 });
    for (const k of res.body.apiKeys) expect(k.minVersion).toBeLessThanOrEqual(k.maxVersion);
    c.close();
  });

  test('an unsupported version gets a v0 body with UNSUPPORTED_VERSION and our range (KIP-511)', async () => {
    const c = await RawClient.connect(emu.kafkaPort);
    // v9 does not exist: its header is v2 (ApiVersions is flexible from v3) and its body unknown.
    const frame = Buffer.from('0012' + '0009' + '0000002a' + '0003616263' + '00' + 'deadbeef', 'hex');
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length);
    c.write(Buffer.concat([size, frame]));
    const res = await c.next();
    expect(decodeResponse(18, 0, res!)).toEqual({
      correlationId: 42,
      body: { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1, finalizedFeatures: [], zkMigrationReady: false },
    });
    // The connection stays usable: the client retries with a version we know.
    expect((await c.call(18, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' })).body.errorCode).toBe(0);
    c.close();
  });

  test('malformed client software names get INVALID_REQUEST', async () => {
    const c = await RawClient.connect(emu.kafkaPort);
    const res = await c.call(18, 3, { clientSoftwareName: '-bad name', clientSoftwareVersion: '1' });
    expect(res.body).toMatchObject({ errorCode: 42, apiKeys: [] });
    c.close();
  });
});

describe('pipelining and concurrency', () => {
  test('pipelined requests are answered in order', async () => {
    const c = await RawClient.connect(emu.kafkaPort);
    const sent = Array.from({ length: 50 }, (_, i) => ({ v: i % 5, ...c.frame(18, i % 5, { clientSoftwareName: 'p', clientSoftwareVersion: '1' }) }));
    c.write(Buffer.concat(sent.map((s) => s.bytes)));
    for (const s of sent) {
      const res = decodeResponse(18, s.v, (await c.next())!);
      expect(res.correlationId).toBe(s.correlationId);
      expect(res.body.errorCode).toBe(0);
    }
    c.close();
  });

  test("kafka-python's probe: ApiVersions v0 pipelined with Metadata v0", async () => {
    const c = await RawClient.connect(emu.kafkaPort);
    const a = c.frame(18, 0, {});
    const m = c.frame(3, 0, { topics: [] });
    c.write(Buffer.concat([a.bytes, m.bytes]));
    expect(decodeResponse(18, 0, (await c.next())!)).toMatchObject({ correlationId: a.correlationId, body: { errorCode: 0 } });
    const meta = decodeResponse(3, 0, (await c.next())!);
    expect(meta.correlationId).toBe(m.correlationId);
    expect(meta.body.brokers).toHaveLength(1);
    c.close();
  });

  test('a request split across many tiny writes is reassembled', async () => {
    const c = await RawClient.connect(emu.kafkaPort);
    const { bytes, correlationId } = c.frame(18, 3, { clientSoftwareName: 'split', clientSoftwareVersion: '1' });
    for (const b of bytes) c.socket.write(Buffer.from([b]));
    expect(decodeResponse(18, 3, (await c.next())!).correlationId).toBe(correlationId);
    c.close();
  });

  test('many concurrent clients', async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => RawClient.connect(emu.kafkaPort)));
    const results = await Promise.all(clients.map((c) => c.call(18, 2, {})));
    for (const r of results) expect(r.body.errorCode).toBe(0);
    for (const c of clients) c.close();
  });
});

describe('bad input closes the connection and nothing else', () => {
  const withSize = (hex: string): Buffer => {
    const body = Buffer.from(hex, 'hex');
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    return Buffer.concat([size, body]);
  };
  const cases: Record<string, () => Buffer> = {
    'an oversized frame': () => Buffer.from('7fffffff00', 'hex'),
    'a negative frame size': () => Buffer.from('ffffffff', 'hex'),
    'a zero frame size': () => Buffer.from('00000000', 'hex'),
    'garbage': () => Buffer.from('474554202f20485454502f312e310d0a0d0a', 'hex'), // "GET / HTTP/1.1"
    'a truncated header': () => withSize('0012'),
    'a truncated body': () => withSize('0012' + '0003' + '00000001' + 'ffff' + '00' + '05616263'),
    'an unknown API key': () => withSize('03e7' + '0000' + '00000001' + 'ffff'),
    'an API we do not serve': () => withSize('0039' + '0000' + '00000001' + 'ffff'),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    test(name, async () => {
      const c = await RawClient.connect(emu.kafkaPort);
      c.write(bytes());
      expect(await c.next()).toBeNull();
      await c.closed;
      await assertServing();
    });
  }

  test('an unsupported version of an API we serve (not ApiVersions)', async () => {
    const c = await RawClient.connect(emu.kafkaPort);
    const res = await c.call(18, 0, {});
    const metadata = (res.body.apiKeys as { apiKey: number; maxVersion: number }[]).find((k) => k.apiKey === 3)!;
    // Header only: the server must close before looking at a body it cannot know.
    const frame = Buffer.alloc(14);
    frame.writeInt32BE(10, 0);
    frame.writeInt16BE(3, 4);
    frame.writeInt16BE(metadata.maxVersion + 1, 6);
    frame.writeInt32BE(9, 8);
    frame.writeInt16BE(-1, 12);
    c.write(frame);
    expect(await c.next()).toBeNull();
    await assertServing();
  });

  test('a bad client does not disturb a connected one', async () => {
    const good = await RawClient.connect(emu.kafkaPort);
    const bad = await RawClient.connect(emu.kafkaPort);
    bad.write(Buffer.from('0000000400000000', 'hex'));
    await bad.closed;
    expect((await good.call(18, 1, {})).body.errorCode).toBe(0);
    good.close();
  });
});

describe('real clients', () => {
  test('kafkajs admin connects (ApiVersions negotiation)', async () => {
    const kafka = new Kafka({ brokers: [emu.kafkaBroker], clientId: 'tandem-proto-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.disconnect();
  });

  test('kcat (librdkafka) gets an ApiVersions v3 answer', async () => {
    const out = await new Promise<string>((resolve) => {
      const p = spawn('kcat', ['-b', emu.kafkaBroker, '-L', '-m', '5', '-X', 'debug=protocol,broker'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      p.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
      p.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
      p.on('close', () => resolve(text));
    });
    expect(out).toMatch(/Received ApiVersionResponse \(v3/);
    expect(out).toMatch(/APIVERSION_QUERY -> UP/);
    expect(out).toMatch(/Metadata for all topics/);
  });
});
