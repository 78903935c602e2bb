/**
 * Idempotent-producer state of one partition: per producer id its epoch and the metadata of its
 * last 5 batches, the rules of Kafka's ProducerStateManager / ProducerAppendInfo (facts read from
 * apache/kafka 4.x, storage/internals/log):
 * - a batch whose epoch and first/last sequence match one of the last 5 is a duplicate: answered
 *   with the original offsets, nothing written;
 * - an epoch below the producer's is INVALID_PRODUCER_EPOCH (since Kafka 2.7 for every Produce
 *   version; PRODUCER_FENCED is only an InitProducerId/EndTxn answer);
 * - a new epoch must start at sequence 0, the same epoch must continue at last + 1 (wrapping after
 *   Int32.MaxValue), else OUT_OF_ORDER_SEQUENCE_NUMBER; a producer the partition does not know
 *   (never seen, or expired) may start at any sequence (the 4.x broker never answers
 *   UNKNOWN_PRODUCER_ID);
 * - an entry expires producer.id.expiration.ms (1 day) after its last batch's timestamp.
 * The check runs synchronously at append time, so pipelined requests of one producer are ordered
 * as they arrive; the entry is one key under K/s/ written in the batch's own unit of work.
 */
import { ErrorCode } from '../errors.js';
import { ProduceError } from '../records/validate.js';
import { OFF } from '../records/batch.js';

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN. */
export const BATCHES_RETAINED = 5;
/** producer.id.expiration.ms, Kafka's default. */
export const PRODUCER_ID_EXPIRATION_MS = 86_400_000;

export interface BatchMeta {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  /** The batch's maxTimestamp as stored (the append time on LogAppendTime topics). */
  timestamp: number;
  /** Resolves once the batch is on disk (a duplicate arriving earlier waits for it). */
  written?: Promise<void>;
}

export interface ProducerEntry {
  epoch: number;
  /** Oldest first, at most BATCHES_RETAINED. */
  batches: BatchMeta[];
  /** Its K/s/ key, built once per producer (not per batch). */
  key?: Buffer;
}

/** The producer fields of a batch with a producer id (producerId >= 0). */
export interface ProducerBatch {
  producerId: bigint;
  epoch: number;
  firstSeq: number;
  lastSeq: number;
}

/** The producer fields of `bytes`, or undefined for a batch without a producer id (no allocation then). */
export function producerOf(bytes: Buffer): ProducerBatch | undefined {
  if (bytes.readInt32BE(OFF.producerId) < 0) return undefined;
  const firstSeq = bytes.readInt32BE(OFF.baseSequence);
  return {
    producerId: bytes.readBigInt64BE(OFF.producerId),
    epoch: bytes.readInt16BE(OFF.producerEpoch),
    firstSeq,
    lastSeq: incrementSequence(firstSeq, bytes.readInt32BE(OFF.lastOffsetDelta)),
  };
}

const INT32_MAX = 0x7fffffff;

/** A refusal of the log: the response carries the partition's log start offset and no message (as Kafka's processFailedRecord). */
const refused = (code: number, message: string) => new ProduceError(code, message, true);

