import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Store } from '../src/core/storage/store.js';
import { key, u64 } from '../src/core/storage/keys.js';

describe('Store group commit', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('coalesces concurrent writes into few batches and keeps them all', async () => {
    const store = await Store.open(dir);
    const writes = Array.from({ length: 500 }, (_, i) =>
      store.put(key('m/', 'q1', u64(i)), Buffer.from(String(i))),
    );
    await Promise.all(writes);
    expect(store.stats.ops).toBe(500);
    expect(store.stats.batches).toBeLessThan(10);
    const seen: number[] = [];
    for await (const [, v] of store.scan(key('m/', 'q1'))) seen.push(Number(v.toString()));
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i));
    await store.close();
    const reopened = await Store.open(dir);
    expect((await reopened.get(key('m/', 'q1', u64(499))))?.toString()).toBe('499');
    await reopened.close();
  });

  it('applies a put and a later delete of the same key in order', async () => {
    const store = await Store.open(dir);
    const k = key('m/', 'q', u64(1));
    const a = store.put(k, Buffer.from('x'));
    await a;
    const b = store.del(k);
    await b;
    expect(await store.get(k)).toBeUndefined();
    await store.close();
  });

  it('forEach visits every entry under a prefix in key order across chunks, and nothing else', async () => {
    const store = await Store.open(dir);
    await store.write(Array.from({ length: 2500 }, (_, i) => ({ type: 'put' as const, key: key('m/', 'q1', u64(i)), value: Buffer.from(String(i)) })));
    await store.put(key('m/', 'q2', u64(0)), Buffer.from('other queue'));
    const seen: number[] = [];
    await store.forEach(key('m/', 'q1'), (_, v) => seen.push(Number(v.toString())));
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    await store.close();
  });
});
