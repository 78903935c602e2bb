/** The two containers the message engines are built on: a FIFO deque and an indexed min-heap. */

/** Amortised O(1) push/shift; compacts when the consumed head dominates. */
export class Deque<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Items from the head, without consuming them. */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i];
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** Min-heap whose items remember their own position, so removal is O(log n). */
export class IndexedHeap<T> {
  private heap: T[] = [];

  constructor(
    private readonly keyOf: (item: T) => number,
    private readonly getIndex: (item: T) => number,
    private readonly setIndex: (item: T, index: number) => void,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(item: T): void {
    this.setIndex(item, this.heap.length);
    this.heap.push(item);
    this.up(this.heap.length - 1);
  }

  remove(item: T): void {
    const i = this.getIndex(item);
    if (i < 0 || this.heap[i] !== item) return;
    const last = this.heap.pop()!;
    this.setIndex(item, -1);
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.setIndex(last, i);
      this.up(i);
      this.down(this.getIndex(last));
    }
  }

  clear(): void {
    for (const item of this.heap) this.setIndex(item, -1);
    this.heap = [];
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keyOf(h[i]) >= this.keyOf(h[p])) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.keyOf(h[l]) < this.keyOf(h[m])) m = l;
      if (r < h.length && this.keyOf(h[r]) < this.keyOf(h[m])) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    [h[a], h[b]] = [h[b], h[a]];
    this.setIndex(h[a], a);
    this.setIndex(h[b], b);
  }
}
