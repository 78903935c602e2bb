/** Builds magic-2 record batches the way a producer does, and a log on a temp dir + manual clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ManualClock } from '../../../emulator/src/core/clock.js';
import type { Core } from '../../../emulator/src/core/core.js';
import { Logger } from '../../../emulator/src/core/logger.js';
import { Store } from '../../../emulator/src/core/storage/store.js';
import { crc32c } from '../../src/log/crc32c.js';
import { LogManager } from '../../src/log/index.js';

function varint(n: number): Buffer {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 128) | 0x80);
    z = Math.floor(z / 128);
  }
  out.push(z);
  return Buffer.from(out);
}

function bytesField(b: Buffer | null): Buffer {
  return b ? Buffer.concat([varint(b.length), b]) : varint(-1);
}

export interface TestRecord {
  key?: string | null;
  value: string;
  timestamp?: number;
}

export interface BatchOptions {
  baseTimestamp?: number;
  attributes?: number;
  gzip?: boolean;
  magic?: number;
}

export function makeBatch(records: TestRecord[], opts: BatchOptions = {}): Buffer {
  const baseTs = opts.baseTimestamp ?? records[0]?.timestamp ?? Date.UTC(2026, 0, 1);
  const encoded = records.map((r, i) => {
    const body = Buffer.concat([
      Buffer.from([0]),
      varint((r.timestamp ?? baseTs) - baseTs),
      varint(i),
      bytesField(r.key == null ? null : Buffer.from(r.key)),
      bytesField(Buffer.from(r.value)),
      varint(0),
    ]);
    return Buffer.concat([varint(body.length), body]);
  });
  let payload = Buffer.concat(encoded);
  let attributes = opts.attributes ?? 0;
  if (opts.gzip) {
    payload = gzipSync(payload);
    attributes |= 1;
  }
  const maxTs = Math.max(...records.map((r) => r.timestamp ?? baseTs));
  const h = Buffer.alloc(61);
  h.writeBigInt64BE(0n, 0);
  h.writeInt32BE(49 + payload.length, 8);
  h.writeInt32BE(-1, 12);
  h.writeInt8(opts.magic ?? 2, 16);
  h.writeInt16BE(attributes, 21);
  h.writeInt32BE(records.length - 1, 23);
  h.writeBigInt64BE(BigInt(baseTs), 27);
  h.writeBigInt64BE(BigInt(maxTs), 35);
  h.writeBigInt64BE(-1n, 43);
  h.writeInt16BE(-1, 51);
  h.writeInt32BE(-1, 53);
  h.writeInt32BE(records.length, 57);
  const batch = Buffer.concat([h, payload]);
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

export function values(batches: Buffer[]): string[] {
  // Test batches are uncompressed with null-or-short keys; decode just enough to read values.
  const out: string[] = [];
  for (const b of batches) {
    let pos = 61;
    const count = b.readInt32BE(57);
    for (let i = 0; i < count; i++) {
      const [len, p1] = readVarint(b, pos);
      const end = p1 + len;
      let p = p1 + 1;
      [, p] = readVarint(b, p);
      [, p] = readVarint(b, p);
      let klen: number;
      [klen, p] = readVarint(b, p);
      if (klen > 0) p += klen;
      let vlen: number;
      [vlen, p] = readVarint(b, p);
      out.push(b.toString('utf8', p, p + vlen));
      pos = end;
    }
  }
  return out;
}

function readVarint(b: Buffer, pos: number): [number, number] {
  let z = 0;
  let mul = 1;
  for (;;) {
    const byte = b[pos++];
    z += (byte & 0x7f) * mul;
    mul *= 128;
    if (!(byte & 0x80)) break;
  }
  return [z % 2 === 0 ? z / 2 : -(z + 1) / 2, pos];
}

export class TestLog {
  static async open(dir?: string, clock = new ManualClock(Date.UTC(2026, 0, 1))): Promise<TestLog> {
    const d = dir ?? mkdtempSync(path.join(tmpdir(), 'tandem-klog-'));
    const store = await Store.open({ dir: d });
    const core: Core = { clock, store, log: new Logger('silent') };
    const log = new LogManager(core, { defaultPartitions: 3 });
    await log.load();
    return new TestLog(d, clock, store, log);
  }

  private constructor(
    readonly dir: string,
    readonly clock: ManualClock,
    readonly store: Store,
    readonly log: LogManager,
  ) {}

  /** Close cleanly and open the same dir again. */
  async reopen(): Promise<TestLog> {
    await this.log.close();
    await this.store.close();
    return TestLog.open(this.dir, this.clock);
  }

  async destroy(): Promise<void> {
    await this.log.close();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
