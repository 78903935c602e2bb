import { BatchCache } from '../../src/log/cache.js';
import { crc32c } from '../../src/log/crc32c.js';
import { SideIndex } from '../../src/log/side-index.js';
import { ErrorCode, KafkaError, RETENTION_CHECK_INTERVAL_MS } from '../../src/log/index.js';
import { indexKey, indexPrefix, partitionKey } from '../../src/storage/keys.js';
import { makeBatch, TestLog, values } from './fixtures.js';

async function code(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    if (e instanceof KafkaError) return e.code;
    throw e;
  }
  return ErrorCode.NONE;
}

describe('CRC-32C', () => {
  it('matches the Castagnoli check value and agrees across the 8-byte fast path', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    let slow = 0xffffffff;
    for (const b of data) {
      slow ^= b;
      for (let k = 0; k < 8; k++) slow = slow & 1 ? (slow >>> 1) ^ 0x82f63b78 : slow >>> 1;
    }
    expect(crc32c(data)).toBe((slow ^ 0xffffffff) >>> 0);
    expect(crc32c(data, 3, 997)).toBe(crc32c(data.subarray(3, 997)));
  });

  it('agrees with a bitwise reference at every alignment, start offset and length', () => {
    const reference = (buf: Uint8Array, start: number, end: number): number => {
      let c = 0xffffffff;
      for (let i = start; i < end; i++) {
        c ^= buf[i];
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    let seed = 0x9e3779b9; // xorshift32: reproducible "random" bytes
    const random = (n: number): Uint8Array => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        out[i] = seed & 0xff;
      }
      return out;
    };
    // Lengths below and across the point where the 32-bit word path takes over, and large ones.
    const lengths = [...Array.from({ length: 101 }, (_, n) => n), 255, 256, 257, 259, 263, 264, 300, 1021, 100_003];
    let checked = 0;
    for (const len of lengths) {
      // A fresh ArrayBuffer, viewed at byteOffset 0..7, then read from start offset 0..7: the
      // word path must get the alignment right for both.
      const backing = random(len + 16);
      for (let view = 0; view < 8; view++) {
        const buf = backing.subarray(view);
        for (let start = 0; start < 8; start++) {
          const want = reference(buf, start, start + len);
          const got = crc32c(buf, start, start + len);
          if (got !== want) throw new Error(`crc32c mismatch: len ${len} view ${view} start ${start}: ${got} != ${want}`);
          checked++;
        }
      }
    }
    expect(checked).toBe(lengths.length * 64);
    // The default range is the whole view, and Buffers (often slices of a shared pool) agree.
    const big = random(1 << 20);
    expect(crc32c(big)).toBe(reference(big, 0, big.length));
    expect(crc32c(Buffer.from(big.subarray(5)))).toBe(reference(big, 5, big.length));
  });
});

describe('side index', () => {
  it('finds batches by offset while growing and dropping its front', () => {
    const idx = new SideIndex();
    const push = (from: number, to: number) => {
      for (let i = from; i < to; i++) idx.push({ baseOffset: i * 10, lastOffset: i * 10 + 9, maxTimestamp: i, size: 100 + i });
    };
    push(0, 100);
    idx.dropFront(30);
    push(100, 250);
    expect(idx.length).toBe(220);
    expect([idx.baseOffset(0), idx.size(0), idx.maxTimestamp(219)]).toEqual([300, 130, 249]);
    expect(idx.find(0)).toBe(0);
    expect(idx.find(305)).toBe(0);
    expect(idx.find(310)).toBe(1);
    expect(idx.find(2499)).toBe(219);
    expect(idx.find(2500)).toBe(220);
    idx.dropFront(500);
    expect([idx.length, idx.find(0)]).toEqual([0, 0]);
  });
});

