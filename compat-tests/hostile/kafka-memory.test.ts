/**
 * A Kafka client that pipelines Fetch requests and never reads its socket must not grow Tandem's
 * memory without bound, and what it cost must be given back when it disconnects (issue 14: 150
 * such Fetches raised RSS from 115 MB to 1.4 GB, kept after the disconnect). Real sockets against
 * a spawned Tandem; the bound is checked on the process's VmRSS.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';
import { encodeRequest } from '../../kafka-shim/src/protocol/messages.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { peakRssDuring, rssMiB } from './rss.js';

let emu: Emulator;
const TOPIC = 'hostile-fetch';
/** Stored in the topic: more than the broker's 16 MiB batch cache, so every Fetch reads (and
 * allocates) the rest from LevelDB, as for any log that is not brand new. */
const DATA_MIB = 24;

beforeAll(async () => {
  emu = await Emulator.start();
  const kafka = new Kafka({ brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < DATA_MIB * 4; i++) {
    await producer.send({ topic: TOPIC, messages: [{ value: randomBytes(256 * 1024) }] });
  }
  await producer.disconnect();
}, 60_000);

afterAll(async () => {
  await emu?.stop();
});

function fetchFrame(correlationId: number): Buffer {
  return encodeRequest(
    { apiKey: 1, apiVersion: 4, correlationId, clientId: 'never-reads' },
    {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 100 * 1024 * 1024,
      isolationLevel: 0,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 100 * 1024 * 1024 }] }],
    },
  );
}

describe('a Kafka client that never reads', () => {
  test('150 pipelined Fetches stay bounded, memory comes back after disconnect, and others are served', async () => {
    const pid = emu.proc.pid!;
    const before = rssMiB(pid);
    const frames = Buffer.concat(Array.from({ length: 150 }, (_, i) => fetchFrame(i + 1)));
    let sock: net.Socket | undefined;
    const peak = await peakRssDuring(
      pid,
      async () => {
        sock = net.connect(emu.kafkaPort, '127.0.0.1');
        sock.on('error', () => {});
        await new Promise<void>((r) => sock!.once('connect', () => r()));
        // Never attach a 'data' listener: the socket stays paused, the kernel buffers fill up.
        sock.pause();
        sock.write(frames);
      },
      3000,
    );
    // Unbounded: 150 responses each holding ~8 MiB read from disk (~2 GiB measured). Bounded: one or two.
    expect(peak - before).toBeLessThan(250);

    sock!.destroy();
    await new Promise((r) => setTimeout(r, 1500));
    expect(rssMiB(pid) - before).toBeLessThan(150);

    const c = await RawClient.connect(emu.kafkaPort);
    expect((await c.call(18, 0, {})).body.errorCode).toBe(0);
    c.close();
  }, 60_000);
});
