/**
 * A binary min-heap whose items remember their own position, so any item — not only the head — can
 * be removed in O(log n): a cancelled timer, a deleted message. The clock's timers and SQS
 * retention are both built on it.
 *
 * The position lives on the item (through `getIndex`/`setIndex`) rather than in a side Map, which
 * would cost a hash lookup on every swap; -1 means "not in the heap".
 */
export class IndexedHeap<T> {
  private items: T[] = [];

  constructor(
    /** Strict order; ties keep no particular order unless `less` breaks them. */
    private readonly less: (a: T, b: T) => boolean,
    private readonly getIndex: (item: T) => number,
    private readonly setIndex: (item: T, index: number) => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.setIndex(item, this.items.length);
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  /** Take `item` out; a no-op for an item that is not in this heap. */
  remove(item: T): void {
    const h = this.items;
    const i = this.getIndex(item);
    if (i < 0 || h[i] !== item) return;
    const last = h.pop()!;
    this.setIndex(item, -1);
    if (i < h.length) {
      h[i] = last;
      this.setIndex(last, i);
      this.up(i);
      this.down(this.getIndex(last));
    }
  }

  clear(): void {
    for (const item of this.items) this.setIndex(item, -1);
    this.items = [];
  }

  private up(i: number): void {
    const h = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const h = this.items;
    [h[a], h[b]] = [h[b], h[a]];
    this.setIndex(h[a], a);
    this.setIndex(h[b], b);
  }
}
