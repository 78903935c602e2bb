/**
 * The one LevelDB database of a data dir, shared by SQS and Kafka.
 *
 * Writes are group-committed: every `write` made while a batch is being written joins the next
 * batch, and its promise resolves only once that batch is in LevelDB. Requests are acknowledged
 * after their promise resolves, so an acknowledged write survives `kill -9` of the process (LevelDB
 * has handed the batch to the OS; surviving a power cut would also need `sync`, which `--fsync`
 * turns on at a large cost in throughput).
 *
 * Key layout: see keys.ts.
 */
import { ClassicLevel } from 'classic-level';

export type Op =
  | { type: 'put'; key: Buffer; value: Buffer }
  | { type: 'del'; key: Buffer };

/** abstract-level's private batch API (README: "db._batch(operations, options)"), untyped in its .d.ts. */
interface PrivateBatch {
  _batch(ops: Op[], options: { sync: boolean }): Promise<void>;
}

/**
 * Bytes LevelDB reads ahead per chunk in `forEach`. The iterator's default (16 KiB) would return one
 * or two Kafka batches per call; this bounds a chunk's memory while letting it hold hundreds of
 * small records (or a few full 1 MiB batches).
 */
const LOAD_CHUNK_BYTES = 4 * 1024 * 1024;

interface Pending {
  ops: Op[];
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface StoreOptions {
  /** fsync every batch (durable across power loss, not just process death). */
  sync?: boolean;
}

export class Store {
  private pending: Pending | undefined;
  private flushing = false;
  private closed = false;
  /** Batches written and ops in them since open (for metrics and benchmarks). */
  readonly stats = { batches: 0, ops: 0 };

  private constructor(
    readonly db: ClassicLevel<Buffer, Buffer>,
    private readonly options: StoreOptions,
  ) {}

  static async open(dir: string, options: StoreOptions = {}): Promise<Store> {
    const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    return new Store(db, options);
  }

  /** Queue `ops` for the next group commit; resolves once they are in LevelDB. */
  write(ops: Op[]): Promise<void> {
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

  put(key: Buffer, value: Buffer): Promise<void> {
    return this.write([{ type: 'put', key, value }]);
  }

  del(key: Buffer): Promise<void> {
    return this.write([{ type: 'del', key }]);
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending) {
        const batch = this.pending;
        this.pending = undefined;
        try {
          await this.writeBatch(batch.ops);
          this.stats.batches++;
          this.stats.ops += batch.ops.length;
          batch.resolve();
        } catch (e) {
          batch.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * One LevelDB batch. The public `db.batch()` clones every op (`{ ...options, ...op }`), validates
   * it and looks up its encodings: ~1/8 of the CPU of an SQS SendMessage under load. Our ops are
   * already what the private API wants (Buffer keys and values, encodings 'buffer'), so they go
   * straight to `_batch`, abstract-level's documented implementor API that `batch()` ends in
   * (classic-level's only reads `type`, `key` and `value` of each op and the `sync` option). That
   * skips only what we do not use: prewrite hooks, sublevels, 'write' listeners and the open-state
   * check (`close()` waits for the flush loop). Should any of those appear, take the public path.
   */
  private writeBatch(ops: Op[]): Promise<void> {
    const db = this.db as unknown as PrivateBatch & ClassicLevel<Buffer, Buffer>;
    const options = { sync: this.options.sync ?? false };
    if (db.status === 'open' && (db.hooks.prewrite as { noop?: boolean }).noop === true && db.listenerCount('write') === 0 && typeof db._batch === 'function') {
      return db._batch(ops, options);
    }
    return db.batch(ops, options);
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

  /** Wait for queued writes, then close LevelDB. */
  async close(): Promise<void> {
    while (this.pending || this.flushing) {
      await (this.pending?.promise ?? new Promise((r) => setImmediate(r)));
    }
    this.closed = true;
    await this.db.close();
  }
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
