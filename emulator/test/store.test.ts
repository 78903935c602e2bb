/** The storage port: group commit, units of work (atomic, commit/rollback hooks), range deletes, copies, compaction, both engines, the format version. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Store } from '../src/core/storage/store.js';
import { key, PREFIX_META, u64 } from '../src/core/storage/keys.js';

const put = (store: Store, k: Buffer, v: string) => store.begin().put(k, Buffer.from(v)).commit();

describe.each([['leveldb', false], ['memory', true]])('Store (%s)', (_engine, inMemory) => {
  let dir: string;
  const open = () => Store.open({ dir, inMemory });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('coalesces concurrent units into few batches and keeps them all', async () => {
    const store = await open();
    const before = { ...store.stats };
    await Promise.all(Array.from({ length: 500 }, (_, i) => put(store, key('m/', 'q1', u64(i)), String(i))));
    expect(store.stats.ops - before.ops).toBe(500);
    expect(store.stats.batches - before.batches).toBeLessThan(10);
    const seen: number[] = [];
    for await (const [, v] of store.scan(key('m/', 'q1'))) seen.push(Number(v.toString()));
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i));
    await store.close();
  });

  it('copies a record when the batch is written: from the database, from an earlier put in the batch, or not at all', async () => {
    const store = await open();
    const [a, b, c, d, none] = [1, 2, 3, 4, 5].map((i) => key('m/', 'q', u64(i)));
    await put(store, a, 'stored');
    const upper = (v: Buffer) => Buffer.from(v.toString().toUpperCase());
    // The source's delete in the same unit does not hide it from the copy: both land in one batch.
    const first = store.begin();
    first.push({ type: 'copy', from: a, to: b, map: upper });
    await first.del(a).commit();
    const second = store.begin().put(c, Buffer.from('same batch'));
    second.push({ type: 'copy', from: c, to: d, map: upper }, { type: 'copy', from: none, to: key('m/', 'q', u64(6)), map: upper });
    await second.commit();
    expect(await store.get(a)).toBeUndefined();
    expect((await store.get(b))?.toString()).toBe('STORED');
    expect((await store.get(d))?.toString()).toBe('SAME BATCH');
    expect(await store.get(key('m/', 'q', u64(6)))).toBeUndefined();
    expect((await store.getMany([b, none, d])).map((v) => v?.toString())).toEqual(['STORED', undefined, 'SAME BATCH']);
    await store.close();
  });

  it('applies a put and a later delete of the same key in order', async () => {
    const store = await open();
    const k = key('m/', 'q', u64(1));
    const a = put(store, k, 'x');
    const b = store.begin().del(k).commit();
    await Promise.all([a, b]);
    expect(await store.get(k)).toBeUndefined();
    await store.close();
  });

  it('runs commit hooks after the write and rollback hooks (newest first) when it fails', async () => {
    const store = await open();
    const events: string[] = [];
    const ok = store.begin().put(key('a/', 'x'), Buffer.from('1'));
    ok.onCommit(() => events.push('commit'));
    ok.onRollback(() => events.push('rollback'));
    const pending = ok.commit();
    expect(events).toEqual([]);
    await pending;
    expect(events).toEqual(['commit']);

    store.intercept(() => {
      throw new Error('disk on fire');
    });
    const bad = store.begin().put(key('a/', 'y'), Buffer.from('2'));
    bad.onCommit(() => events.push('never'));
    bad.onRollback(() => events.push('undo 1'));
    bad.onRollback(() => events.push('undo 2'));
    await expect(bad.commit()).rejects.toThrow('disk on fire');
    expect(events).toEqual(['commit', 'undo 2', 'undo 1']);
    store.intercept(undefined);
    expect(await store.get(key('a/', 'y'))).toBeUndefined();
    await store.close();
  });

  it('deletes a range atomically with the rest of its unit, including keys put earlier in the same batch', async () => {
    const store = await open();
    await Promise.all([0, 1, 2].map((i) => put(store, key('m/', 'old', u64(i)), 'x')));
    await put(store, key('m/', 'other', u64(0)), 'keep');
    const early = put(store, key('m/', 'old', u64(9)), 'same batch');
    const purge = store.begin().delRange(key('m/', 'old')).put(key('q/', 'queue'), Buffer.from('new sid')).commit();
    await Promise.all([early, purge]);
    const left: string[] = [];
    await store.forEach(key('m/'), (k) => left.push(k.toString('latin1')));
    expect(left).toEqual([key('m/', 'other', u64(0)).toString('latin1')]);
    expect((await store.get(key('q/', 'queue')))?.toString()).toBe('new sid');
    await store.close();
  });

  it('forEach visits every entry under a prefix in key order across chunks, and nothing else', async () => {
    const store = await open();
    const uow = store.begin();
    for (let i = 0; i < 2500; i++) uow.put(key('m/', 'q1', u64(i)), Buffer.from(String(i)));
    await uow.commit();
    await put(store, key('m/', 'q2', u64(0)), 'other queue');
    const seen: number[] = [];
    await store.forEach(key('m/', 'q1'), (_, v) => seen.push(Number(v.toString())));
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    await store.close();
  });
});

describe('Store on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what was committed across a reopen; the memory engine keeps nothing on disk', async () => {
    const store = await Store.open({ dir });
    await put(store, key('m/', 'q', u64(1)), 'kept');
    await store.close();
    const again = await Store.open({ dir });
    expect((await again.get(key('m/', 'q', u64(1))))?.toString()).toBe('kept');
    await again.close();
    const mem = await Store.open({ dir: path.join(dir, 'never'), inMemory: true });
    await put(mem, key('m/', 'q', u64(2)), 'gone');
    await mem.close();
    const disk = await Store.open({ dir });
    expect(await disk.get(key('m/', 'q', u64(2)))).toBeUndefined();
    await disk.close();
  });

  it('gives the space of a range delete back without a restart (background compaction of the range)', async () => {
    const store = await Store.open({ dir });
    const size = () => readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
    // Incompressible values, so that the bytes on disk are the bytes written.
    for (let b = 0; b < 8; b++) {
      const uow = store.begin();
      for (let i = 0; i < 1000; i++) uow.put(key('m/', 'big', u64(b * 1000 + i)), randomBytes(1024));
      await uow.commit();
    }
    const full = size();
    expect(full).toBeGreaterThan(7 * 1024 * 1024);
    await store.begin().delRange(key('m/', 'big')).commit();
    expect(store.compactions).toBeGreaterThan(0);
    const deadline = Date.now() + 20_000;
    while (store.compactions > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(size()).toBeLessThan(full / 4);
    await store.close();
  });

  it('gives the space of many point deletes back without a restart (their span is compacted)', async () => {
    const store = await Store.open({ dir, compactAfterDeletes: 4000 });
    const size = () => readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
    for (let b = 0; b < 8; b++) {
      const uow = store.begin();
      for (let i = 0; i < 1000; i++) uow.put(key('m/', 'big', u64(b * 1000 + i)), randomBytes(1024));
      await uow.commit();
    }
    const full = size();
    // One unit per key, as DeleteMessage would: 8000 deletes, two compactions of their spans.
    for (let b = 0; b < 8; b++) await Promise.all(Array.from({ length: 1000 }, (_, i) => store.begin().del(key('m/', 'big', u64(b * 1000 + i))).commit()));
    const deadline = Date.now() + 20_000;
    while (store.compactions > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(size()).toBeLessThan(full / 4);
    await store.close();
  });

  it('writes the format version at creation and refuses a data dir from a newer Tandem', async () => {
    const store = await Store.open({ dir });
    expect(JSON.parse((await store.get(key(PREFIX_META)))!.toString())).toEqual({ format: 2 });
    await store.begin().put(key(PREFIX_META), Buffer.from(JSON.stringify({ format: 3 }))).commit();
    await store.close();
    await expect(Store.open({ dir })).rejects.toThrow(/format version 3, written by a newer Tandem; this one reads formats up to 2/);
  });

  it('takes a data dir without a format record for the first release (format 1) and upgrades it', async () => {
    const store = await Store.open({ dir });
    await store.begin().del(key(PREFIX_META)).put(key('q/', 'old queue'), Buffer.from('{}')).commit();
    await store.close();
    const again = await Store.open({ dir });
    expect(JSON.parse((await again.get(key(PREFIX_META)))!.toString())).toEqual({ format: 2 });
    await again.close();
  });
});
