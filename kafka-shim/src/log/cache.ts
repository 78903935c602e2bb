/**
 * Bytes of recently appended batches, so consumers at the tail are served from memory and never
 * touch LevelDB. One byte budget for the whole broker; the oldest cached batch is dropped first.
 */
export interface Cacheable {
  data?: Buffer;
}

export class BatchCache {
  private queue: Cacheable[] = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly budget: number) {}

  add(entry: Cacheable, data: Buffer): void {
    if (data.length > this.budget) return;
    entry.data = data;
    this.bytes += data.length;
    this.queue.push(entry);
    while (this.bytes > this.budget && this.head < this.queue.length) this.drop(this.queue[this.head++]);
    // Reclaim the consumed front of the queue once it dominates.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Forget an entry's bytes (evicted, or its batch was deleted). */
  drop(entry: Cacheable): void {
    if (!entry.data) return;
    this.bytes -= entry.data.length;
    entry.data = undefined;
  }

  get size(): number {
    return this.bytes;
  }
}
