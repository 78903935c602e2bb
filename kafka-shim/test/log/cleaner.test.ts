/**
 * The log cleaner: its per-batch rules and its plan alone (Kafka's Cleaner and LogCleanerManager
 * facts), then whole cleans of a LogManager on a temp dir and the manual clock.
 */
import { decodeBatch, encodeBatch, type RecordInput } from '../../src/records/batch.js';
import { Codec, loadZstdCompressor } from '../../src/records/compression.js';
import { emptyBatch, filterBatch, KEEP_TRANSACTIONS, mapBatch, OffsetMap, type FilterContext } from '../../src/log/cleaner-rules.js';
import { planClean, type PlanInput } from '../../src/log/cleaner-plan.js';
import { CLEANER_BACKOFF_MS } from '../../src/log/configs.js';
import { batchKey } from '../../src/storage/keys.js';
import { TestLog } from './fixtures.js';

const T0 = Date.UTC(2026, 0, 1);
const rec = (key: string | null, value: string | null, timestamp = T0): RecordInput => ({ key, value, timestamp });

function ctxFor(batches: Buffer[], now = T0, extra: Partial<FilterContext> = {}): FilterContext {
  const map = new OffsetMap();
  for (const b of batches) mapBatch(map, decodeBatch(b), 0, KEEP_TRANSACTIONS);
  return { map, now, deleteRetentionMs: 1000, endOffset: map.latestOffset + 1, producerLastOffsets: new Set(), txn: KEEP_TRANSACTIONS, ...extra };
}

