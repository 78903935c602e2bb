/**
 * The storage port: the one way SQS and Kafka read and write their state.
 *
 * Every operation that changes state builds one UnitOfWork (unit-of-work.ts), adds its puts,
 * deletes and range deletes, registers the memory changes that follow (`onCommit`) and the undo
 * of any it had to make early (`onRollback`), and commits it. All units committed in the same
 * turn of the event loop join one LevelDB batch (group commit): a unit's promise resolves only
 * once that batch is written, so an acknowledged write survives `kill -9` of the process (LevelDB
 * has handed the batch to the OS; surviving a power cut also needs `sync`, which `--fsync` turns
 * on at a large cost in throughput). A unit is atomic: all of its ops land in the same batch.
 *
 * Two engines behind it, chosen by configuration: classic-level (LevelDB on disk) and
 * memory-level (`--in-memory`, nothing on disk); both are abstract-level databases, so everything
 * above this file is the same for both.
 *
 * Key layouts belong to each engine's storage module (emulator/src/sqs/storage/keys.ts,
 * kafka-shim/src/storage/keys.ts); the data-dir format version is checked in format.ts.
 */
import { ClassicLevel } from 'classic-level';
import { MemoryLevel } from 'memory-level';
import { checkFormat } from './format.js';
import { UnitOfWork } from './unit-of-work.js';

export type Op =
  | { type: 'put'; key: Buffer; value: Buffer }
  | { type: 'del'; key: Buffer }
  /** Every key starting with `prefix`: expanded to deletes inside the batch it joins. */
  | { type: 'delRange'; prefix: Buffer }
  /**
   * Put `map(value of from)` at `to`, reading `from` when the batch is written (skipped if absent):
   * moving a record the caller does not hold in memory (an SQS message body) inside one unit.
   */
  | { type: 'copy'; from: Buffer; to: Buffer; map: (v: Buffer) => Buffer };

type PointOp = Exclude<Op, { type: 'delRange' } | { type: 'copy' }>;

/** Both engines implement abstract-level's interface; typed as the classic one. */
type Db = ClassicLevel<Buffer, Buffer>;

/** Written by Store.probe (core's `_/` prefix, next to the format record). */
const PROBE_KEY = Buffer.from('_/probe');

/** abstract-level's private batch API (README: "db._batch(operations, options)"), untyped in its .d.ts. */
interface PrivateBatch {
  _batch(ops: PointOp[], options: { sync: boolean }): Promise<void>;
}

/**
 * Bytes read ahead per chunk in `forEach`. The iterator's default (16 KiB) would return one or two
 * Kafka batches per call; this bounds a chunk's memory while letting it hold hundreds of small
 * records (or a few full 1 MiB batches).
 */
const LOAD_CHUNK_BYTES = 4 * 1024 * 1024;

interface Pending {
  ops: Op[];
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface StoreOptions {
  /** The data dir (ignored in memory). */
  dir: string;
  /** memory-level instead of LevelDB on disk. */
  inMemory?: boolean;
  /** fsync every batch (durable across power loss, not just process death). */
  sync?: boolean;
  /** Point deletes after which their key span is compacted (default DELETES_PER_COMPACTION). */
  compactAfterDeletes?: number;
}

/**
 * Deleted keys leave tombstones that LevelDB drops only when compaction reaches their files; a queue
 * drained by a million DeleteMessage calls would keep its space until then. After this many point
 * deletes, the span of keys they covered is compacted in the background.
 */
const DELETES_PER_COMPACTION = 200_000;

/**
 * Sees every batch before it is written and may fail it by throwing (tests inject storage faults
 * through this; nothing in the product sets one).
 */
export type WriteInterceptor = (ops: readonly Op[]) => void;

export class Store {
  private pending: Pending | undefined;
  private flushing = false;
  private closed = false;
  private interceptor: WriteInterceptor | undefined;
  /** Batches written and ops in them since open (for metrics and benchmarks). */
  readonly stats = { batches: 0, ops: 0 };
  /** Why the last write failed, while none has succeeded since: the store is degraded (/health). */
  private failure: { error: string; since: number } | undefined;
  /** LevelDB keeps a failed write's background error (a full disk) and refuses every later write
   * until it is reopened: after such a failure the next write reopens it first. */
  private reopenBeforeWrite = false;

  private constructor(
    private readonly db: Db,
    private readonly sync: boolean,
    /** 'leveldb' or 'memory', for the ready line and /health. */
    readonly engine: 'leveldb' | 'memory',
    private readonly compactAfterDeletes = DELETES_PER_COMPACTION,
  ) {}

