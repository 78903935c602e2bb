/**
 * InitProducerId's state: producer id allocation and, per transactional id, its producer id and
 * epochs. The rules are Kafka's TransactionCoordinator.handleInitProducerId and
 * TransactionMetadata (facts read from apache/kafka 4.x):
 * - no transactional id: always a fresh producer id with epoch 0, whatever id/epoch the request
 *   carries (an idempotent producer recovering from an error simply gets a new id);
 * - an empty transactional id is INVALID_REQUEST; a timeout outside (0, transaction.max.timeout.ms
 *   = 15 min] is INVALID_TRANSACTION_TIMEOUT;
 * - a transactional id gets a producer id once and a bumped epoch at every InitProducerId, which
 *   fences the previous epoch; with an expected id/epoch (KIP-360) the bump is checked: the current
 *   epoch bumps, the previous epoch is a retry of a bump that succeeded (answered again, no bump),
 *   anything else is PRODUCER_FENCED; an exhausted epoch (>= 32766) rotates to a new producer id;
 * - while one InitProducerId of a transactional id is being written, another gets
 *   CONCURRENT_TRANSACTIONS.
 * - an InitProducerId while the transactional id's transaction is Ongoing fences it (epoch + 1),
 *   aborts it (./coordinator.ts) and answers CONCURRENT_TRANSACTIONS, which the client retries;
 *   while a transaction is being completed (PrepareCommit/PrepareAbort) it is
 *   CONCURRENT_TRANSACTIONS as well. A bump leaves the transactional id Empty.
 * The transaction's own state lives in the same record (./state.ts), so a transactional id is one
 * key whatever happens to it.
 *
 * Persistence: the next producer id under K/n/ (written in the same unit as whatever consumed the
 * id; Kafka hands out ids from persisted blocks, so ids are never reused either way) and one JSON
 * record per transactional id under K/x/.
 */
import type { Core } from '../../../emulator/src/core/core.js';
import type { UnitOfWork } from '../../../emulator/src/core/storage/unit-of-work.js';
import { splitKey } from '../../../emulator/src/core/storage/keys.js';
import { ErrorCode, KafkaError } from '../errors.js';
import { producerIdCounterKey, transactionalIdKey, transactionalIdPrefix } from '../storage/keys.js';

/** transaction.max.timeout.ms, Kafka's default. */
export const TRANSACTION_MAX_TIMEOUT_MS = 900_000;
const NO_PRODUCER_ID = -1;
const NO_PRODUCER_EPOCH = -1;

export interface ProducerIdAndEpoch {
  producerId: number;
  epoch: number;
}

import { type TransactionalIdRecord, txnStateOf } from './state.js';

/** TransactionMetadata.isEpochExhausted. */
const exhausted = (epoch: number) => epoch >= 0x7fff - 1;

export class ProducerIdManager {
  private nextId = 0;
  private readonly txnIds = new Map<string, TransactionalIdRecord>();
  private readonly pending = new Set<string>();
  private readonly byProducerId = new Map<number, string>();
  private readonly chains = new Map<string, Promise<void>>();
  /** Set by the transaction coordinator: fence and abort the Ongoing transaction of an id. */
  abortOngoing?: (transactionalId: string) => Promise<void>;

  constructor(private readonly core: Core) {}

  async load(): Promise<void> {
    const next = await this.core.store.get(producerIdCounterKey());
    if (next) this.nextId = Number(next.readBigUInt64BE(0));
    const prefix = transactionalIdPrefix();
    await this.core.store.forEach(prefix, (k, v) => {
      this.remember(splitKey(k, prefix.length, 1).parts[0], JSON.parse(v.toString()) as TransactionalIdRecord);
    });
  }

  private remember(transactionalId: string, rec: TransactionalIdRecord): void {
    const prev = this.txnIds.get(transactionalId);
    if (prev && prev.producerId !== rec.producerId) this.byProducerId.delete(prev.producerId);
    this.txnIds.set(transactionalId, rec);
    this.byProducerId.set(rec.producerId, transactionalId);
  }

  /** The record of a transactional id (read-only: change it through `put`). */
  record(transactionalId: string): Readonly<TransactionalIdRecord> | undefined {
    return this.txnIds.get(transactionalId);
  }

  /** The transactional id a producer id belongs to, if any. */
  transactionalIdOf(producerId: number): string | undefined {
    return this.byProducerId.get(producerId);
  }

  entries(): IterableIterator<[string, Readonly<TransactionalIdRecord>]> {
    return this.txnIds.entries();
  }

  /** Write a record in `uow`; memory follows once it is on disk. `rec` undefined removes the id (expiration). */
  put(uow: UnitOfWork, transactionalId: string, rec: TransactionalIdRecord | undefined): void {
    if (rec) {
      uow.put(transactionalIdKey(transactionalId), Buffer.from(JSON.stringify(rec)));
      uow.onCommit(() => this.remember(transactionalId, rec));
    } else {
      uow.del(transactionalIdKey(transactionalId));
      uow.onCommit(() => {
        const prev = this.txnIds.get(transactionalId);
        if (prev && this.byProducerId.get(prev.producerId) === transactionalId) this.byProducerId.delete(prev.producerId);
        this.txnIds.delete(transactionalId);
      });
    }
  }

