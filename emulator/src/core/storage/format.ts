/**
 * The data-dir format version: written when a data dir is created, checked at every open, so that
 * a Tandem never silently misreads a layout it does not know. This is where a future layout change
 * adds its migration (MIGRATIONS[n] upgrades format n to n + 1, in one unit of work).
 */
import { key, PREFIX_META } from './keys.js';
import type { Store } from './store.js';

/**
 * The layout documented in ARCHITECTURE.md ("Key layouts").
 * 1: the first release. 2: Kafka batches get a side-index entry under K/i/.
 */
export const FORMAT_VERSION = 2;

const META_KEY = key(PREFIX_META);

/** Upgrades from format n (the index) to n + 1, run in order at open. */
const MIGRATIONS: Record<number, (store: Store) => Promise<void>> = {
  // 1 -> 2: nothing to do here: the Kafka log indexes a partition that has no K/i/ entries when it
  // loads it (kafka-shim/src/log/index.ts), so the upgrade costs one read of each old log, once.
  1: async () => {},
};

export class StorageFormatError extends Error {}

export async function checkFormat(store: Store, where: string): Promise<void> {
  const raw = await store.get(META_KEY);
  let version: number;
  if (raw) {
    const meta = JSON.parse(raw.toString()) as { format?: unknown };
    if (typeof meta.format !== 'number' || !Number.isInteger(meta.format)) {
      throw new StorageFormatError(`data dir ${where}: unreadable format record ${raw.toString()}`);
    }
    version = meta.format;
  } else {
    // No record: a new data dir (current format), or one written before the version was recorded
    // (format 1, the first release's layout).
    version = (await store.isEmpty()) ? FORMAT_VERSION : 1;
    await store.begin().put(META_KEY, metaValue(version)).commit();
  }
  if (version > FORMAT_VERSION) {
    throw new StorageFormatError(
      `data dir ${where} has format version ${version}, written by a newer Tandem; this one reads formats up to ${FORMAT_VERSION}. Upgrade Tandem or use another --data-dir.`,
    );
  }
  for (let v = version; v < FORMAT_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) throw new StorageFormatError(`data dir ${where}: no migration from format ${v}`);
    await migrate(store);
    await store.begin().put(META_KEY, metaValue(v + 1)).commit();
  }
}

function metaValue(format: number): Buffer {
  return Buffer.from(JSON.stringify({ format }));
}
