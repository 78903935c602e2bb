/**
 * The regression corpus: every input that ever found a bug (the findings of issue 14 and anything
 * the fuzzer of scripts/fuzz finds later), replayed against one spawned Tandem over real sockets.
 * Each file in ./corpus names its finding and what Tandem must do now: an SQS request's status
 * and body, in AWS's shapes; a Kafka frame's error codes (and that the log did not move), or the
 * connection closed as Kafka closes it. After every input both endpoints must still answer.
 * Add a file per new finding (see RELIABILITY.md); large bodies are described by `repeat`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Emulator } from '../harness/emulator.js';
import { repoRoot } from '../harness/kafka-clients.js';
import { decodeResponse } from '../../kafka-shim/src/protocol/messages.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';

interface SqsCase {
  finding: string;
  protocol: 'sqs';
  request: { method: string; path: string; headers: Record<string, string>; body: string | { base64: string } | { repeat: [string, string, number, string] } };
  expect: { status: number; bodyMatch?: string };
}
interface KafkaCase {
  finding: string;
  protocol: 'kafka';
  frameHex: string;
  expect: { errorCodes?: number[]; logUnchanged?: boolean; close?: boolean; closeOrAnswer?: boolean };
}
type Case = SqsCase | KafkaCase;

const dir = path.join(repoRoot(), 'compat-tests/hostile/corpus');
const cases: [string, Case][] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Case]);

let emu: Emulator;
let queueUrl: string;

beforeAll(async () => {
  emu = await Emulator.start();
  const res = await sqsCall('POST', '/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' }, Buffer.from('{"QueueName":"corpus"}'));
  queueUrl = JSON.parse(res.body).QueueUrl;
  const c = await RawClient.connect(emu.kafkaPort);
  await c.call(19, 4, { topics: [{ name: 'corpus', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  c.close();
});

afterAll(async () => {
  await emu?.stop();
});

function sqsCall(method: string, p: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: emu.sqsPort, method, path: p, headers: { ...headers, 'content-length': String(body.length) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const fill = (s: string) => s.replaceAll('{{queueUrl}}', queueUrl);

function bodyOf(b: SqsCase['request']['body']): Buffer {
  if (typeof b === 'string') return Buffer.from(fill(b));
  if ('base64' in b) return Buffer.from(fill(Buffer.from(b.base64, 'base64').toString('latin1')), 'latin1');
  const [head, unit, n, tail] = b.repeat;
  return Buffer.from(fill(head) + unit.repeat(n / unit.length) + tail);
}

/** The partition's next offset (ListOffsets latest). */
async function endOffset(c: RawClient): Promise<number> {
  const res = await c.call(2, 1, { replicaId: -1, topics: [{ name: 'corpus', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] });
  return Number(res.body.topics[0].partitions[0].offset);
}

/** One frame on a fresh connection: the response frame, or null when the broker closed. */
function sendFrame(frame: Buffer): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const s = net.connect(emu.kafkaPort, '127.0.0.1', () => s.write(frame));
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        s.destroy();
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    });
    s.on('error', () => {});
    s.on('close', () => resolve(null));
  });
}

async function stillServing(): Promise<void> {
  const health = await sqsCall('GET', '/health', {}, Buffer.alloc(0));
  expect(health.status).toBe(200);
  const c = await RawClient.connect(emu.kafkaPort);
  expect((await c.call(18, 0, {})).body.errorCode).toBe(0);
  c.close();
}

describe('regression corpus', () => {
  test('holds an entry for each input that found a bug', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  test.each(cases)('%s', async (_name, c) => {
    if (c.protocol === 'sqs') {
      const res = await sqsCall(c.request.method, fill(c.request.path), c.request.headers, bodyOf(c.request.body));
      expect({ status: res.status, body: res.body.slice(0, 300) }).toMatchObject({ status: c.expect.status });
      if (c.expect.bodyMatch) expect(res.body).toMatch(new RegExp(c.expect.bodyMatch));
    } else {
      const frame = Buffer.from(c.frameHex, 'hex');
      const admin = await RawClient.connect(emu.kafkaPort);
      const before = await endOffset(admin);
      const answer = await sendFrame(frame);
      if (c.expect.close) expect(answer).toBeNull();
      if (c.expect.errorCodes) {
        expect(answer).not.toBeNull();
        const res = decodeResponse(frame.readInt16BE(4), frame.readInt16BE(6), answer!);
        expect(res.correlationId).toBe(frame.readInt32BE(8));
        expect(c.expect.errorCodes).toContain(res.body.responses[0].partitionResponses[0].errorCode);
      }
      if (c.expect.closeOrAnswer && answer) decodeResponse(frame.readInt16BE(4), frame.readInt16BE(6), answer);
      if (c.expect.logUnchanged) expect(await endOffset(admin)).toBe(before);
      admin.close();
    }
    await stillServing();
  }, 30_000);
});