async function until(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await ok()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const live = (bytes: Buffer) => decodeBatch(bytes).records.map((r) => `${r.offset}:${r.key}=${r.value === null ? 'null' : r.value.toString()}`);

describe('cleaner rules', () => {
  beforeAll(() => loadZstdCompressor());

  it.each([
    ['none', Codec.NONE],
    ['gzip', Codec.GZIP],
    ['snappy', Codec.SNAPPY],
    ['lz4', Codec.LZ4],
    ['zstd', Codec.ZSTD],
  ])('keeps the newest record per key, rewriting a %s batch in its codec with offsets and last offset kept', (_name, codec) => {
    const a = encodeBatch({ baseOffset: 10, compression: codec, partitionLeaderEpoch: 0, records: [rec('k1', 'a'), rec('k2', 'b'), rec('k1', 'c'), rec('k3', 'd')] });
    const b = encodeBatch({ baseOffset: 14, records: [rec('k3', 'e')] });
    const ctx = ctxFor([a, b]);
    const f = filterBatch(decodeBatch(a), ctx);
    expect(f.kind).toBe('rewrite');
    if (f.kind !== 'rewrite') return;
    const out = decodeBatch(f.bytes); // CRC checked by the decoder
    expect(out.compression).toBe(codec);
    expect(out.baseOffset).toBe(10);
    expect(out.lastOffsetDelta).toBe(3);
    expect(out.partitionLeaderEpoch).toBe(0);
    expect(live(f.bytes)).toEqual(['11:k2=b', '12:k1=c']);
    // The last batch of the round holds the newest k3: kept byte for byte.
    expect(filterBatch(decodeBatch(b), ctx)).toEqual({ kind: 'keep' });
  });

  it('removes an emptied batch, but keeps the last batch of the round and an active producer\'s last batch as empty headers', () => {
    const a = encodeBatch({ baseOffset: 0, records: [rec('k', '1'), rec('k', '2')] });
    const p = encodeBatch({ baseOffset: 2, producerId: 7, producerEpoch: 0, baseSequence: 0, records: [rec('k', '3')] });
    const c = encodeBatch({ baseOffset: 3, records: [rec('k', '4')] });
    const d = encodeBatch({ baseOffset: 4, records: [rec('k', '5'), rec('k', '6')] });
    const ctx = ctxFor([a, p, c, d]);
    ctx.endOffset = 5; // the round ends inside d's successor: c and d are not the round's last batch here
    expect(filterBatch(decodeBatch(a), ctx).kind).toBe('remove');
    expect(filterBatch(decodeBatch(c), ctx).kind).toBe('remove');
    const withProducer = { ...ctx, producerLastOffsets: new Set([2]) };
    const kept = filterBatch(decodeBatch(p), withProducer);
    expect(kept.kind).toBe('rewrite');
    if (kept.kind === 'rewrite') {
      const e = decodeBatch(kept.bytes);
      expect(e).toMatchObject({ baseOffset: 2, lastOffsetDelta: 0, producerId: 7, baseSequence: 0, compression: Codec.NONE, records: [] });
    }
    ctx.endOffset = 6;
    const last = filterBatch(decodeBatch(d), ctx);
    expect(last.kind).toBe('rewrite');
    if (last.kind === 'rewrite') {
      expect(decodeBatch(last.bytes).lastOffsetDelta).toBe(1);
      expect(live(last.bytes)).toEqual(['5:k=6']);
    }
    expect(decodeBatch(emptyBatch(decodeBatch(a))).lastOffsetDelta).toBe(1);
  });

  it('drops records without a key; a tombstone gets a delete horizon first and goes once it has passed', () => {
    const a = encodeBatch({ baseOffset: 0, records: [rec(null, 'x'), rec('k', 'v')] });
    const t = encodeBatch({ baseOffset: 2, records: [rec('k', null), rec('j', 'w')] });
    const ctx = ctxFor([a, t], T0 + 5);
    expect(filterBatch(decodeBatch(a), ctx).kind).toBe('remove');
    const first = filterBatch(decodeBatch(t), ctx);
    expect(first.kind).toBe('rewrite');
    if (first.kind !== 'rewrite') return;
    const horizoned = decodeBatch(first.bytes);
    expect(horizoned.attributes & 0x40).toBe(0x40);
    expect(horizoned.baseTimestamp).toBe(T0 + 5 + 1000);
    // Record timestamps survive the new base timestamp.
    expect(horizoned.records.map((r) => r.timestamp)).toEqual([T0, T0]);
    expect(live(first.bytes)).toEqual(['2:k=null', '3:j=w']);
    // Before the horizon the batch stays as it is; after it, the tombstone goes.
    const again = ctxFor([first.bytes], T0 + 1004);
    expect(filterBatch(horizoned, again)).toEqual({ kind: 'keep' });
    const later = ctxFor([first.bytes], T0 + 1005);
    const gone = filterBatch(horizoned, later);
    expect(gone.kind).toBe('rewrite');
    if (gone.kind === 'rewrite') expect(live(gone.bytes)).toEqual(['3:j=w']);
  });

  it('keeps control and transactional batches as they are and out of the offset map by default', () => {
    const txn = encodeBatch({ baseOffset: 0, isTransactional: true, producerId: 3, producerEpoch: 0, baseSequence: 0, records: [rec('k', 'txn')] });
    const marker = encodeBatch({ baseOffset: 1, isTransactional: true, isControl: true, producerId: 3, producerEpoch: 0, records: [{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }] });
    const plain = encodeBatch({ baseOffset: 2, records: [rec('j', 'p')] });
    const ctx = ctxFor([txn, marker, plain]);
    expect(ctx.map.get(Buffer.from('k'))).toBe(-1);
    expect(filterBatch(decodeBatch(txn), ctx)).toEqual({ kind: 'keep' });
    expect(filterBatch(decodeBatch(marker), ctx)).toEqual({ kind: 'keep' });
  });

  it('a transactions policy can drop aborted data and remove a marker after its horizon', () => {
    const aborted = encodeBatch({ baseOffset: 0, isTransactional: true, producerId: 3, producerEpoch: 0, baseSequence: 0, records: [rec('k', 'a')] });
    const marker = encodeBatch({ baseOffset: 1, isTransactional: true, isControl: true, producerId: 3, producerEpoch: 0, records: [{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }] });
    const txn = { verdict: (b: { isControl: boolean }) => (b.isControl ? ('marker-removable' as const) : ('aborted' as const)), reset: () => {} };
    const ctx = { ...ctxFor([aborted, marker]), txn, endOffset: 10 };
    expect(filterBatch(decodeBatch(aborted), ctx).kind).toBe('remove');
    const first = filterBatch(decodeBatch(marker), ctx);
    expect(first.kind).toBe('rewrite');
    if (first.kind !== 'rewrite') return;
    expect(decodeBatch(first.bytes).attributes & 0x40).toBe(0x40);
    expect(filterBatch(decodeBatch(first.bytes), { ...ctx, now: T0 + 1000 }).kind).toBe('remove');
  });
});

describe('cleaner plan', () => {
  const base: PlanInput = {
    segments: [
      { base: 0, bytes: 100, firstTs: T0, largestTs: T0 + 10 },
      { base: 10, bytes: 100, firstTs: T0 + 20, largestTs: T0 + 30 },
      { base: 20, bytes: 50, firstTs: T0 + 40, largestTs: T0 + 40 },
    ],
    logStartOffset: 0,
    logEndOffset: 25,
    lastStableOffset: 25,
    cleanedTo: undefined,
    now: T0 + 100,
    minCompactionLagMs: 0,
    maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
    minCleanableRatio: 0.5,
  };

  it('cleans up to the active segment, never into it', () => {
    expect(planClean(base)).toMatchObject({ firstDirty: 0, firstUncleanable: 20, cleanBytes: 0, cleanableBytes: 200, ratio: 1, due: true });
  });

  it('needs a dirty ratio above min.cleanable.dirty.ratio after a clean', () => {
    expect(planClean({ ...base, cleanedTo: 10 })).toMatchObject({ firstDirty: 10, cleanBytes: 100, cleanableBytes: 100, ratio: 0.5, due: false });
    expect(planClean({ ...base, cleanedTo: 10, minCleanableRatio: 0.4 }).due).toBe(true);
    // A checkpoint past the log end or below its start is reset to the log start.
    expect(planClean({ ...base, cleanedTo: 99 }).firstDirty).toBe(0);
  });

  it('min.compaction.lag.ms stops at the first segment that is too young; max.compaction.lag.ms forces a clean', () => {
    expect(planClean({ ...base, minCompactionLagMs: 75 })).toMatchObject({ firstUncleanable: 10, cleanableBytes: 100 });
    expect(planClean({ ...base, minCompactionLagMs: 95 })).toMatchObject({ firstUncleanable: 0, due: false });
    const after = { ...base, cleanedTo: 10, minCleanableRatio: 0.9 };
    expect(planClean(after).due).toBe(false);
    expect(planClean({ ...after, maxCompactionLagMs: 50 })).toMatchObject({ forced: true, due: true });
  });

  it('does not pass the last stable offset, and stops at the base of the segment holding it', () => {
    expect(planClean({ ...base, lastStableOffset: 12 })).toMatchObject({ firstUncleanable: 10, cleanableBytes: 100 });
    expect(planClean({ ...base, lastStableOffset: 5 })).toMatchObject({ firstUncleanable: 0, due: false });
  });
});

describe('log cleaner on a log', () => {
  let t: TestLog;
  beforeEach(async () => {
    t = await TestLog.open();
  });
  afterEach(() => t.destroy());

  const produce = (topic: string, records: [string, string | null][], codec: number = Codec.NONE) =>
    t.log.append(topic, 0, encodeBatch({ compression: codec, records: records.map(([k, v]) => rec(k, v, t.clock.now())) }));

  async function readAll(topic: string, from = 0): Promise<string[]> {
    const p = t.log.partition(topic, 0);
    const out: string[] = [];
    for (const b of await p.read(from, 1 << 30, true)) for (const r of decodeBatch(b).records) out.push(`${r.offset}:${r.key}=${r.value === null ? 'null' : r.value.toString()}`);
    return out;
  }

  it('compacts closed segments on the cleaner interval, keeps offsets, survives a restart, and a fetch from a removed offset gets the next batch', async () => {
    await loadZstdCompressor();
    await t.log.createTopic('c', 1, [['cleanup.policy', 'compact'], ['segment.ms', '1000'], ['delete.retention.ms', '5000'], ['retention.ms', '1'], ['min.cleanable.dirty.ratio', '0.01']]);
    await produce('c', [['a', '1'], ['b', '1']], Codec.ZSTD);
    await produce('c', [['a', '2']], Codec.LZ4);
    await produce('c', [['b', null], ['c', '1']], Codec.GZIP);
    t.clock.advance(2000);
    await produce('c', [['c', '2']]); // rolls: offsets 0-4 are now a closed segment
    const before = await readAll('c');
    expect(before).toHaveLength(6);
    t.clock.advance(CLEANER_BACKOFF_MS - 1);
    expect(await readAll('c')).toEqual(before);
    t.clock.advance(1);
    // The timer's cycle runs in the background: wait for its result, not for time.
    await until(async () => (await readAll('c')).length < 6);
    expect(await readAll('c')).toEqual(['2:a=2', '3:b=null', '4:c=1', '5:c=2']);
    // Offset 0's batch is gone: a fetch there gets the next one, as on Kafka.
    expect((await readAll('c', 0))[0]).toBe('2:a=2');
    expect(t.log.partition('c', 0).logStartOffset).toBe(0);
    // retention.ms does not apply to a compact-only topic.
    t.log.checkRetention();
    t = await t.reopen();
    expect(await readAll('c')).toEqual(['2:a=2', '3:b=null', '4:c=1', '5:c=2']);
    // Past delete.retention.ms, the next clean (new dirty data) removes the tombstone.
    t.clock.advance(6000);
    await produce('c', [['d', '1']]); // rolls again: offset 5 is dirty
    const r = await t.log.cleaner.runOnce();
    expect(r.map((x) => x.cleanedTo)).toEqual([6]);
    expect(await readAll('c')).toEqual(['2:a=2', '5:c=2', '6:d=1']);
  });

  it('a clean whose write fails changes nothing, and the next cycle cleans', async () => {
    await t.log.createTopic('f', 1, [['cleanup.policy', 'compact'], ['segment.ms', '1000']]);
    await produce('f', [['a', '1'], ['a', '2']]);
    await produce('f', [['a', '3']]);
    t.clock.advance(2000);
    await produce('f', [['b', '1']]);
    const before = await readAll('f');
    const p = t.log.partition('f', 0);
    const segmentsBefore = p.cleanerStats().segments;
    t.store.intercept(() => {
      throw new Error('disk full');
    });
    expect(await t.log.cleaner.runOnce()).toEqual([]);
    t.store.intercept(undefined);
    expect(await readAll('f')).toEqual(before);
    expect(p.cleanerStats().segments).toEqual(segmentsBefore);
    expect(p.cleanedTo).toBeUndefined();
    expect((await t.log.cleaner.runOnce()).map((r) => r.cleanedTo)).toEqual([3]);
    expect(await readAll('f')).toEqual(['2:a=3', '3:b=1']);
    t = await t.reopen();
    expect(await readAll('f')).toEqual(['2:a=3', '3:b=1']);
    expect(t.log.partition('f', 0).cleanedTo).toBe(3);
  });

  it('a fetch racing the clean\'s write reads the old log or the cleaned one, never nothing', async () => {
    await t.log.createTopic('r', 1, [['cleanup.policy', 'compact'], ['segment.ms', '1000']]);
    await produce('r', [['a', '1'], ['b', '1']]);
    await produce('r', [['a', '2']]);
    t.clock.advance(2000);
    await produce('r', [['c', '1']]);
    const p = t.log.partition('r', 0);
    const old = ['0:a=1', '1:b=1', '2:a=2', '3:c=1'];
    // Uncached: the read goes to LevelDB, as a consumer far behind the tail does.
    t = await t.reopen();
    const q = t.log.partition('r', 0);
    expect(p).not.toBe(q);
    let racing: Promise<Buffer[]> | undefined;
    t.store.intercept(() => {
      racing ??= q.read(0, 1 << 20, true);
    });
    await t.log.cleaner.runOnce();
    t.store.intercept(undefined);
    const got = (await racing!).flatMap((b) => decodeBatch(b).records.map((r) => `${r.offset}:${r.key}=${r.value}`));
    expect([old, ['1:b=1', '2:a=2', '3:c=1']]).toContainEqual(got);
  });

  it('a batch removed on disk before the side index follows is skipped by a read, which returns the batches after it', async () => {
    await t.log.createTopic('s', 1, [['cleanup.policy', 'compact']]);
    await produce('s', [['a', '1']]);
    await produce('s', [['a', '2']]);
    await produce('s', [['b', '1']]);
    t = await t.reopen(); // nothing cached: reads go to LevelDB
    // The moment between a clean's commit and its memory update, made to last.
    await t.store.begin().del(batchKey('s', 0, 1)).commit();
    expect(await readAll('s', 0)).toEqual(['0:a=1', '2:b=1']);
    await t.store.begin().del(batchKey('s', 0, 0)).commit();
    expect(await readAll('s', 0)).toEqual(['2:b=1']);
  });

  it('max.compaction.lag.ms also rolls the active segment of a compacted topic, and may not be below min.compaction.lag.ms', async () => {
    await t.log.createTopic('m', 1, [['cleanup.policy', 'compact'], ['max.compaction.lag.ms', '500']]);
    await produce('m', [['a', '1']]);
    t.clock.advance(1000);
    await produce('m', [['a', '2']]);
    expect(t.log.partition('m', 0).cleanerStats().segments.map((s) => s.base)).toEqual([0, 1]);
    // The closed segment is cleaned up to the active one.
    expect((await t.log.cleaner.runOnce()).map((r) => r.cleanedTo)).toEqual([1]);
    await expect(t.log.createTopic('bad', 1, [['min.compaction.lag.ms', '1000'], ['max.compaction.lag.ms', '500']])).rejects.toThrow(
      'conflict topic config setting min.compaction.lag.ms (1000) > max.compaction.lag.ms (500)',
    );
    await expect(t.log.setConfigs('m', new Map([['min.compaction.lag.ms', '1000'], ['max.compaction.lag.ms', '500']]))).rejects.toThrow('conflict');
  });

  it('the transactions seam: the cleaner stops at the last stable offset a policy gives', async () => {
    await t.log.createTopic('x', 1, [['cleanup.policy', 'compact'], ['segment.ms', '1000'], ['min.cleanable.dirty.ratio', '0.01']]);
    await produce('x', [['a', '1']]);
    t.clock.advance(2000);
    await produce('x', [['a', '2']]);
    t.clock.advance(2000);
    await produce('x', [['a', '3']]); // segments [0], [1], active [2]
    let lso = 1;
    t.log.setTxnCleaning(() => ({ verdict: () => 'keep', reset: () => {}, lastStableOffset: () => lso }));
    expect((await t.log.cleaner.runOnce()).map((r) => r.cleanedTo)).toEqual([1]);
    expect(await readAll('x')).toEqual(['0:a=1', '1:a=2', '2:a=3']);
    lso = 3;
    expect((await t.log.cleaner.runOnce()).map((r) => r.cleanedTo)).toEqual([2]);
    expect(await readAll('x')).toEqual(['1:a=2', '2:a=3']);
    t.log.setTxnCleaning(undefined);
  });

  it('compact,delete also applies retention; a delete-only topic is never cleaned', async () => {
    await t.log.createTopic('cd', 1, [['cleanup.policy', 'compact,delete'], ['segment.ms', '1000'], ['retention.ms', '3000']]);
    await t.log.createTopic('d', 1, [['segment.ms', '1000']]);
    for (const topic of ['cd', 'd']) {
      await produce(topic, [['a', '1']]);
      await produce(topic, [['a', '2']]);
    }
    t.clock.advance(2000);
    for (const topic of ['cd', 'd']) await produce(topic, [['b', '1']]);
    const r = await t.log.cleaner.runOnce();
    expect(r.map((x) => x.topic)).toEqual(['cd']);
    expect(await readAll('cd')).toEqual(['1:a=2', '2:b=1']);
    expect(await readAll('d')).toEqual(['0:a=1', '1:a=2', '2:b=1']);
    t.clock.advance(5000);
    t.log.checkRetention();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await readAll('cd', 2)).toEqual(['2:b=1']);
    expect(t.log.partition('cd', 0).logStartOffset).toBe(2);
  });
});
