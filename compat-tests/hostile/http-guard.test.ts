/**
 * The HTTP listener against browsers and careless clients (issue 14), on a spawned Tandem over real
 * sockets: foreign Origins and unknown Host names (CSRF, DNS rebinding) are refused while SDK-style
 * requests work; allowed origins get CORS; admin writes never accept a cross origin; connections
 * beyond the limit are refused without taking /health down; half-sent requests are dropped.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import net from 'node:net';
import { Emulator } from '../harness/emulator.js';

let emu: Emulator;
const CONSOLE_ORIGIN = 'http://console.example:5173';

beforeAll(async () => {
  emu = await Emulator.start({
    args: ['--allowed-hosts', 'tandem', '--allowed-origins', CONSOLE_ORIGIN, '--max-connections', '6', '--request-timeout-ms', '400'],
  });
});

afterAll(async () => {
  await emu?.stop();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function call(method: string, path: string, headers: Record<string, string> = {}, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: emu.sqsPort, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('browser safety', () => {
  test('SDK-style requests (no Origin; loopback, IP or configured Host) are served', async () => {
    for (const host of [`127.0.0.1:${emu.sqsPort}`, `localhost:${emu.sqsPort}`, 'tandem:9324', `sqs.us-east-1.localhost:${emu.sqsPort}`]) {
      expect((await call('POST', '/', { ...form, host }, 'Action=ListQueues')).status).toBe(200);
    }
  });

  test('a simple cross-origin request (CSRF) is refused before it acts', async () => {
    await call('POST', '/', form, 'Action=CreateQueue&QueueName=csrf-victim');
    const purge = await call('GET', '/?Action=DeleteQueue&QueueUrl=csrf-victim', { origin: 'http://evil.example' });
    expect(purge.status).toBe(403);
    const post = await call('POST', '/', { 'content-type': 'text/plain', origin: 'https://evil.example' }, 'Action=DeleteQueue&QueueUrl=csrf-victim');
    expect(post.status).toBe(403);
    const crossSite = await call('GET', '/?Action=DeleteQueue&QueueUrl=csrf-victim', { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect((await call('POST', '/', form, 'Action=GetQueueUrl&QueueName=csrf-victim')).status).toBe(200);
  });

  test('an unknown Host name (DNS rebinding) is refused', async () => {
    const res = await call('POST', '/', { ...form, host: 'rebind.attacker.example' }, 'Action=ListQueues');
    expect(res.status).toBe(403);
    expect((await call('GET', '/health', { host: `127.0.0.1.attacker.example:${emu.sqsPort}` })).status).toBe(403);
  });

  test('an allowed origin gets explicit CORS answers, a same-origin page (the console) is served', async () => {
    const pre = await call('OPTIONS', '/', { origin: CONSOLE_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(CONSOLE_ORIGIN);
    expect(pre.headers['access-control-allow-headers']).toBe('content-type,x-amz-target');
    const res = await call('POST', '/', { ...form, origin: CONSOLE_ORIGIN }, 'Action=ListQueues');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(CONSOLE_ORIGIN);
    const same = await call('POST', '/', { ...form, origin: `http://127.0.0.1:${emu.sqsPort}` }, 'Action=ListQueues');
    expect(same.status).toBe(200);
    expect(same.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('state-changing admin routes never accept a cross origin, even an allowed one', async () => {
    const body = JSON.stringify({ advanceMs: 1 });
    expect((await call('POST', '/_tandem/clock', { origin: CONSOLE_ORIGIN }, body)).status).toBe(403);
    expect((await call('POST', '/_tandem/clock', { origin: 'http://evil.example', 'content-type': 'text/plain' }, body)).status).toBe(403);
    expect((await call('POST', '/_tandem/clock', { origin: `http://127.0.0.1:${emu.sqsPort}` }, body)).status).toBe(200);
    expect((await call('POST', '/_tandem/clock', {}, body)).status).toBe(200);
  });
});

describe('connection limits and timeouts', () => {
  test('a half-sent request is dropped after the request timeout', async () => {
    const sock = net.connect(emu.sqsPort, '127.0.0.1');
    sock.on('error', () => {});
    sock.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nAction=');
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 5000);
      sock.once('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    expect(closed).toBe(true);
  });

  test('connections beyond the limit are refused, /health still answers, and capacity returns', async () => {
    const idle: net.Socket[] = [];
    for (let i = 0; i < 6; i++) {
      const s = net.connect(emu.sqsPort, '127.0.0.1');
      s.on('error', () => {});
      await new Promise((r) => s.once('connect', r));
      idle.push(s);
    }
    await new Promise((r) => setTimeout(r, 100));
    const over = await call('POST', '/', form, 'Action=ListQueues');
    expect(over.status).toBe(503);
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);
    for (const s of idle) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await call('POST', '/', form, 'Action=ListQueues')).status).toBe(200);
  });

  test('Kafka: a frame above the maximum, connections beyond the limit, a half-sent frame and an idle connection are closed', async () => {
    const emu2 = await Emulator.start({ args: ['--kafka-max-frame-bytes', '1000', '--max-connections', '2', '--request-timeout-ms', '300', '--idle-timeout-ms', '600'] });
    try {
      const closedAfter = (bytes: Buffer | undefined) =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(emu2.kafkaPort, '127.0.0.1', () => bytes && s.write(bytes));
          s.on('error', () => {});
          const t = setTimeout(() => resolve(false), 3000);
          s.once('close', () => {
            clearTimeout(t);
            resolve(true);
          });
        });
      const big = Buffer.alloc(8);
      big.writeInt32BE(2000, 0);
      expect(await closedAfter(big)).toBe(true);
      const held = [net.connect(emu2.kafkaPort, '127.0.0.1'), net.connect(emu2.kafkaPort, '127.0.0.1')];
      await Promise.all(held.map((s) => new Promise((r) => s.once('connect', r))));
      await new Promise((r) => setTimeout(r, 100));
      expect(await closedAfter(undefined)).toBe(true);
      for (const s of held) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      // Half of a frame, then nothing: closed after the request timeout, its buffer released.
      const half = Buffer.alloc(50);
      half.writeInt32BE(900, 0);
      const h0 = Date.now();
      expect(await closedAfter(half)).toBe(true);
      expect(Date.now() - h0).toBeLessThan(550); // the request timeout, not the idle one
      // Nothing at all: closed after the idle timeout (connections.max.idle.ms).
      const t0 = Date.now();
      expect(await closedAfter(undefined)).toBe(true);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    } finally {
      await emu2.stop();
    }
  });
});
