/** Storage and network ceilings measured in the bench process: raw LevelDB batches and a TCP pump. */
import { ClassicLevel } from 'classic-level';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startNodeServer, stopChild } from '../lib/procs.js';

export interface Throughput {
  records: number;
  ms: number;
  perSec: number;
  mbPerSec: number;
}

/** Printable random bytes: LevelDB snappy-compresses blocks, so repetitive payloads would flatter it. */
export function payload(size: number, seed = 0): Buffer {
  const b = randomBytes(size);
  for (let i = 0; i < size; i++) b[i] = 33 + ((b[i] + seed) % 94);
  return b;
}

/**
 * `records` values of `size` bytes written as sequential awaited batch() calls of `perBatch` puts
 * each, or of one value holding `perBatch` records (what a log of opaque record batches writes).
 */
export async function levelBatchLoop(records: number, size: number, perBatch: number, opaque: boolean): Promise<Throughput> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-bench-level-'));
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const value = payload(opaque ? size * perBatch : size);
  try {
    const t0 = performance.now();
    let seq = 0;
    for (let written = 0; written < records; written += perBatch) {
      const ops: { type: 'put'; key: Buffer; value: Buffer }[] = [];
      const n = opaque ? 1 : Math.min(perBatch, records - written);
      for (let i = 0; i < n; i++) {
        const key = Buffer.alloc(12);
        key.write('bnch', 0);
        key.writeBigUInt64BE(BigInt(seq++), 4);
        ops.push({ type: 'put', key, value });
      }
      await db.batch(ops);
    }
    const ms = performance.now() - t0;
    return { records, ms, perSec: (records / ms) * 1000, mbPerSec: (records * size) / 2 ** 20 / (ms / 1000) };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes pushed over loopback TCP into a sink process, in 64 KiB writes, for `bytes` or `maxMs`. */
export async function tcpPump(bytes: number, maxMs: number): Promise<Throughput> {
  const { proc, line } = await startNodeServer('baselines/tcp-sink.js');
  try {
    const sock = net.connect(Number(line), '127.0.0.1');
    await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej));
    const chunk = payload(64 * 1024);
    let sent = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      const pump = () => {
        while (sent < bytes && performance.now() - t0 < maxMs) {
          sent += chunk.length;
          if (!sock.write(chunk)) return void sock.once('drain', pump);
        }
        sock.end(resolve);
      };
      pump();
    });
    const ms = performance.now() - t0;
    sock.destroy();
    return { records: sent, ms, perSec: (sent / ms) * 1000, mbPerSec: sent / 2 ** 20 / (ms / 1000) };
  } finally {
    await stopChild(proc);
  }
}
