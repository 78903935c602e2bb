/**
 * Compaction bench (not in `npm test`, not in `npm run bench`'s suites): one partition of N records
 * over K keys (default 1M over 1k, 100-byte values) in batches of B, written through the log's
 * produce path into LevelDB on disk, then one clean by the log cleaner. Reports the clean's time
 * and the partition's bytes and records before and after, and checks the result: exactly the
 * newest record of every key, at its original offset.
 *
 *   npm run build && node dist/scripts/bench/compaction.js [--records N] [--keys K] [--batch B] [--codec none|gzip|snappy|lz4|zstd]
 *
 * The cleaner runs in-process on the manual clock (what the broker's timer would call), so the
 * number is the cleaner's work, not a client's or the 15 s interval.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../emulator/src/core/clock.js';
import type { Core } from '../../emulator/src/core/core.js';
import { Logger } from '../../emulator/src/core/logger.js';
import { Store } from '../../emulator/src/core/storage/store.js';
import { LogManager } from '../../kafka-shim/src/log/index.js';
import { decodeBatch, encodeBatch } from '../../kafka-shim/src/records/batch.js';
import { CODEC_NAMES, loadZstdCompressor } from '../../kafka-shim/src/records/compression.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

const RECORDS = Number(arg('records', '1000000'));
const KEYS = Number(arg('keys', '1000'));
const BATCH = Number(arg('batch', '500'));
const CODEC = CODEC_NAMES.indexOf(arg('codec', 'none') as (typeof CODEC_NAMES)[number]);
if (CODEC < 0) throw new Error(`--codec must be one of ${CODEC_NAMES.join(', ')}`);

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

async function main(): Promise<void> {
  await loadZstdCompressor();
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-compaction-bench-'));
  const clock = new ManualClock(Date.now());
  const store = await Store.open({ dir });
  const core: Core = { clock, store, log: new Logger('silent') };
  const log = new LogManager(core, { defaultPartitions: 1 });
  await log.load();
  try {
    // 64 MiB segments, as a busy compacted topic would roll them; the last append rolls the
    // active one so every bench record is in a closed (cleanable) segment.
    await log.createTopic('bench', 1, [['cleanup.policy', 'compact'], ['segment.bytes', String(64 << 20)], ['segment.ms', '60000']]);
    const value = 'v'.repeat(100);
    const t0 = performance.now();
    for (let base = 0; base < RECORDS; base += BATCH) {
      const n = Math.min(BATCH, RECORDS - base);
      const records = Array.from({ length: n }, (_, i) => ({ key: `key-${(base + i) % KEYS}`, value: `${base + i}:${value}`, timestamp: clock.now() }));
      await log.append('bench', 0, encodeBatch({ records, compression: CODEC }));
    }
    clock.advance(120_000);
    await log.append('bench', 0, encodeBatch({ records: [{ key: 'roll', value: 'x', timestamp: clock.now() }] }));
    const writeMs = performance.now() - t0;
    const p = log.partition('bench', 0);
    const closedBytes = () => p.cleanerStats().segments.slice(0, -1).reduce((s, x) => s + x.bytes, 0);
    const before = { bytes: closedBytes(), batches: p.batchCount - 1 };
    const rssBefore = process.memoryUsage().rss;
    const c0 = performance.now();
    const [r] = await log.cleaner.runOnce();
    const cleanMs = performance.now() - c0;
    const rssAfter = process.memoryUsage().rss;
    if (!r) throw new Error('the cleaner found nothing to clean');
    const after = { bytes: closedBytes(), batches: p.batchCount - 1 };
    // Check: exactly the newest record of every key, at its original offset.
    const seen = new Map<string, number>();
    let records = 0;
    for (const b of await p.read(0, 1 << 30, true)) {
      for (const rec of decodeBatch(b).records) {
        records++;
        seen.set(rec.key!.toString(), rec.offset);
      }
    }
    for (let k = 0; k < KEYS; k++) {
      const newest = RECORDS - 1 - ((RECORDS - 1 - k) % KEYS);
      if (seen.get(`key-${k}`) !== newest) throw new Error(`key-${k}: offset ${seen.get(`key-${k}`)}, expected ${newest}`);
    }
    if (records !== KEYS + 1) throw new Error(`${records} records after cleaning, expected ${KEYS + 1}`);
    const result = {
      records: RECORDS,
      keys: KEYS,
      batchRecords: BATCH,
      codec: CODEC_NAMES[CODEC],
      writeSeconds: +(writeMs / 1000).toFixed(2),
      cleanSeconds: +(cleanMs / 1000).toFixed(2),
      recordsPerSecond: Math.round(r.recordsRead / (cleanMs / 1000)),
      bytesBefore: before.bytes,
      bytesAfter: after.bytes,
      batchesBefore: before.batches,
      batchesAfter: after.batches,
      recordsAfter: records - 1,
      rssDeltaMiB: +((rssAfter - rssBefore) / 1048576).toFixed(1),
    };
    process.stdout.write(
      `compaction of ${RECORDS} records over ${KEYS} keys (${BATCH} per batch, ${result.codec}):\n` +
        `  clean ${result.cleanSeconds} s (${result.recordsPerSecond} records/s); bytes ${mb(before.bytes)} -> ${mb(after.bytes)}; ` +
        `batches ${before.batches} -> ${after.batches}; records ${RECORDS} -> ${result.recordsAfter}; write ${result.writeSeconds} s\n` +
        `${JSON.stringify(result)}\n`,
    );
  } finally {
    await log.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