/** DefaultRecordBatch.incrementSequence: sequences wrap to 0 after Int32.MaxValue. */
function incrementSequence(seq: number, by: number): number {
  return seq > INT32_MAX - by ? by - (INT32_MAX - seq) - 1 : seq + by;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export class ProducerStates {
  private readonly entries = new Map<bigint, ProducerEntry>();

  get size(): number {
    return this.entries.size;
  }

  get(producerId: bigint): ProducerEntry | undefined {
    return this.entries.get(producerId);
  }

  ids(): IterableIterator<bigint> {
    return this.entries.keys();
  }

  /** The last offset of each producer's newest batch: the batches the log cleaner keeps (as empty headers if need be). */
  lastOffsets(): Set<number> {
    const out = new Set<number>();
    for (const e of this.entries.values()) {
      const last = e.batches.at(-1);
      if (last) out.add(last.lastOffset);
    }
    return out;
  }

  restore(producerId: bigint, entry: ProducerEntry): void {
    this.entries.set(producerId, entry);
  }

  /** The retained batch `b` repeats, if any (ProducerStateEntry.findDuplicateBatch). */
  duplicateOf(b: ProducerBatch): BatchMeta | undefined {
    const e = this.entries.get(b.producerId);
    if (!e || e.epoch !== b.epoch) return undefined;
    return e.batches.find((m) => m.firstSeq === b.firstSeq && m.lastSeq === b.lastSeq);
  }

  /** Throw the error Kafka answers if `b` may not be appended now (checkProducerEpoch, checkSequence). */
  check(b: ProducerBatch, tp: string): void {
    const e = this.entries.get(b.producerId);
    if (!e) return;
    if (b.epoch < e.epoch) {
      throw refused(ErrorCode.INVALID_PRODUCER_EPOCH, `Epoch of producer ${b.producerId} in ${tp} is ${b.epoch}, which is smaller than the last seen epoch ${e.epoch}`);
    }
    if (b.epoch !== e.epoch) {
      if (b.firstSeq !== 0) {
        throw refused(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Invalid sequence number for new epoch of producer ${b.producerId} in partition ${tp}: ${b.epoch} (request epoch), ${b.firstSeq} (seq. number), ${e.epoch} (current producer epoch)`);
      }
      return;
    }
    const last = e.batches[e.batches.length - 1];
    if (last && !inSequence(last.lastSeq, b.firstSeq)) {
      throw refused(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Out of order sequence number for producer ${b.producerId} in partition ${tp}: ${b.firstSeq} (incoming seq. number), ${last.lastSeq} (current end sequence number)`);
    }
  }

  /**
   * Record an accepted batch (before its write resolves, so the next request of the producer is
   * checked against it); returns the undo for a failed write.
   */
  add(b: ProducerBatch, meta: BatchMeta, key: (producerId: bigint) => Buffer): { entry: ProducerEntry & { key: Buffer }; undo: () => void } {
    const prev = this.entries.get(b.producerId);
    const batches = prev && prev.epoch === b.epoch ? prev.batches.slice(-(BATCHES_RETAINED - 1)) : [];
    batches.push(meta);
    const entry = { epoch: b.epoch, batches, key: prev?.key ?? key(b.producerId) };
    this.entries.set(b.producerId, entry);
    const undo = () => {
      const now = this.entries.get(b.producerId);
      if (now === entry) {
        if (prev) this.entries.set(b.producerId, prev);
        else this.entries.delete(b.producerId);
      } else if (now) {
        // A later batch of the producer was accepted meanwhile: only forget this one.
        now.batches = now.batches.filter((m) => m !== meta);
      }
    };
    return { entry, undo };
  }

  /** Producers whose last batch is older than the expiration (removeExpiredProducers). */
  expired(now: number, expirationMs = PRODUCER_ID_EXPIRATION_MS): bigint[] {
    const out: bigint[] = [];
    for (const [id, e] of this.entries) {
      const last = e.batches[e.batches.length - 1];
      if (!last?.written && (!last || now - last.timestamp >= expirationMs)) out.push(id);
    }
    return out;
  }

  delete(producerId: bigint): void {
    this.entries.delete(producerId);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** K/s/ value: epoch i16, count u8, then per batch firstSeq i32, lastSeq i32, firstOffset f64, lastOffset - firstOffset u32, timestamp f64. */
export function encodeEntry(e: ProducerEntry): Buffer {
  const v = Buffer.allocUnsafe(3 + 28 * e.batches.length);
  v.writeInt16BE(e.epoch, 0);
  v.writeUInt8(e.batches.length, 2);
  let o = 3;
  for (const m of e.batches) {
    v.writeInt32BE(m.firstSeq, o);
    v.writeInt32BE(m.lastSeq, o + 4);
    v.writeDoubleBE(m.firstOffset, o + 8);
    v.writeUInt32BE(m.lastOffset - m.firstOffset, o + 16);
    v.writeDoubleBE(m.timestamp, o + 20);
    o += 28;
  }
  return v;
}

export function decodeEntry(v: Buffer): ProducerEntry {
  const batches: BatchMeta[] = [];
  const n = v.readUInt8(2);
  for (let i = 0, o = 3; i < n; i++, o += 28) {
    const firstOffset = v.readDoubleBE(o + 8);
    batches.push({ firstSeq: v.readInt32BE(o), lastSeq: v.readInt32BE(o + 4), firstOffset, lastOffset: firstOffset + v.readUInt32BE(o + 16), timestamp: v.readDoubleBE(o + 20) });
  }
  return { epoch: v.readInt16BE(0), batches };
}
