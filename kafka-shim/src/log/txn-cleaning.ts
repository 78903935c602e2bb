/**
 * How the log cleaner treats transactions: Kafka's rules plugged into the cleaner's TxnCleaning seam
 * (cleaner-rules.ts) from a partition's transaction state (transactions.ts). Without it the
 * cleaner would keep every aborted record and every marker forever, and could clean past an open
 * transaction. Facts from apache/kafka's LogCleaner.scala (CleanedTransactionMetadata,
 * Cleaner.shouldDiscardBatch / cleanInto) and LogCleanerManager.cleanableOffsets:
 * - the cleaner never cleans at or past the last stable offset (the first offset of the oldest
 *   open transaction), so every transactional batch it reads is decided;
 * - a data batch of an aborted transaction (its producer has an aborted range whose first offset is
 *   at or before the batch and whose ABORT marker comes after it) is dropped and adds nothing to the
 *   offset map; a committed transactional batch is cleaned like any other;
 * - an ABORT marker may go once a pass reads no data batch of its transaction before it; a COMMIT
 *   marker once a pass reads no transactional data batch of its producer since that producer's
 *   previous marker; an empty control batch (already cleaned) may always go. Such a marker is
 *   first given a delete horizon (now + delete.retention.ms) and removed by a pass after it;
 *   other control records are kept.
 * The verdicts depend on what the pass read before, so each pass calls reset() and reads in order
 * (a data batch removed in this pass still holds its marker until the next one, as in Kafka).
 */
import type { RecordBatch } from '../records/batch.js';
import type { TxnCleaning, TxnVerdict } from './cleaner-rules.js';
import type { Partition } from './partition.js';
import type { AbortedTxn } from './transactions.js';

const ABORT = 0;
const COMMIT = 1;

export class PartitionTxnCleaning implements TxnCleaning {
  /** Aborted ranges by producer, taken at reset(). */
  private aborted = new Map<bigint, AbortedTxn[]>();
  /** Producers with committed-transaction data read since their last marker (ongoingCommittedTxns). */
  private readonly committedSeen = new Set<bigint>();
  /** Producers with aborted data read since their last marker (ongoingAbortedTxns with a last observed batch). */
  private readonly abortedSeen = new Set<bigint>();

  constructor(private readonly partition: Partition) {}

  lastStableOffset(): number {
    return this.partition.lastStableOffset;
  }

  reset(): void {
    this.committedSeen.clear();
    this.abortedSeen.clear();
    this.aborted = new Map();
    for (const a of this.partition.txns.abortedRanges()) {
      const list = this.aborted.get(a.producerId);
      if (list) list.push(a);
      else this.aborted.set(a.producerId, [a]);
    }
  }

  verdict(batch: RecordBatch): TxnVerdict {
    const producerId = BigInt(batch.producerId);
    if (batch.isControl) {
      const first = batch.records[0];
      if (!first) return 'marker-removable';
      const type = first.key && first.key.length >= 4 ? first.key.readInt16BE(2) : -1;
      if (type === ABORT) return this.abortedSeen.delete(producerId) ? 'keep' : 'marker-removable';
      if (type === COMMIT) return this.committedSeen.delete(producerId) ? 'keep' : 'marker-removable';
      return 'keep';
    }
    if (!batch.isTransactional) return 'clean';
    const lastOffset = batch.baseOffset + batch.lastOffsetDelta;
    const ranges = this.aborted.get(producerId);
    if (ranges?.some((a) => a.firstOffset <= lastOffset && a.lastOffset > lastOffset)) {
      this.abortedSeen.add(producerId);
      return 'aborted';
    }
    this.committedSeen.add(producerId);
    return 'clean';
  }
}

/** The policy LogManager.setTxnCleaning takes: Kafka's transaction rules for every partition. */
export function kafkaTxnCleaning(p: Partition): TxnCleaning {
  return new PartitionTxnCleaning(p);
}
