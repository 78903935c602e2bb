/**
 * Codec micro-benchmark for the hot APIs: Produce request decode and Fetch response encode (and
 * the reverse directions, which clients pay). Prints operations per second.
 *
 *   node build/.../kafka-shim/scripts/bench-codec.js
 */
import { decodeRequest, encodeRequest, encodeResponse } from '../src/protocol/messages.js';

function bench(name: string, fn: () => void): void {
  for (let i = 0; i < 2000; i++) fn(); // warm up the JIT and the per-version plans
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 1e9) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  process.stdout.write(`${name.padEnd(58)} ${Math.round((n / elapsed) * 1e9).toLocaleString('en-US').padStart(12)} ops/s\n`);
}

const batch = (size: number) => Buffer.alloc(size, 1);

for (const [partitions, size] of [
  [1, 1024],
  [8, 16 * 1024],
] as const) {
  const produce = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'bench-topic', partitionData: Array.from({ length: partitions }, (_, i) => ({ index: i, records: batch(size) })) }],
  };
  const frame = encodeRequest({ apiKey: 0, apiVersion: 7, correlationId: 1, clientId: 'bench' }, produce).subarray(4);
  bench(`Produce v7 request decode (${partitions} x ${size} B)`, () => decodeRequest(frame));
  const frame9 = encodeRequest({ apiKey: 0, apiVersion: 9, correlationId: 1, clientId: 'bench' }, produce).subarray(4);
  bench(`Produce v9 (flexible) request decode (${partitions} x ${size} B)`, () => decodeRequest(frame9));

  const fetch = {
    responses: [
      {
        topic: 'bench-topic',
        partitions: Array.from({ length: partitions }, (_, i) => ({
          partitionIndex: i,
          highWatermark: 1_000_000,
          lastStableOffset: 1_000_000,
          logStartOffset: 0,
          abortedTransactions: [],
          records: batch(size),
        })),
      },
    ],
  };
  bench(`Fetch v11 response encode (${partitions} x ${size} B)`, () => encodeResponse(1, 11, 1, fetch));
  bench(`Fetch v12 (flexible) response encode (${partitions} x ${size} B)`, () => encodeResponse(1, 12, 1, fetch));
  const responses = { responses: [{ name: 'bench-topic', partitionResponses: Array.from({ length: partitions }, (_, i) => ({ index: i, baseOffset: 12345 })) }] };
  bench(`Produce v7 response encode (${partitions} partitions)`, () => encodeResponse(0, 7, 1, responses));
}
