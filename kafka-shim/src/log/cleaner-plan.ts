/**
 * Which part of a compacted log the cleaner may clean now, and whether it should, with the rules of
 * Kafka's LogCleanerManager (cleanableOffsets, calculateCleanableBytes, maxCompactionDelay,
 * grabFilthiestCompactedLog). Pure, over per-segment statistics, so it is unit-tested alone.
 * - first dirty offset: the checkpoint of the last clean (the log start offset when there is none,
 *   or when it is below the log start or past the log end);
 * - first uncleanable offset: the lowest of the last stable offset, the active segment's base and,
 *   with min.compaction.lag.ms, the base of the first dirty closed segment whose newest timestamp
 *   is younger than the lag, rounded down to the base of the segment holding it (whole segments);
 * - cleanable bytes: the segments from the first dirty one to the first uncleanable one; the
 *   dirty ratio is cleanable / (clean + cleanable) bytes;
 * - a log is cleaned when its ratio exceeds min.cleanable.dirty.ratio, or when max.compaction.lag.ms
 *   has passed since the first batch of its oldest dirty closed segment (and something is cleanable).
 */
export interface SegmentStat {
  base: number;
  bytes: number;
  /** Max timestamp of the segment's first batch (-1: none): what max.compaction.lag.ms measures. */
  firstTs: number;
  /** Newest timestamp in the segment (last write time when no record has one). */
  largestTs: number;
}

export interface PlanInput {
  /** Oldest first; the last one is the active segment. */
  segments: SegmentStat[];
  logStartOffset: number;
  logEndOffset: number;
  /** Kafka's last stable offset (the high watermark without transactions). */
  lastStableOffset: number;
  /** The checkpoint of the last clean, if any. */
  cleanedTo: number | undefined;
  now: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  minCleanableRatio: number;
}

export interface CleanPlan {
  firstDirty: number;
  firstUncleanable: number;
  cleanBytes: number;
  cleanableBytes: number;
  ratio: number;
  /** max.compaction.lag.ms forces this clean. */
  forced: boolean;
  /** Whether the cleaner should clean this log now. */
  due: boolean;
}

export function planClean(p: PlanInput): CleanPlan {
  const segs = p.segments;
  const active = segs.at(-1);
  let firstDirty = p.cleanedTo ?? p.logStartOffset;
  if (firstDirty < p.logStartOffset || firstDirty > p.logEndOffset) firstDirty = p.logStartOffset;
  // Closed segments holding offsets at or past firstDirty (nonActiveLogSegmentsFrom).
  const dirtyClosed = segs.slice(0, -1).filter((s, i) => (segs[i + 1]?.base ?? Infinity) > firstDirty);
  let uncleanable = Math.min(p.lastStableOffset, active ? active.base : p.logEndOffset);
  if (p.minCompactionLagMs > 0) {
    const young = dirtyClosed.find((s) => s.largestTs > p.now - p.minCompactionLagMs);
    if (young) uncleanable = Math.min(uncleanable, young.base);
  }
  const firstUncleanableOffset = Math.max(firstDirty, uncleanable);
  // Cleaning stops at the base of the segment holding the uncleanable offset (calculateCleanableBytes),
  // so a last stable offset inside a closed segment keeps that whole segment out of the clean.
  let boundary = active ? active.base : p.logEndOffset;
  for (let i = 0; i < segs.length - 1; i++) {
    if (segs[i + 1].base > firstUncleanableOffset) {
      boundary = segs[i].base;
      break;
    }
  }
  let cleanBytes = 0;
  let cleanableBytes = 0;
  const from = Math.min(firstDirty, boundary);
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const end = segs[i + 1]?.base ?? Infinity;
    if (s.base < firstDirty) cleanBytes += s.bytes;
    if (end > from && s.base < boundary) cleanableBytes += s.bytes;
  }
  const total = cleanBytes + cleanableBytes;
  const ratio = total > 0 ? cleanableBytes / total : 0;
  const firstTimestamps = dirtyClosed.map((s) => s.firstTs).filter((t) => t > 0);
  const earliest = firstTimestamps.length > 0 ? Math.min(...firstTimestamps) : Infinity;
  const forced = earliest < p.now - Math.max(p.maxCompactionLagMs, 0);
  const due = total > 0 && boundary > firstDirty && ((forced && cleanableBytes > 0) || ratio > p.minCleanableRatio);
  return { firstDirty, firstUncleanable: boundary, cleanBytes, cleanableBytes, ratio, forced, due };
}
