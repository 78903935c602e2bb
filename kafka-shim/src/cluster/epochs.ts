/**
 * A partition's leader-epoch history (Kafka's LeaderEpochFileCache): which epoch started at which
 * offset. OffsetForLeaderEpoch answers from it, so a client that saw epoch E can learn where E
 * ended and detect a truncated log after a leader change. Kept apart from the cluster so the
 * lookup rules, which are Kafka's to the letter, have their own tests.
 */

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/** Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

/** A new partition's history: epoch 0 from offset 0. */
export function startEpoch(): EpochEntry {
  return { epoch: 0, startOffset: 0 };
}

/**
 * LeaderEpochFileCache.endOffsetFor: the current epoch ends at the log end offset; an older one at
 * the start of the first later epoch, reported with the latest epoch at or below the requested one
 * (or the requested one itself when it predates every known epoch); an unknown or undefined epoch
 * gives (-1, -1). `entries` ascend by epoch and start offset.
 */
export function endOffsetFor(entries: readonly EpochEntry[], requested: number, logEndOffset: number): { epoch: number; endOffset: number } {
  const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
  if (requested === UNDEFINED_EPOCH || entries.length === 0) return undefinedAnswer;
  const latest = entries[entries.length - 1];
  if (latest.epoch === requested) return { epoch: requested, endOffset: logEndOffset };
  const higher = entries.find((e) => e.epoch > requested);
  if (!higher) return undefinedAnswer;
  let floor: EpochEntry | undefined;
  for (const e of entries) if (e.epoch <= requested) floor = e;
  return { epoch: floor ? floor.epoch : requested, endOffset: higher.startOffset };
}

/** LeaderEpochFileCache.epochForOffset: the epoch whose range holds `offset`, or -1. */
export function epochForOffset(entries: readonly EpochEntry[], offset: number): number {
  let epoch = UNDEFINED_EPOCH;
  for (const e of entries) if (e.startOffset <= offset) epoch = e.epoch;
  return epoch;
}
