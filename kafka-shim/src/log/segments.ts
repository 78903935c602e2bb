/**
 * Kafka's log segments, as boundaries over one partition's side index: which batches retention may
 * delete together, with Kafka's rules (LogSegment.shouldRoll, UnifiedLog.deleteOldSegments):
 * - a new segment is rolled on append when the active one would pass `segment.bytes`, or the
 *   batch's max timestamp is more than `segment.ms` past the active segment's first batch's (its
 *   creation time when that batch had no timestamp);
 * - retention deletes whole closed segments: first those whose newest timestamp (last write
 *   time when none of their records has one) is more than `retention.ms` old, then the oldest ones
 *   while the partition stays at or above `retention.bytes`.
 * The active segment is never deleted (Kafka also deletes it, rolling a fresh one, once all of
 * it is older than retention.ms; Tandem keeps it so data a client just wrote reads back).
 * Only [baseOffset, created] pairs are persisted (with the log start offset); sizes and timestamps
 * come from the side index, rebuilt at startup anyway.
 */
import type { BatchInfo } from './batch.js';
import type { SegmentStat } from './cleaner-plan.js';
import type { EffectiveConfig } from './configs.js';
import type { SideIndex } from './side-index.js';

interface Segment {
  readonly base: number;
  readonly created: number;
  /** Bytes appended, counting appends still being written (roll decisions are synchronous). */
  bytes: number;
  /** Max timestamp of the first batch (-1: none), what segment.ms is measured from. */
  firstTs: number;
  /** Clock at the last append: the segment's age when its records carry no timestamps. */
  lastWrite: number;
}

export type SavedSegments = [base: number, created: number][];

export class Segments {
  private list: Segment[] = [];

  get count(): number {
    return this.list.length;
  }

  /** Rebuild from the persisted boundaries (or one segment for logs written before segments). */
  restore(saved: SavedSegments | undefined, index: SideIndex, now: number): void {
    const firstBase = index.length > 0 ? index.baseOffset(0) : undefined;
    const pairs = saved && saved.length > 0 ? saved : firstBase !== undefined ? [[firstBase, now] as [number, number]] : [];
    this.list = pairs.map(([base, created]) => ({ base, created, bytes: 0, firstTs: -1, lastWrite: now }));
    for (let s = 0; s < this.list.length; s++) {
      const seg = this.list[s];
      const [from, to] = this.range(s, index);
      if (from < to) seg.firstTs = index.maxTimestamp(from);
      for (let i = from; i < to; i++) seg.bytes += index.size(i);
    }
  }

  /** Account an append about to be written; true when it started a new segment (persist the list). */
  onAppend(baseOffset: number, size: number, maxTimestamp: number, now: number, config: EffectiveConfig): boolean {
    let active = this.list.at(-1);
    let rolled = false;
    if (!active || (active.bytes > 0 && this.shouldRoll(active, size, maxTimestamp, now, config))) {
      active = { base: baseOffset, created: now, bytes: 0, firstTs: -1, lastWrite: now };
      this.list.push(active);
      rolled = true;
    }
    if (active.bytes === 0) active.firstTs = maxTimestamp;
    active.bytes += size;
    active.lastWrite = now;
    return rolled;
  }

  private shouldRoll(active: Segment, size: number, maxTimestamp: number, now: number, config: EffectiveConfig): boolean {
    if (active.bytes > config.segmentBytes - size) return true;
    const waited = active.firstTs >= 0 ? maxTimestamp - active.firstTs : now - active.created;
    return waited > config.segmentMs;
  }

  /**
   * The offset retention trims the log to (the base of the first segment kept), or undefined when
   * no closed segment is due.
   */
  retentionPoint(index: SideIndex, now: number, config: EffectiveConfig): number | undefined {
    const closed = this.list.length - 1;
    let drop = 0;
    if (config.retentionMs >= 0) {
      while (drop < closed && now - this.largestTimestamp(drop, index) > config.retentionMs) drop++;
    }
    if (config.retentionBytes >= 0) {
      let total = 0;
      for (let s = drop; s < this.list.length; s++) total += this.sizeOf(s, index);
      let diff = total - config.retentionBytes;
      while (drop < closed && diff - this.sizeOf(drop, index) >= 0) diff -= this.sizeOf(drop++, index);
    }
    return drop > 0 ? this.list[drop].base : undefined;
  }