describe('batch cache', () => {
  it('keeps the newest batches within its byte budget and forgets deleted ones', () => {
    const cache = new BatchCache(100);
    const a = new Map();
    const b = new Map();
    for (let i = 0; i < 5; i++) cache.add(i % 2 ? a : b, i, Buffer.alloc(30));
    expect([...b.keys(), ...a.keys()].sort()).toEqual([2, 3, 4]);
    expect(cache.size).toBe(90);
    cache.drop(a, 3);
    expect([a.has(3), cache.size]).toEqual([false, 60]);
    cache.add(a, 9, Buffer.alloc(101));
    expect([a.has(9), cache.size]).toEqual([false, 60]);
    // Many batches deleted right after caching leave no memory behind.
    for (let i = 10; i < 5000; i++) {
      cache.add(a, i, Buffer.alloc(1));
      cache.drop(a, i);
    }
    expect(cache.size).toBe(60);
  });
});

describe('partition log', () => {
  let t: TestLog;
  beforeEach(async () => {
    t = await TestLog.open();
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('assigns consecutive offsets, rewrites only baseOffset and leader epoch, and reads back', async () => {
    await t.log.createTopic('orders', 2);
    const b1 = makeBatch([{ value: 'a' }, { value: 'b' }]);
    const b2 = makeBatch([{ value: 'c' }]);
    const r1 = await t.log.append('orders', 0, b1);
    const r2 = await t.log.append('orders', 0, b2);
    expect([r1.baseOffset, r2.baseOffset]).toEqual([0, 2]);
    expect(r1.logAppendTime).toBe(-1);
    const p = t.log.partition('orders', 0);
    expect(p.highWatermark).toBe(3);
    const read = await p.read(0, 1 << 20, true);
    expect(values(read)).toEqual(['a', 'b', 'c']);
    expect(read[1].readBigInt64BE(0)).toBe(2n);
    expect(read[1].readInt32BE(12)).toBe(0);
    // Everything from the magic byte on is the producer's bytes, CRC untouched.
    expect(read[1].subarray(16).equals(b2.subarray(16))).toBe(true);
    // An offset inside a batch returns the whole batch.
    expect(values(await p.read(1, 1 << 20, true))).toEqual(['a', 'b', 'c']);
    expect(await p.read(3, 1 << 20, true)).toEqual([]);
    expect(await code(p.read(4, 1 << 20, true))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(t.log.partition('orders', 1).highWatermark).toBe(0);
    expect(await code(t.log.append('orders', 2, b1))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('honours maxBytes with at least one whole batch (KIP-74)', async () => {
    await t.log.createTopic('big', 1);
    const big = makeBatch([{ value: 'x'.repeat(500) }]);
    await t.log.append('big', 0, big);
    await t.log.append('big', 0, makeBatch([{ value: 'y' }]));
    const p = t.log.partition('big', 0);
    expect((await p.read(0, 10, true)).length).toBe(1);
    expect((await p.read(0, 10, false)).length).toBe(0);
    expect((await p.read(0, big.length + 100, false)).length).toBe(2);
  });

  it('rejects bad batches with the Kafka error codes', async () => {
    await t.log.createTopic('v', 1, [['max.message.bytes', '200']]);
    const good = makeBatch([{ value: 'ok' }]);
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 1] ^= 0xff;
    expect(await code(t.log.append('v', 0, badCrc))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(await code(t.log.append('v', 0, makeBatch([{ value: 'm' }], { magic: 1 })))).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(await code(t.log.append('v', 0, Buffer.concat([good, good])))).toBe(ErrorCode.INVALID_RECORD);
    expect(await code(t.log.append('v', 0, makeBatch([{ value: 'c' }], { attributes: 0x20 })))).toBe(ErrorCode.INVALID_RECORD);
    expect(await code(t.log.append('v', 0, makeBatch([{ value: 'z'.repeat(300) }])))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(await code(t.log.append('v', 0, makeBatch([{ value: 'c' }], { attributes: 5 })))).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect(await code(t.log.append('v', 0, good.subarray(0, 40)))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(await code(t.log.append('v', 0, null))).toBe(ErrorCode.INVALID_RECORD);
    expect(t.log.partition('v', 0).highWatermark).toBe(0);
    expect((await t.log.append('v', 0, good)).baseOffset).toBe(0);
  });

  it('stamps LogAppendTime batches and recomputes their CRC', async () => {
    await t.log.createTopic('lat', 1, [['message.timestamp.type', 'LogAppendTime']]);
    const r = await t.log.append('lat', 0, makeBatch([{ value: 'a', timestamp: 5 }]));
    const now = t.clock.now();
    expect(r.logAppendTime).toBe(now);
    const [stored] = await t.log.partition('lat', 0).read(0, 1 << 20, true);
    expect(stored.readInt16BE(21) & 0x08).toBe(0x08);
    expect(Number(stored.readBigInt64BE(35))).toBe(now);
    expect(stored.readUInt32BE(17)).toBe(crc32c(stored, 21));
    expect(await t.log.partition('lat', 0).offsetForTimestamp(now)).toEqual({ offset: 0, timestamp: now });
  });

  it('finds offsets by timestamp inside plain and gzip batches, and the max timestamp', async () => {
    await t.log.createTopic('ts', 1, [['retention.ms', '-1']]);
    await t.log.append('ts', 0, makeBatch([{ value: 'a', timestamp: 100 }, { value: 'b', timestamp: 200 }]));
    await t.log.append('ts', 0, makeBatch([{ value: 'c', timestamp: 300 }, { value: 'd', timestamp: 900 }, { value: 'e', timestamp: 400 }], { gzip: true }));
    const p = t.log.partition('ts', 0);
    expect(await p.offsetForTimestamp(150)).toEqual({ offset: 1, timestamp: 200 });
    expect(await p.offsetForTimestamp(350)).toEqual({ offset: 3, timestamp: 900 });
    expect(await p.offsetForTimestamp(901)).toBeUndefined();
    expect(await p.maxTimestampOffset()).toEqual({ offset: 3, timestamp: 900 });
  });

  it('rolls segments by segment.ms and deletes only closed segments older than retention.ms, at the check interval', async () => {
    const now = t.clock.now();
    const day = 86_400_000;
    await t.log.createTopic('rt', 1, [['retention.ms', String(day)], ['segment.ms', String(day)]]);
    const p = t.log.partition('rt', 0);
    // Years old, and a batch whose records carry no timestamp (-1): both stay readable while active.
    await t.log.append('rt', 0, makeBatch([{ value: 'old', timestamp: Date.UTC(2017, 0, 1) }]));
    await t.log.append('rt', 0, makeBatch([{ value: 'none', timestamp: -1 }], { baseTimestamp: -1 }));
    t.clock.advance(RETENTION_CHECK_INTERVAL_MS);
    expect(p.logStartOffset).toBe(0);
    expect(values(await p.read(0, 1 << 20, true))).toEqual(['old', 'none']);
    // A batch more than segment.ms newer than the segment's first one rolls a new segment...
    await t.log.append('rt', 0, makeBatch([{ value: 'new', timestamp: t.clock.now() }]));
    expect(p.logStartOffset).toBe(0);
    // ...and the next check deletes the closed one (its newest timestamp is 2017), not the active one.
    t.clock.advance(RETENTION_CHECK_INTERVAL_MS - 1);
    expect(p.logStartOffset).toBe(0);
    t.clock.advance(1);
    expect(p.logStartOffset).toBe(2);
    expect(values(await p.read(2, 1 << 20, true))).toEqual(['new']);
    t.clock.advance(10 * day);
    expect(p.logStartOffset).toBe(2);
    expect(p.highWatermark).toBe(3);
    expect(now).toBeLessThan(t.clock.now());
    await t.store.begin().commit();

    const b = makeBatch([{ value: 'x'.repeat(100), timestamp: t.clock.now() }]);
    await t.log.createTopic('rb', 1, [['retention.bytes', String(b.length * 2)], ['internal.segment.bytes', String(b.length)]]);
    for (let i = 0; i < 4; i++) await t.log.append('rb', 0, b);
    const q = t.log.partition('rb', 0);
    expect(q.batchCount).toBe(4);
    t.log.checkRetention();
    expect(q.batchCount).toBe(2);
    expect(q.logStartOffset).toBe(2);
    await t.log.setConfigs('rb', new Map([['retention.bytes', '0'], ['internal.segment.bytes', String(b.length)]]));
    expect(q.logStartOffset).toBe(2);
    t.log.checkRetention();
    // Everything but the active segment.
    expect(q.logStartOffset).toBe(3);
    await t.store.begin().commit();
    const again = await t.reopen();
    t = again;
    expect(t.log.partition('rb', 0).logStartOffset).toBe(3);
    expect(t.log.partition('rb', 0).highWatermark).toBe(4);
    expect(t.log.partition('rt', 0).logStartOffset).toBe(2);
    // Segment boundaries survive the reload: a batch 10 days newer rolls the segment holding 'new',
    // which is then closed and past retention.ms.
    t.log.checkRetention();
    expect(t.log.partition('rt', 0).logStartOffset).toBe(2);
    await t.log.append('rt', 0, makeBatch([{ value: 'n', timestamp: t.clock.now() }]));
    t.log.checkRetention();
    expect(t.log.partition('rt', 0).logStartOffset).toBe(3);
    expect(values(await t.log.partition('rt', 0).read(3, 1 << 20, true))).toEqual(['n']);
  });

  it('DeleteRecords advances the log start offset and survives a reload', async () => {
    await t.log.createTopic('dr', 1);
    for (const v of ['a', 'b', 'c']) await t.log.append('dr', 0, makeBatch([{ value: v }, { value: v + '2' }]));
    const p = t.log.partition('dr', 0);
    expect(await p.deleteRecords(3)).toBe(3);
    expect(p.batchCount).toBe(2);
    expect(values(await p.read(3, 1 << 20, true))).toEqual(['b', 'b2', 'c', 'c2']);
    expect(await p.deleteRecords(1)).toBe(3);
    expect(await code(p.deleteRecords(7))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(await p.deleteRecords(-1)).toBe(6);
    t = await t.reopen();
    const q = t.log.partition('dr', 0);
    expect([q.logStartOffset, q.highWatermark]).toEqual([6, 6]);
    expect((await t.log.append('dr', 0, makeBatch([{ value: 'd' }]))).baseOffset).toBe(6);
  });

  it('continues offsets after a reload and serves old batches from LevelDB', async () => {
    await t.log.createTopic('r', 1);
    const appends = Array.from({ length: 20 }, (_, i) => t.log.append('r', 0, makeBatch([{ value: `v${i}` }])));
    expect((await Promise.all(appends)).map((a) => a.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    t = await t.reopen();
    const p = t.log.partition('r', 0);
    expect(p.highWatermark).toBe(20);
    expect(values(await p.read(5, 1 << 20, true))).toEqual(Array.from({ length: 15 }, (_, i) => `v${i + 5}`));
    expect((await t.log.append('r', 0, makeBatch([{ value: 'next' }]))).baseOffset).toBe(20);
  });

  it('starts from the 16-byte side-index entries, and indexes a log written before they existed', async () => {
    await t.log.createTopic('ix', 1, [['retention.ms', '-1']]);
    for (let i = 0; i < 5; i++) await t.log.append('ix', 0, makeBatch([{ value: `v${i}` }, { value: `w${i}` }]));
    const entries = async () => {
      const out: [Buffer, Buffer][] = [];
      for await (const kv of t.store.scan(indexPrefix())) out.push(kv);
      return out;
    };
    expect((await entries()).map(([k, v]) => [k.equals(indexKey('ix', 0, Number(k.readBigUInt64BE(k.length - 8)))), v.length])).toEqual(
      Array.from({ length: 5 }, () => [true, 16]),
    );
    // The layout of older versions: batches only, a partition record without `indexed`.
    const legacy = t.store.begin();
    for (const [k] of await entries()) legacy.del(k);
    await legacy.put(partitionKey('ix', 0), Buffer.from(JSON.stringify({ logStartOffset: 0 }))).commit();
    t = await t.reopen();
    const p = t.log.partition('ix', 0);
    expect(p.highWatermark).toBe(10);
    expect(values(await p.read(4, 1 << 20, true))).toEqual(['v2', 'w2', 'v3', 'w3', 'v4', 'w4']);
    expect((await entries()).length).toBe(5);
    // Indexed now: the next start reads the entries, not the batches.
    t = await t.reopen();
    expect(t.log.partition('ix', 0).highWatermark).toBe(10);
    expect((await t.log.append('ix', 0, makeBatch([{ value: 'next' }]))).baseOffset).toBe(10);
  });

  it('reloads logs whose batches span many startup read chunks', async () => {
    // load() reads LevelDB up to 1000 entries per step: 2,400 batches over 3 partitions (plus a
    // second topic sorting after them) cross several steps and partition boundaries.
    await t.log.createTopic('many', 3);
    await t.log.createTopic('many2', 1);
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < 2400; i++) appends.push(t.log.append('many', i % 3, makeBatch([{ value: `m${i}` }, { value: `m${i}b` }])));
    for (let i = 0; i < 5; i++) appends.push(t.log.append('many2', 0, makeBatch([{ value: `z${i}` }])));
    await Promise.all(appends);
    await t.log.partition('many', 1).deleteRecords(10);
    t = await t.reopen();
    expect([0, 1, 2].map((i) => t.log.partition('many', i).highWatermark)).toEqual([1600, 1600, 1600]);
    expect([0, 1, 2].map((i) => t.log.partition('many', i).logStartOffset)).toEqual([0, 10, 0]);
    expect(t.log.partition('many', 2).batchCount).toBe(800);
    expect(values(await t.log.partition('many', 2).read(1598, 1 << 20, true))).toEqual(['m2399', 'm2399b']);
    expect(t.log.partition('many2', 0).highWatermark).toBe(5);
  });

  it('creates, validates, deletes and re-creates topics', async () => {
    expect(await code(t.log.createTopic('bad name', 1))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(await code(t.log.createTopic('..', 1))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(await code(t.log.createTopic('t', 0))).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(await code(t.log.createTopic('t', 1, [['retention.ms', 'soon']]))).toBe(ErrorCode.INVALID_CONFIG);
    expect(await code(t.log.createTopic('t', 1, [['no.such.config', '1']]))).toBe(ErrorCode.INVALID_CONFIG);
    expect((await t.log.createTopic('t', -1)).partitions.length).toBe(3);
    expect(await code(t.log.createTopic('t', 1))).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(await code(t.log.createTopic('a.b', 1).then(() => t.log.createTopic('a_b', 1)))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    await t.log.append('t', 1, makeBatch([{ value: 'gone' }]));
    await t.log.deleteTopic('t');
    expect(await code(t.log.deleteTopic('t'))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await t.log.createTopic('t', 2);
    expect(t.log.partition('t', 1).highWatermark).toBe(0);
    await t.log.createPartitions('t', 4, false);
    expect(await code(t.log.createPartitions('t', 4, false))).toBe(ErrorCode.INVALID_PARTITIONS);
    t = await t.reopen();
    expect(t.log.topic('t')!.partitions.length).toBe(4);
    expect(t.log.partition('t', 1).highWatermark).toBe(0);
  });

  it('answers KAFKA_STORAGE_ERROR when LevelDB refuses a write, and loses no acknowledged offset', async () => {
    await t.log.createTopic('sf', 1);
    await t.log.append('sf', 0, makeBatch([{ value: 'kept' }]));
    await t.store.close();
    expect(await code(t.log.append('sf', 0, makeBatch([{ value: 'lost' }])))).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    await t.log.close();
    t = await TestLog.open(t.dir, t.clock);
    expect(t.log.partition('sf', 0).highWatermark).toBe(1);
    expect((await t.log.append('sf', 0, makeBatch([{ value: 'next' }]))).baseOffset).toBe(1);
  });

  it('wakes a waiting fetch on append and otherwise at its deadline', async () => {
    await t.log.createTopic('w', 1, [['retention.ms', '-1']]);
    const p = t.log.partition('w', 0);
    let woke = false;
    const waiting = t.log.waitForData([p], t.clock.now() + 500).then(() => (woke = true));
    await t.log.append('w', 0, makeBatch([{ value: 'x' }]));
    await waiting;
    expect(woke).toBe(true);
    let timedOut = false;
    const waiting2 = t.log.waitForData([p], t.clock.now() + 500).then(() => (timedOut = true));
    t.clock.advance(499);
    await Promise.resolve();
    expect(timedOut).toBe(false);
    t.clock.advance(1);
    await waiting2;
    // Only the broker's periodic retention check and the log cleaner's stay armed.
    expect(t.clock.pending).toBe(2);
  });
});