  /**
   * Run `fn` after every earlier change of the id: each change reads the record as the previous
   * one left it, so two requests of one transactional id never overwrite each other's transition.
   */
  exclusive<T>(transactionalId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(transactionalId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(transactionalId, tail);
    void tail.then(() => {
      if (this.chains.get(transactionalId) === tail) this.chains.delete(transactionalId);
    });
    return run;
  }

  /** Take the next producer id; the counter's new value is written in `uow`. */
  private allocate(uow: UnitOfWork): number {
    const id = this.nextId++;
    const v = Buffer.allocUnsafe(8);
    v.writeBigUInt64BE(BigInt(this.nextId));
    uow.put(producerIdCounterKey(), v);
    return id;
  }

  /** The producer id and epoch, or a KafkaError with Kafka's code (PRODUCER_FENCED unmapped). */
  async initProducerId(transactionalId: string | null, timeoutMs: number, expected: ProducerIdAndEpoch | undefined): Promise<ProducerIdAndEpoch> {
    if (transactionalId === null) {
      const uow = this.core.store.begin();
      const producerId = this.allocate(uow);
      await this.commit(uow);
      return { producerId, epoch: 0 };
    }
    if (transactionalId === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'empty transactional id');
    if (timeoutMs <= 0 || timeoutMs > TRANSACTION_MAX_TIMEOUT_MS) {
      throw new KafkaError(ErrorCode.INVALID_TRANSACTION_TIMEOUT, `transaction timeout ${timeoutMs} ms is outside (0, ${TRANSACTION_MAX_TIMEOUT_MS}]`);
    }
    if (this.pending.has(transactionalId)) throw new KafkaError(ErrorCode.CONCURRENT_TRANSACTIONS, `InitProducerId of ${transactionalId} in progress`);
    this.pending.add(transactionalId);
    try {
      return await this.exclusive(transactionalId, () => this.bump(transactionalId, timeoutMs, expected));
    } finally {
      this.pending.delete(transactionalId);
    }
  }

  private async bump(transactionalId: string, timeoutMs: number, expected: ProducerIdAndEpoch | undefined): Promise<ProducerIdAndEpoch> {
    const existing = this.txnIds.get(transactionalId);
    const state = existing ? txnStateOf(existing) : 'Empty';
    if (state === 'Ongoing' && this.abortOngoing) {
      await this.abortOngoing(transactionalId);
      throw new KafkaError(ErrorCode.CONCURRENT_TRANSACTIONS, `the ongoing transaction of ${transactionalId} was aborted; retry`);
    }
    if (state !== 'Empty' && state !== 'CompleteCommit' && state !== 'CompleteAbort') {
      throw new KafkaError(ErrorCode.CONCURRENT_TRANSACTIONS, `the transaction of ${transactionalId} is being completed (${state})`);
    }
    const uow = this.core.store.begin();
    const now = this.core.clock.now();
    const cur: TransactionalIdRecord = existing ?? {
      producerId: this.allocate(uow),
      previousProducerId: NO_PRODUCER_ID,
      epoch: NO_PRODUCER_EPOCH,
      lastEpoch: NO_PRODUCER_EPOCH,
      timeoutMs,
      updatedAt: now,
    };
    // isValidProducerId: a fresh record, the current id, or a retry after a rotation.
    if (expected && !(cur.epoch === NO_PRODUCER_EPOCH || expected.producerId === cur.producerId || (expected.producerId === cur.previousProducerId && exhausted(expected.epoch)))) {
      throw new KafkaError(ErrorCode.PRODUCER_FENCED, `producer ${expected.producerId} epoch ${expected.epoch} of ${transactionalId} is fenced`);
    }
    let next: TransactionalIdRecord;
    if (exhausted(cur.epoch) && (!expected || expected.epoch === cur.epoch)) {
      next = { producerId: this.allocate(uow), previousProducerId: cur.producerId, epoch: 0, lastEpoch: expected ? cur.epoch : NO_PRODUCER_EPOCH, timeoutMs, updatedAt: now };
    } else if (!expected) {
      next = { ...cur, epoch: cur.epoch + 1, lastEpoch: NO_PRODUCER_EPOCH, timeoutMs, updatedAt: now };
    } else if (cur.epoch === NO_PRODUCER_EPOCH || expected.epoch === cur.epoch) {
      next = { ...cur, epoch: cur.epoch + 1, lastEpoch: cur.epoch, timeoutMs, updatedAt: now };
    } else if (expected.epoch === cur.lastEpoch) {
      next = { ...cur, timeoutMs, updatedAt: now };
    } else {
      throw new KafkaError(ErrorCode.PRODUCER_FENCED, `expected epoch ${expected.epoch} of ${transactionalId} is neither the current ${cur.epoch} nor the previous ${cur.lastEpoch}`);
    }
    // A bump starts no transaction: the id is Empty, whatever it was.
    next = { ...next, state: 'Empty', partitions: [], groups: [], offsets: [], startedAt: -1 };
    this.put(uow, transactionalId, next);
    await this.commit(uow);
    this.core.log.info('kafka.txn.producer_initialized', { transactionalId, producerId: next.producerId, epoch: next.epoch });
    return { producerId: next.producerId, epoch: next.epoch };
  }

  private async commit(uow: UnitOfWork): Promise<void> {
    try {
      await uow.commit();
    } catch (err) {
      this.core.log.error('kafka.txn.write_failed', { err });
      // Retriable: clients back off and send InitProducerId again.
      throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'could not store the producer id');
    }
  }
}
