/**
 * Transactions as one partition sees them (Kafka's ProducerStateManager ongoing transactions and
 * its aborted-transaction index, facts from apache/kafka 4.x storage/internals/log):
 * - a producer's transaction is open on the partition from its first transactional batch until a
 *   COMMIT or ABORT control batch (marker) of that producer is appended;
 * - the last stable offset (LSO) is the first offset of the oldest open transaction, or the high
 *   watermark when none is open; read_committed fetches never read at or past it;
 * - an aborted transaction is remembered as (producer id, first offset, last offset = its marker's
 *   offset); a read_committed Fetch is told those overlapping what it returns, and clients drop
 *   those producers' records from their first offset until the marker.
 * Both survive restarts as small keys (K/u/ open transaction, K/a/ aborted entry) written in the
 * unit of the batch or marker that changed them, so startup never scans a log.
 * `abortedRanges` is the query a log cleaner needs (which ranges of which producer were aborted).
 */
import type { Op } from '../../../emulator/src/core/storage/store.js';
import { abortedKey, openTxnKey } from '../storage/keys.js';
import { encodeBatch } from '../records/batch.js';

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: number;
  /** The offset of the ABORT marker. */
  lastOffset: number;
}

export class PartitionTransactions {
  /** Open transactions: producer id -> first offset. */
  private readonly open = new Map<bigint, number>();
  /** Aborted transactions in marker (lastOffset) order. */
  private readonly aborted: AbortedTxn[] = [];

  constructor(
    private readonly topic: string,
    private readonly partition: number,
  ) {}

  /** The first offset of `producerId`'s open transaction here, if one is open. */
  firstOffsetOf(producerId: bigint): number | undefined {
    return this.open.get(producerId);
  }

  openCount(): number {
    return this.open.size;
  }

  /** A transactional batch at `baseOffset`: opens the producer's transaction unless open. Returns the op to persist it, and its undo. */
  begin(producerId: bigint, baseOffset: number): { op: Op; undo: () => void } | undefined {
    if (this.open.has(producerId)) return undefined;
    this.open.set(producerId, baseOffset);
    const v = Buffer.allocUnsafe(8);
    v.writeDoubleBE(baseOffset);
    return {
      op: { type: 'put', key: openTxnKey(this.topic, this.partition, producerId), value: v },
      undo: () => {
        if (this.open.get(producerId) === baseOffset) this.open.delete(producerId);
      },
    };
  }

  /** The ops a marker at `markerOffset` writes besides itself; `apply` changes memory once written. */
  end(producerId: bigint, commit: boolean, markerOffset: number): { ops: Op[]; apply: () => void } {
    const first = this.open.get(producerId);
    const ops: Op[] = [{ type: 'del', key: openTxnKey(this.topic, this.partition, producerId) }];
    let entry: AbortedTxn | undefined;
    if (!commit && first !== undefined) {
      entry = { producerId, firstOffset: first, lastOffset: markerOffset };
      const v = Buffer.allocUnsafe(16);
      v.writeBigInt64BE(producerId, 0);
      v.writeDoubleBE(first, 8);
      ops.push({ type: 'put', key: abortedKey(this.topic, this.partition, markerOffset), value: v });
    }
    return {
      ops,
      apply: () => {
        this.open.delete(producerId);
        if (entry) this.aborted.push(entry);
      },
    };
  }

  /** The LSO given the high watermark. */
  lastStableOffset(highWatermark: number): number {
    let lso = highWatermark;
    for (const first of this.open.values()) if (first < lso) lso = first;
    return lso;
  }

  /** Aborted transactions a read_committed fetch of [from, upTo) must be told about (UnifiedLog.collectAbortedTransactions). */
  abortedIn(from: number, upTo: number): { producerId: number; firstOffset: number }[] {
    const out: { producerId: number; firstOffset: number }[] = [];
    for (const a of this.aborted) {
      if (a.lastOffset >= from && a.firstOffset < upTo) out.push({ producerId: Number(a.producerId), firstOffset: a.firstOffset });
    }
    return out;
  }

  /** For a log cleaner: the aborted ranges of `producerId` (or every producer), in marker order. */
  abortedRanges(producerId?: bigint): readonly AbortedTxn[] {
    return producerId === undefined ? this.aborted : this.aborted.filter((a) => a.producerId === producerId);
  }

  /** Open transactions, for DescribeProducers (currentTxnStartOffset). */
  openTransactions(): ReadonlyMap<bigint, number> {
    return this.open;
  }

  /** Retention moved the log start: aborted entries wholly before it are dropped (their keys too). */
  dropBefore(logStartOffset: number): Op[] {
    const ops: Op[] = [];
    while (this.aborted.length > 0 && this.aborted[0].lastOffset < logStartOffset) {
      const a = this.aborted.shift()!;
      ops.push({ type: 'del', key: abortedKey(this.topic, this.partition, a.lastOffset) });
    }
    return ops;
  }

  restoreOpen(producerId: bigint, value: Buffer): void {
    this.open.set(producerId, value.readDoubleBE(0));
  }

  restoreAborted(markerOffset: number, value: Buffer): void {
    this.aborted.push({ producerId: value.readBigInt64BE(0), firstOffset: value.readDoubleBE(8), lastOffset: markerOffset });
  }

  /** Every key this state has, for deleting the partition. */
  deleteOps(): Op[] {
    const ops: Op[] = [];
    for (const id of this.open.keys()) ops.push({ type: 'del', key: openTxnKey(this.topic, this.partition, id) });
    for (const a of this.aborted) ops.push({ type: 'del', key: abortedKey(this.topic, this.partition, a.lastOffset) });
    this.open.clear();
    this.aborted.length = 0;
    return ops;
  }
}

/** A control record's key: version 0, then 0 = ABORT, 1 = COMMIT (Kafka's ControlRecordType). */
export function controlBatch(producerId: bigint, epoch: number, commit: boolean, coordinatorEpoch: number, now: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt32BE(coordinatorEpoch, 2);
  return encodeBatch({
    records: [{ key, value, timestamp: now }],
    isTransactional: true,
    isControl: true,
    producerId: Number(producerId),
    producerEpoch: epoch,
    baseSequence: -1,
    baseTimestamp: now,
    maxTimestamp: now,
  });
}