  /** Forget segments wholly below `offset` (the log's first remaining batch); the active one stays. */
  dropBefore(offset: number): void {
    let n = 0;
    while (n < this.list.length - 1 && this.list[n + 1].base <= offset) n++;
    if (n > 0) this.list.splice(0, n);
  }

  /** Per-segment statistics for the cleaner's plan (cleaner-plan.ts); the last one is the active segment. */
  stats(index: SideIndex): SegmentStat[] {
    return this.list.map((s, i) => ({ base: s.base, bytes: this.sizeOf(i, index), firstTs: s.firstTs, largestTs: this.largestTimestamp(i, index) }));
  }

  /**
   * After a clean up to `end` (a segment boundary), the closed segments below it grouped as Kafka's
   * groupSegmentsBySize does, so cleaning does not leave ever smaller segments: consecutive segments
   * merge while their cleaned sizes (from `cleaned`, the batches left below `end`) fit in
   * segment.bytes. Returns the boundaries to persist and the bases that disappear.
   */
  regroup(end: number, cleaned: BatchInfo[], maxBytes: number): { saved: SavedSegments; merged: Set<number> } {
    const merged = new Set<number>();
    let groupBytes = -1;
    let b = 0;
    for (let s = 0; s < this.list.length - 1 && this.list[s + 1].base <= end; s++) {
      const next = this.list[s + 1].base;
      let bytes = 0;
      for (; b < cleaned.length && cleaned[b].baseOffset < next; b++) bytes += cleaned[b].size;
      if (groupBytes >= 0 && groupBytes + bytes <= maxBytes) {
        merged.add(this.list[s].base);
        groupBytes += bytes;
      } else {
        groupBytes = bytes;
      }
    }
    return { saved: this.list.filter((s) => !merged.has(s.base)).map((s) => [s.base, s.created]), merged };
  }

  /** Apply a regroup once the clean is committed: merged segments join their predecessor. */
  applyRegroup(merged: Set<number>, index: SideIndex): void {
    if (merged.size === 0) return;
    const kept: Segment[] = [];
    for (const seg of this.list) {
      const prev = kept.at(-1);
      if (prev && merged.has(seg.base)) prev.lastWrite = Math.max(prev.lastWrite, seg.lastWrite);
      else kept.push(seg);
    }
    this.list = kept;
    for (let s = 0; s < this.list.length - 1; s++) {
      const [from, to] = this.range(s, index);
      this.list[s].bytes = this.sizeOf(s, index);
      this.list[s].firstTs = from < to ? index.maxTimestamp(from) : -1;
    }
  }

  saved(): SavedSegments {
    return this.list.map((s) => [s.base, s.created]);
  }

  clear(): void {
    this.list = [];
  }

  /** Side-index positions [from, to) of segment `s`'s committed batches. */
  private range(s: number, index: SideIndex): [number, number] {
    const from = index.find(this.list[s].base);
    const to = s + 1 < this.list.length ? index.find(this.list[s + 1].base) : index.length;
    return [from, to];
  }

  private largestTimestamp(s: number, index: SideIndex): number {
    const [from, to] = this.range(s, index);
    let max = -1;
    for (let i = from; i < to; i++) if (index.maxTimestamp(i) > max) max = index.maxTimestamp(i);
    return max >= 0 ? max : this.list[s].lastWrite;
  }

  private sizeOf(s: number, index: SideIndex): number {
    const [from, to] = this.range(s, index);
    let sum = 0;
    for (let i = from; i < to; i++) sum += index.size(i);
    return sum;
  }
}
