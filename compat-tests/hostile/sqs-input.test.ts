/**
 * Hostile and careless SQS input against a spawned Tandem over real sockets (issue 14): request
 * bodies beyond what AWS accepts are refused before parsing (413 as AWS), nesting no SQS input has
 * and `a.a.a…` Query keys cost nothing, unique huge QueueUrls do not grow memory, and the smaller
 * findings: invalid UTF-8, a `__proto__` attribute, control characters in values echoed as XML.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import { Emulator } from '../harness/emulator.js';
import { peakRssDuring, rssMiB } from './rss.js';

let emu: Emulator;
let queueUrl: string;

const json = (op: string, body: string | Buffer) =>
  fetch(emu.sqsEndpoint + '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
const query = (body: string) =>
  fetch(emu.sqsEndpoint + '/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

beforeAll(async () => {
  emu = await Emulator.start();
  const res = await json('CreateQueue', JSON.stringify({ QueueName: 'hostile' }));
  queueUrl = ((await res.json()) as { QueueUrl: string }).QueueUrl;
});

afterAll(async () => {
  await emu?.stop();
});

describe('request size, before parsing', () => {
  test('a JSON body beyond AWS JSON limit is answered 413 as AWS does, and the endpoint keeps serving', async () => {
    const res = await json('SendMessage', JSON.stringify({ QueueUrl: queueUrl, MessageBody: 'x'.repeat(3 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/^HTTP content length exceeded \d+ bytes\.$/);
    expect((await json('GetQueueUrl', JSON.stringify({ QueueName: 'hostile' }))).status).toBe(200);
  });

  test('a Query body beyond the Query limit is answered 413', async () => {
    const res = await query(`Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl)}&MessageBody=${'%41'.repeat(1.5 * 1024 * 1024)}`);
    expect(res.status).toBe(413);
  });

  test('a client sending `Connection: close` with an oversized body still gets the 413, not EPIPE (fuzz/corpus finding)', async () => {
    // Node ends a `Connection: close` socket as soon as the response is finished; the rest of the
    // upload then met a closed socket (EPIPE or reset on 3 of 5 tries at 15 MiB).
    const once = (mib: number) =>
      new Promise<number | string>((resolve) => {
        const n = mib * 1024 * 1024;
        const req = http.request(
          { host: '127.0.0.1', port: emu.sqsPort, method: 'POST', path: '/', agent: false, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage', 'content-length': String(n), connection: 'close' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          },
        );
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        req.end(Buffer.alloc(n, 0x5b));
      });
    const got: (number | string)[] = [];
    for (const mib of [4, 8, 15, 15, 15, 30]) got.push(await once(mib));
    expect(got).toEqual([413, 413, 413, 413, 413, 413]);
  }, 30_000);

  test('a 1 MiB message with characters JSON must escape is still accepted', async () => {
    const body = '\n'.repeat(1024 * 1024);
    const res = await json('SendMessage', JSON.stringify({ QueueUrl: queueUrl, MessageBody: body }));
    expect(res.status).toBe(200);
  });

  test('deeply nested JSON is refused as not valid input, cheaply', async () => {
    const depth = 200_000;
    const body = `{"QueueUrl":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const res = await json('SendMessage', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toMatch(/SerializationException$/);
  });
});

describe('memory', () => {
  test('unique multi-MiB QueueUrls and a.a.a… Query keys do not grow the process', async () => {
    const pid = emu.proc.pid!;
    const before = rssMiB(pid);
    const peak = await peakRssDuring(
      pid,
      async () => {
        for (let i = 0; i < 120; i++) {
          const url = `${queueUrl}-${i}-${'u'.repeat(2 * 1024 * 1024 - 64)}`;
          const res = await json('SendMessage', JSON.stringify({ QueueUrl: url, MessageBody: 'm' }));
          expect(res.status).toBe(400);
          await res.arrayBuffer();
        }
        for (let i = 0; i < 5; i++) {
          const res = await query(`Action=ListQueues&${'a.'.repeat(1.5 * 1024 * 1024)}a=1`);
          expect(res.status).toBe(200);
          await res.arrayBuffer();
        }
      },
      1000,
    );
    // Unbounded: 120 cached URLs of 2 MiB (240 MiB) and a tree of 1.5M objects per request.
    expect(peak - before).toBeLessThan(150);
    expect(rssMiB(pid) - before).toBeLessThan(100);
  }, 60_000);
});

describe('smaller findings', () => {
  test('invalid UTF-8 in a JSON body is refused, not silently replaced', async () => {
    const body = Buffer.concat([Buffer.from(`{"QueueUrl":"${queueUrl}","MessageBody":"a`), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
    const res = await json('SendMessage', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toMatch(/SerializationException$/);
  });

  test('a message attribute named __proto__ is stored and returned', async () => {
    const url = ((await (await json('CreateQueue', JSON.stringify({ QueueName: 'proto' }))).json()) as { QueueUrl: string }).QueueUrl;
    // Written as text: `{ __proto__: … }` in a JS literal would set a prototype, not a key.
    const sent = await json('SendMessage', `{"QueueUrl":"${url}","MessageBody":"p","MessageAttributes":{"__proto__":{"DataType":"String","StringValue":"kept"}}}`);
    expect(sent.status).toBe(200);
    const got = (await (await json('ReceiveMessage', JSON.stringify({ QueueUrl: url, MessageAttributeNames: ['All'] }))).json()) as {
      Messages: { MessageAttributes?: Record<string, { StringValue: string }> }[];
    };
    expect(Object.hasOwn(got.Messages[0].MessageAttributes ?? {}, '__proto__')).toBe(true);
    expect(got.Messages[0].MessageAttributes!['__proto__'].StringValue).toBe('kept');
  });

  test.each([
    ['a tag value', (v: string) => ({ QueueName: 'ctl-tag', tags: { k: v } })],
    ['KmsMasterKeyId', (v: string) => ({ QueueName: 'ctl-kms', Attributes: { KmsMasterKeyId: v } })],
  ])('a control character in %s is refused on input, so Query XML stays well formed', async (_what, input) => {
    const res = await json('CreateQueue', JSON.stringify(input('a\u0001b')));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toMatch(/InvalidParameterValue|InvalidAttributeValue$/);
  });
});
