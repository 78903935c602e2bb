/**
 * Bytes of recently appended batches, so consumers at the tail are served from memory and never
 * touch LevelDB. One byte budget for the whole broker; the oldest cached batch goes first.
 * Each partition keeps its cached batches in a map by base offset, which eviction updates.
 */
export interface CachedBatch {
  data: Buffer | undefined;
  readonly owner: CachedBatches;
  readonly key: number;
}

export type CachedBatches = Map<number, CachedBatch>;

export class BatchCache {
  private queue: CachedBatch[] = [];
  private head = 0;
  private bytes = 0;
  private live = 0;

  constructor(private readonly budget: number) {}

  add(owner: CachedBatches, key: number, data: Buffer): void {
    if (data.length > this.budget) return;
    this.drop(owner, key);
    const cell: CachedBatch = { data, owner, key };
    owner.set(key, cell);
    this.queue.push(cell);
    this.bytes += data.length;
    this.live++;
    while (this.bytes > this.budget && this.head < this.queue.length) {
      const oldest = this.queue[this.head++];
      if (oldest.owner.get(oldest.key) === oldest) this.drop(oldest.owner, oldest.key);
    }
    // Batches deleted by retention leave dead cells behind; reclaim them once they dominate.
    if (this.queue.length - this.head > 2 * this.live + 1024) {
      this.queue = this.queue.slice(this.head).filter((c) => c.data);
      this.head = 0;
    }
  }

  /** Forget a cached batch (evicted, or deleted from the log). */
  drop(owner: CachedBatches, key: number): void {
    const cell = owner.get(key);
    if (!cell?.data) return;
    owner.delete(key);
    this.bytes -= cell.data.length;
    cell.data = undefined;
    this.live--;
  }

  get size(): number {
    return this.bytes;
  }
}
