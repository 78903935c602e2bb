/**
 * The side index of one partition: per committed batch its base offset, last offset, max
 * timestamp and size, in offset order. Columnar typed arrays (32 bytes a batch, against ~80 for an
 * object per batch) with a movable head, so retention drops the oldest batches in O(1).
 */
import type { BatchInfo } from './batch.js';

export class SideIndex {
  private base = new Float64Array(16);
  private last = new Float64Array(16);
  private maxTs = new Float64Array(16);
  private bytes = new Float64Array(16);
  private head = 0;
  private tail = 0;

  get length(): number {
    return this.tail - this.head;
  }

  push(b: BatchInfo): void {
    if (this.tail === this.base.length) this.grow();
    const i = this.tail++;
    this.base[i] = b.baseOffset;
    this.last[i] = b.lastOffset;
    this.maxTs[i] = b.maxTimestamp;
    this.bytes[i] = b.size;
  }

  baseOffset(i: number): number {
    return this.base[this.head + i];
  }
  lastOffset(i: number): number {
    return this.last[this.head + i];
  }
  maxTimestamp(i: number): number {
    return this.maxTs[this.head + i];
  }
  size(i: number): number {
    return this.bytes[this.head + i];
  }

  /** Position of the first batch holding an offset >= `offset` (length if none). */
  find(offset: number): number {
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.last[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }

  dropFront(n: number): void {
    this.head = Math.min(this.tail, this.head + n);
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  /**
   * Replace the first `count` entries by `entries` (at most `count` of them, in offset order): the
   * log cleaner's rewrite of the cleaned part of the log, in O(entries).
   */
  replaceFront(count: number, entries: BatchInfo[]): void {
    if (entries.length > count || count > this.length) throw new Error('replaceFront: entries do not fit');
    const start = this.head + count - entries.length;
    for (let j = 0; j < entries.length; j++) {
      const i = start + j;
      const b = entries[j];
      this.base[i] = b.baseOffset;
      this.last[i] = b.lastOffset;
      this.maxTs[i] = b.maxTimestamp;
      this.bytes[i] = b.size;
    }
    this.head = start;
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  clear(): void {
    this.head = this.tail = 0;
  }

  /** Double the room, first reclaiming the dropped front when it is most of the arrays. */
  private grow(): void {
    const n = this.length;
    const cap = n * 2 > this.base.length ? this.base.length * 2 : this.base.length;
    const move = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a.subarray(this.head, this.tail));
      return b;
    };
    this.base = move(this.base);
    this.last = move(this.last);
    this.maxTs = move(this.maxTs);
    this.bytes = move(this.bytes);
    this.head = 0;
    this.tail = n;
  }
}

/** A side-index entry as stored: last offset delta u32, max timestamp f64, size u32. */
export function indexValue(b: BatchInfo): Buffer {
  const v = Buffer.allocUnsafe(16);
  v.writeUInt32BE(b.lastOffset - b.baseOffset, 0);
  v.writeDoubleBE(b.maxTimestamp, 4);
  v.writeUInt32BE(b.size, 12);
  return v;
}

export function parseIndexValue(baseOffset: number, v: Buffer): BatchInfo {
  return { baseOffset, lastOffset: baseOffset + v.readUInt32BE(0), maxTimestamp: v.readDoubleBE(4), size: v.readUInt32BE(12) };
}
