/**
 * Dispatch semantics of a connection, with test handlers on an in-process listener: response
 * order under async handlers, NO_RESPONSE, handler failures, back-pressure.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Logger } from '../../../emulator/src/core/logger.js';
import type { Broker } from '../../src/broker.js';
import { defineApi, NO_RESPONSE } from '../../src/apis/api.js';
import { ApiRegistry } from '../../src/apis/registry.js';
import { decodeResponse } from '../../src/protocol/messages.js';
import { KafkaServer } from '../../src/server/server.js';
import { RawClient } from './wire.js';

const logs: Record<string, unknown>[] = [];
let server: KafkaServer;

/** Heartbeat requests wait on these, keyed by group id, when the group id starts with "wait". */
const gates = new Map<string, { started: Promise<void>; open: () => void; ran: () => void }>();
function gate(name: string) {
  let ran!: () => void;
  let open!: () => void;
  const started = new Promise<void>((r) => (ran = r));
  const opened = new Promise<void>((r) => (open = r));
  gates.set(name, { started, open, ran });
  return { started, open, opened };
}
const opened = new Map<string, Promise<void>>();
let handled = 0;
const ran = new Set<string>();

const testHeartbeat = defineApi({
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  async handle(req) {
    handled++;
    ran.add(req.groupId);
    const g = gates.get(req.groupId);
    if (g) {
      g.ran();
      await opened.get(req.groupId);
    }
    if (req.groupId === 'throw') throw new Error('boom');
    if (req.groupId === 'unencodable') return { errorCode: null as unknown as number };
    return { errorCode: req.groupId === 'ok' ? 0 : 27 };
  },
});

const testProduce = defineApi({
  key: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 7,
  handle(req) {
    if (req.topicData.some((t) => t.name === 'throw')) throw new Error('produce failed');
    if (req.acks === 0) return NO_RESPONSE;
    return { responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: [{ index: 0, baseOffset: 1 }] })) };
  },
});

const testListOffsets = defineApi({
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 3,
  handle() {
    throw new Error('list offsets failed');
  },
  errorResponse(req, errorCode) {
    return {
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    };
  },
});

beforeAll(async () => {
  const log = new Logger('warn', {}, (line) => logs.push(JSON.parse(line)));
  server = await KafkaServer.listen('127.0.0.1', 0, {
    broker: () => ({}) as Broker,
    apis: new ApiRegistry([testHeartbeat, testProduce, testListOffsets]),
    advertised: () => ({ listener: 'external', host: '127.0.0.1', port: server.port }),
    nodeId: 1,
    log,
    maxInFlight: 4,
  });
});

afterAll(async () => {
  await server.close();
});

const hb = (groupId: string) => ({ groupId, generationId: 1, memberId: 'm' });
const produce = (name: string, acks: number) => ({ transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name, partitionData: [{ index: 0, records: Buffer.from('x') }] }] });

describe('response order', () => {
  test('a slow handler holds back the responses behind it, which still run at once', async () => {
    const c = await RawClient.connect(server.port);
    const slow = gate('wait-1');
    opened.set('wait-1', slow.opened);
    const a = c.frame(12, 3, hb('wait-1'));
    const b = c.frame(12, 3, hb('ok'));
    const before = handled;
    c.write(Buffer.concat([a.bytes, b.bytes]));
    await slow.started;
    const second = c.next();
    slow.open();
    const r1 = decodeResponse(12, 3, (await second)!);
    const r2 = decodeResponse(12, 3, (await c.next())!);
    expect([r1.correlationId, r2.correlationId]).toEqual([a.correlationId, b.correlationId]);
    expect(handled - before).toBe(2);
    c.close();
  });

  test('NO_RESPONSE (acks=0) sends nothing and keeps the order', async () => {
    const c = await RawClient.connect(server.port);
    const frames = [c.frame(0, 7, produce('t', 0)), c.frame(0, 7, produce('t', 1)), c.frame(0, 7, produce('t', 0)), c.frame(12, 4, hb('ok'))];
    c.write(Buffer.concat(frames.map((f) => f.bytes)));
    expect(decodeResponse(0, 7, (await c.next())!).correlationId).toBe(frames[1].correlationId);
    expect(decodeResponse(12, 4, (await c.next())!).correlationId).toBe(frames[3].correlationId);
    c.close();
  });
});

describe('handler failures', () => {
  test('an API with a top-level error code answers UNKNOWN_SERVER_ERROR', async () => {
    const c = await RawClient.connect(server.port);
    expect((await c.call(12, 4, hb('throw'))).body.errorCode).toBe(-1);
    expect((await c.call(12, 2, hb('unencodable'))).body.errorCode).toBe(-1);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'kafka.handler.failed', api: 'Heartbeat', group: 'throw' }));
    c.close();
  });

  test("a handler's errorResponse is used when it has one", async () => {
    const c = await RawClient.connect(server.port);
    const res = await c.call(2, 2, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'lo', partitions: [{ partitionIndex: 3, timestamp: -1 }] }] });
    expect(res.body.topics).toEqual([expect.objectContaining({ name: 'lo', partitions: [expect.objectContaining({ partitionIndex: 3, errorCode: -1 })] })]);
    c.close();
  });

  test('otherwise the connection closes after the earlier responses, and the log names the topic', async () => {
    const c = await RawClient.connect(server.port);
    const frames = [c.frame(12, 3, hb('ok')), c.frame(0, 5, produce('throw', 1)), c.frame(12, 3, hb('ok'))];
    c.write(Buffer.concat(frames.map((f) => f.bytes)));
    expect(decodeResponse(12, 3, (await c.next())!).correlationId).toBe(frames[0].correlationId);
    expect(await c.next()).toBeNull();
    expect(logs).toContainEqual(expect.objectContaining({ event: 'kafka.handler.failed', api: 'Produce', topics: ['throw'] }));
  });
});

describe('back-pressure', () => {
  test('no more than maxInFlight handlers run at once; the rest wait and then run in order', async () => {
    const c = await RawClient.connect(server.port);
    const names = ['wait-a', 'wait-b', 'wait-c', 'wait-d', 'wait-e', 'wait-f'];
    const gs = names.map((n) => {
      const g = gate(n);
      opened.set(n, g.opened);
      return g;
    });
    const frames = names.map((n) => c.frame(12, 1, hb(n)));
    c.write(Buffer.concat(frames.map((f) => f.bytes)));
    await Promise.all(gs.slice(0, 4).map((g) => g.started));
    expect(['wait-e', 'wait-f'].filter((n) => ran.has(n))).toEqual([]);
    for (const g of gs) g.open();
    for (const f of frames) expect(decodeResponse(12, 1, (await c.next())!).correlationId).toBe(f.correlationId);
    c.close();
  });
});