  /** Point deletes since the last span compaction, and the smallest and largest key they touched. */
  private deletes = { n: 0, min: undefined as Buffer | undefined, max: undefined as Buffer | undefined };

  static async open(options: StoreOptions): Promise<Store> {
    const db: Db = options.inMemory
      ? (new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' }) as unknown as Db)
      : new ClassicLevel<Buffer, Buffer>(options.dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const store = new Store(db, options.sync ?? false, options.inMemory ? 'memory' : 'leveldb', options.compactAfterDeletes);
    try {
      await checkFormat(store, options.inMemory ? 'memory' : options.dir);
    } catch (e) {
      await db.close();
      throw e;
    }
    return store;
  }

  /** A new unit of work; nothing is written until its `commit()`. */
  begin(): UnitOfWork {
    return new UnitOfWork(this);
  }

  /** Set while writes fail: the last error and since when (epoch ms); undefined when healthy. */
  get degraded(): { error: string; since: number } | undefined {
    return this.failure;
  }

  /**
   * Try one small write (the health check calls this while degraded), so the store notices by
   * itself that writes succeed again (space freed) even when no client writes.
   */
  async probe(): Promise<boolean> {
    try {
      await this.enqueue([{ type: 'put', key: PROBE_KEY, value: Buffer.from(String(Date.now())) }]);
      return true;
    } catch {
      return false;
    }
  }

  /** Tests only: see WriteInterceptor. */
  intercept(fn: WriteInterceptor | undefined): void {
    this.interceptor = fn;
  }

  /**
   * Queue `ops` for the next group commit; resolves once they are in LevelDB. Called by
   * UnitOfWork.commit only. An empty list still waits for the batch in progress, so that an
   * answer that writes nothing (a FIFO duplicate) is not sent before the write it depends on.
   */
  enqueue(ops: readonly Op[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (ops.length === 0) return this.pending?.promise ?? Promise.resolve();
    let p = this.pending;
    if (!p) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      p = this.pending = { ops: [], promise, resolve, reject };
      // Let every request that arrived in this turn of the event loop join the batch.
      if (!this.flushing) setImmediate(() => void this.flush());
    }
    for (const op of ops) p.ops.push(op);
    return p.promise;
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending) {
        const batch = this.pending;
        this.pending = undefined;
        try {
          if (this.reopenBeforeWrite) await this.reopen();
          this.interceptor?.(batch.ops);
          const ops = await this.expand(batch.ops);
          await this.writeBatch(ops);
          this.compactLater(batch.ops);
          this.stats.batches++;
          this.stats.ops += ops.length;
          this.failure = undefined;
          batch.resolve();
        } catch (e) {
          this.failure ??= { error: e instanceof Error ? e.message : String(e), since: Date.now() };
          this.reopenBeforeWrite = this.engine === 'leveldb' && !this.closed;
          batch.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Close and open LevelDB again, clearing its sticky background error; fails while the cause lasts. */
  private async reopen(): Promise<void> {
    this.reopenBeforeWrite = false;
    if (this.db.status === 'open') await this.db.close();
    await this.db.open();
  }

  /**
   * Replace range deletes by the deletes of the keys under them, in op order: the keys already in
   * the database, and those put earlier in this same batch.
   */
  private async expand(ops: Op[]): Promise<PointOp[]> {
    if (!ops.some((o) => o.type === 'delRange' || o.type === 'copy')) return ops as PointOp[];
    const out: PointOp[] = [];
    for (const op of ops) {
      if (op.type === 'copy') {
        // The source as this batch left it so far: a put earlier in it, else the database.
        let v: Buffer | undefined;
        for (let i = out.length - 1; i >= 0 && v === undefined; i--) {
          const o = out[i];
          if (o.type === 'put' && o.key.equals(op.from)) v = o.value;
        }
        v ??= (await this.db.get(op.from)) ?? undefined;
        if (v !== undefined) out.push({ type: 'put', key: op.to, value: op.map(v) });
        continue;
      }
      if (op.type !== 'delRange') {
        out.push(op);
        continue;
      }
      const earlier = out.filter((o) => o.type === 'put' && startsWith(o.key, op.prefix)).map((o) => o.key);
      for (const key of earlier) out.push({ type: 'del', key });
      for await (const k of this.db.keys({ gte: op.prefix, lt: prefixEnd(op.prefix) })) out.push({ type: 'del', key: k });
    }
    return out;
  }

  /**
   * One batch. The public `db.batch()` clones every op (`{ ...options, ...op }`), validates it and
   * looks up its encodings: ~1/8 of the CPU of an SQS SendMessage under load. Our ops are already
   * what the private API wants (Buffer keys and values, encodings 'buffer'), so they go straight to
   * `_batch`, abstract-level's documented implementor API that `batch()` ends in (classic-level's
   * and memory-level's only read `type`, `key` and `value` of each op and the `sync` option). That
   * skips only what we do not use: prewrite hooks, sublevels, 'write' listeners and the open-state
   * check (`close()` waits for the flush loop). Should any of those appear, take the public path.
   */
  private writeBatch(ops: PointOp[]): Promise<void> {
    const db = this.db as unknown as PrivateBatch & Db;
    const options = { sync: this.sync };
    if (db.status === 'open' && (db.hooks.prewrite as { noop?: boolean }).noop === true && db.listenerCount('write') === 0 && typeof db._batch === 'function') {
      return db._batch(ops, options);
    }
    return db.batch(ops, options);
  }

  /**
   * Space comes back without a restart: LevelDB only reclaims deleted keys when compaction reaches
   * their files, which for a range nobody writes again may be never. After a batch with range
   * deletes (a purge, a deleted queue or topic), compact those ranges in the background.
   */
  private compactLater(ops: readonly Op[]): void {
    if (this.engine !== 'leveldb') return;
    const d = this.deletes;
    for (const op of ops) {
      if (op.type === 'delRange') this.compact(op.prefix, prefixEnd(op.prefix));
      if (op.type !== 'del') continue;
      d.n++;
      if (!d.min || op.key.compare(d.min) < 0) d.min = op.key;
      if (!d.max || op.key.compare(d.max) > 0) d.max = op.key;
    }
    if (d.n >= this.compactAfterDeletes && d.min && d.max) {
      // compactRange's end is inclusive in LevelDB: the span is exactly the deleted keys'.
      this.compact(d.min, d.max);
      this.deletes = { n: 0, min: undefined, max: undefined };
    }
  }

  private compact(start: Buffer, end: Buffer): void {
    this.compactions++;
    this.db
      .compactRange(start, end)
      .catch(() => {})
      .finally(() => this.compactions--);
  }

  /** Range compactions still running (benchmarks wait for them). */
  compactions = 0;

  /** Values of `keys` in one native call (undefined where absent). */
  async getMany(keys: Buffer[]): Promise<(Buffer | undefined)[]> {
    if (keys.length === 0) return [];
    const vs = await this.db.getMany(keys);
    return vs.map((v) => v ?? undefined);
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    const v = await this.db.get(key);
    return v ?? undefined;
  }

  /** Entries whose key starts with `prefix`, in key order. */
  async *scan(prefix: Buffer, opts: { gte?: Buffer; limit?: number } = {}): AsyncGenerator<[Buffer, Buffer]> {
    const it = this.db.iterator({ gte: opts.gte ?? prefix, lt: prefixEnd(prefix), limit: opts.limit ?? -1 });
    try {
      for await (const [k, v] of it) yield [k, v];
    } finally {
      await it.close();
    }
  }

  /**
   * Call `fn` for every entry under `prefix`, in key order, reading up to 1000 entries (or
   * LOAD_CHUNK_BYTES) per native call and handling them synchronously. This is the startup path of
   * every subsystem: one `await` per entry is several times slower on million-entry stores.
   */
  async forEach(prefix: Buffer, fn: (k: Buffer, v: Buffer) => void): Promise<void> {
    const it = this.db.iterator({ gte: prefix, lt: prefixEnd(prefix), highWaterMarkBytes: LOAD_CHUNK_BYTES });
    try {
      for (;;) {
        const chunk = await it.nextv(1000);
        if (chunk.length === 0) return;
        for (const [k, v] of chunk) fn(k, v);
      }
    } finally {
      await it.close();
    }
  }

  /** True when the store holds no key at all (a new data dir). */
  async isEmpty(): Promise<boolean> {
    for await (const _ of this.db.keys({ limit: 1 })) return false;
    return true;
  }

  /** Wait for queued writes, then close the database. */
  async close(): Promise<void> {
    while (this.pending || this.flushing) {
      await (this.pending?.promise.catch(() => {}) ?? new Promise((r) => setImmediate(r)));
    }
    this.closed = true;
    while (this.compactions > 0) await new Promise((r) => setTimeout(r, 5));
    await this.db.close();
  }
}

function startsWith(key: Buffer, prefix: Buffer): boolean {
  return key.length >= prefix.length && key.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** Smallest key greater than every key starting with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
}
