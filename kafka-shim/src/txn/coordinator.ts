/**
 * The transaction coordinator: AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn on
 * a transactional id's record (./state.ts), with the checks of Kafka's TransactionCoordinator
 * (transaction version 1, facts read from apache/kafka 4.x), in their order:
 * - unknown id or another producer id: INVALID_PRODUCER_ID_MAPPING; another epoch: PRODUCER_FENCED
 *   (handlers answer INVALID_PRODUCER_EPOCH to versions that predate it);
 * - while a transaction is being completed (PrepareCommit/PrepareAbort): CONCURRENT_TRANSACTIONS;
 * - EndTxn: Ongoing goes to Prepare*, then markers (./completion.ts), then Complete*; a retry of a
 *   completed EndTxn is answered NONE, the opposite outcome or an Empty id INVALID_TXN_STATE.
 * Every transition is one unit of work writing the whole record. Changes of one id run one at a
 * time (ProducerIdManager.exclusive), so a request never overwrites another's transition.
 * Timeouts and expiry run on the injectable clock (./timers.ts). `coordinatorError` is the single
 * place deciding NOT_COORDINATOR (always this broker today; a cluster would decide by placement).
 */
import type { Core } from '../../../emulator/src/core/core.js';
import type { UnitOfWork } from '../../../emulator/src/core/storage/unit-of-work.js';
import { ErrorCode, KafkaError } from '../errors.js';
import type { GroupCoordinator } from '../groups/index.js';
import type { LogManager } from '../log/index.js';
import type { ProducerBatch } from '../log/producers.js';
import { ProduceError } from '../records/validate.js';
import { Completion } from './completion.js';
import type { ProducerIdManager } from './producer-ids.js';
import { hasPartition, txnStateOf, transition, TXN_STATES, type PendingOffset, type TransactionalIdRecord, type TxnState } from './state.js';

export interface TxnPartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
}

export interface DescribedTxn {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

export class TransactionCoordinator {
  readonly completion: Completion;

  constructor(
    private readonly core: Core,
    readonly ids: ProducerIdManager,
    private readonly log: LogManager,
    groups: GroupCoordinator,
  ) {
    this.completion = new Completion(core, ids, log, groups);
    ids.abortOngoing = (id) => this.completion.fenceAndAbort(id);
    log.setTxnVerifier((topic, partition, producer) => this.verifyProduce(topic, partition, producer));
  }

  /** Coordinator placement is decided before a handler runs (../server/coordinator.ts, from each API's coordinatorKeys); this stays as the seam for requests that reach the coordinator another way. */
  coordinatorError(_transactionalId: string): number {
    return ErrorCode.NONE;
  }

  /** The record, after the checks every transactional request shares. */
  private current(transactionalId: string, producerId: number, epoch: number): Readonly<TransactionalIdRecord> {
    if (transactionalId === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'empty transactional id');
    const notHere = this.coordinatorError(transactionalId);
    if (notHere !== ErrorCode.NONE) throw new KafkaError(notHere, `${transactionalId} is coordinated elsewhere`);
    const rec = this.ids.record(transactionalId);
    if (!rec || txnStateOf(rec) === 'Dead' || rec.producerId !== producerId) {
      throw new KafkaError(ErrorCode.INVALID_PRODUCER_ID_MAPPING, `producer ${producerId} is not the producer of ${transactionalId}`);
    }
    if (rec.epoch !== epoch) throw new KafkaError(ErrorCode.PRODUCER_FENCED, `epoch ${epoch} of ${transactionalId} is fenced by epoch ${rec.epoch}`);
    return rec;
  }

  private async write(transactionalId: string, next: TransactionalIdRecord, extra?: (uow: UnitOfWork) => void): Promise<void> {
    const uow = this.core.store.begin();
    this.ids.put(uow, transactionalId, next);
    extra?.(uow);
    try {
      await uow.commit();
    } catch (err) {
      this.core.log.error('kafka.txn.write_failed', { transactionalId, err });
      throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `could not store the transaction of ${transactionalId}`);
    }
  }

  /** Start the transaction or extend it: partitions and/or a group (AddOffsetsToTxn). */
  private add(transactionalId: string, producerId: number, epoch: number, partitions: [string, number][], groupId?: string): Promise<void> {
    return this.ids.exclusive(transactionalId, async () => {
      const rec = this.current(transactionalId, producerId, epoch);
      const state = txnStateOf(rec);
      if (state === 'PrepareCommit' || state === 'PrepareAbort' || state === 'PrepareEpochFence') {
        throw new KafkaError(ErrorCode.CONCURRENT_TRANSACTIONS, `the transaction of ${transactionalId} is being completed`);
      }
      const fresh = partitions.filter(([t, p]) => !hasPartition(rec, t, p));
      const newGroup = groupId !== undefined && !(rec.groups ?? []).includes(groupId);
      if (state === 'Ongoing' && fresh.length === 0 && !newGroup) return;
      const now = this.core.clock.now();
      const ongoing = state === 'Ongoing';
      const next = transition(rec, 'Ongoing', {
        partitions: [...(ongoing ? (rec.partitions ?? []) : []), ...fresh],
        groups: [...(ongoing ? (rec.groups ?? []) : []), ...(newGroup ? [groupId] : [])],
        offsets: ongoing ? rec.offsets : [],
        startedAt: ongoing ? rec.startedAt : now,
      }, now);
      await this.write(transactionalId, next);
    });
  }

  /** AddPartitionsToTxn (client form): one error for every partition, or NONE. Unknown partitions are checked by the handler. */
  async addPartitions(transactionalId: string, producerId: number, epoch: number, partitions: [string, number][]): Promise<number> {
    try {
      await this.add(transactionalId, producerId, epoch, partitions);
      return ErrorCode.NONE;
    } catch (err) {
      if (err instanceof KafkaError) return err.code;
      throw err;
    }
  }

  /** AddPartitionsToTxn verifyOnly (v4+): per partition NONE if in the transaction, else TRANSACTION_ABORTABLE (Kafka's handleVerifyPartitionsInTransaction). */
  verify(transactionalId: string, producerId: number, epoch: number, partitions: [string, number][]): TxnPartitionResult[] {
    let rec: Readonly<TransactionalIdRecord> | undefined;
    let code: number = ErrorCode.NONE;
    try {
      rec = this.current(transactionalId, producerId, epoch);
      const state = txnStateOf(rec);
      if (state === 'PrepareCommit' || state === 'PrepareAbort') code = ErrorCode.CONCURRENT_TRANSACTIONS;
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      code = err.code;
    }
    return partitions.map(([topic, partition]) => ({
      topic,
      partition,
      errorCode: code !== ErrorCode.NONE ? code : hasPartition(rec!, topic, partition) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE,
    }));
  }

  /** Kafka 4's produce-side verification: a transactional batch's partition must be in its producer's ongoing transaction. */
  verifyProduce(topic: string, partition: number, producer: ProducerBatch): void {
    const tp = `${topic}-${partition}`;
    const id = this.ids.transactionalIdOf(Number(producer.producerId));
    const rec = id === undefined ? undefined : this.ids.record(id);
    // The coordinator's PRODUCER_FENCED reaches a producer as INVALID_PRODUCER_EPOCH; a partition
    // outside the transaction is INVALID_TXN_STATE (Produce v11+ answers TRANSACTION_ABORTABLE).
    if (rec && rec.producerId === Number(producer.producerId) && producer.epoch !== rec.epoch) {
      throw new ProduceError(ErrorCode.INVALID_PRODUCER_EPOCH, `Epoch ${producer.epoch} of transactional producer ${producer.producerId} in ${tp} is not the current ${rec.epoch}`, true);
    }
    if (!rec || rec.producerId !== Number(producer.producerId) || txnStateOf(rec) !== 'Ongoing' || !hasPartition(rec, topic, partition)) {
      throw new ProduceError(ErrorCode.INVALID_TXN_STATE, `Partition ${tp} is not in the ongoing transaction of producer ${producer.producerId}`, true);
    }
  }

  async addOffsets(transactionalId: string, producerId: number, epoch: number, groupId: string): Promise<number> {
    try {
      await this.add(transactionalId, producerId, epoch, [], groupId);
      return ErrorCode.NONE;
    } catch (err) {
      if (err instanceof KafkaError) return err.code;
      throw err;
    }
  }

  /**
   * TxnOffsetCommit: stage offsets in the transaction (COMMIT makes them the group's). The group
   * must have been added by AddOffsetsToTxn; a stale epoch is INVALID_PRODUCER_EPOCH, as the group
   * coordinator answers. Throws KafkaError for the whole request.
   */
  stageOffsets(transactionalId: string, producerId: number, epoch: number, groupId: string, offsets: PendingOffset[]): Promise<void> {
    return this.ids.exclusive(transactionalId, async () => {
      let rec;
      try {
        rec = this.current(transactionalId, producerId, epoch);
      } catch (err) {
        if (err instanceof KafkaError && err.code === ErrorCode.PRODUCER_FENCED) throw new KafkaError(ErrorCode.INVALID_PRODUCER_EPOCH, err.message);
        throw err;
      }
      if (txnStateOf(rec) !== 'Ongoing' || !(rec.groups ?? []).includes(groupId)) {
        throw new KafkaError(ErrorCode.INVALID_TXN_STATE, `group ${groupId} is not in the ongoing transaction of ${transactionalId}`);
      }
      const same = (a: PendingOffset, b: PendingOffset) => a.groupId === b.groupId && a.topic === b.topic && a.partition === b.partition;
      const kept = (rec.offsets ?? []).filter((o) => !offsets.some((n) => same(o, n)));
      await this.write(transactionalId, { ...rec, offsets: [...kept, ...offsets] });
    });
  }

  /** EndTxn: NONE once the transaction's markers and offsets are written. */
  endTxn(transactionalId: string, producerId: number, epoch: number, commit: boolean): Promise<number> {
    return this.ids
      .exclusive(transactionalId, async () => {
        const rec = this.current(transactionalId, producerId, epoch);
        const state = txnStateOf(rec);
        const want: TxnState = commit ? 'CompleteCommit' : 'CompleteAbort';
        if (state === want) return ErrorCode.NONE;
        if (state === (commit ? 'PrepareCommit' : 'PrepareAbort')) return ErrorCode.CONCURRENT_TRANSACTIONS;
        if (state !== 'Ongoing') return ErrorCode.INVALID_TXN_STATE;
        const prepared = transition(rec, commit ? 'PrepareCommit' : 'PrepareAbort', {}, this.core.clock.now());
        await this.write(transactionalId, prepared);
        await this.completion.complete(transactionalId, false);
        return ErrorCode.NONE;
      })
      .catch((err: unknown) => {
        if (err instanceof KafkaError) return err.code;
        throw err;
      });
  }

  /** Whether an open transaction has staged an offset of this group and partition (OffsetFetch's RequireStable). */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    for (const [, rec] of this.ids.entries()) {
      const state = txnStateOf(rec);
      if (state !== 'Ongoing' && state !== 'PrepareCommit') continue;
      if ((rec.offsets ?? []).some((o) => o.groupId === groupId && o.topic === topic && o.partition === partition)) return true;
    }
    return false;
  }

  describe(transactionalId: string): DescribedTxn {
    const rec = this.ids.record(transactionalId);
    const notHere = this.coordinatorError(transactionalId);
    if (!rec || notHere !== ErrorCode.NONE) {
      return { errorCode: notHere !== ErrorCode.NONE ? notHere : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
    }
    const topics = new Map<string, number[]>();
    for (const [t, p] of rec.partitions ?? []) topics.set(t, [...(topics.get(t) ?? []), p]);
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: txnStateOf(rec),
      transactionTimeoutMs: rec.timeoutMs,
      transactionStartTimeMs: rec.startedAt ?? -1,
      producerId: rec.producerId,
      producerEpoch: rec.epoch,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
  }

  /** ListTransactions: states are Kafka's names (unknown ones reported back); durationMs >= 0 keeps transactions running at least that long. */
  list(states: string[], producerIds: number[], durationMs = -1): { unknownStates: string[]; transactions: { transactionalId: string; producerId: number; transactionState: string }[] } {
    const unknownStates = states.filter((s) => !TXN_STATES.includes(s as TxnState));
    const now = this.core.clock.now();
    const transactions = [];
    for (const [transactionalId, rec] of this.ids.entries()) {
      const state = txnStateOf(rec);
      if (states.length > 0 && !states.includes(state)) continue;
      if (producerIds.length > 0 && !producerIds.includes(rec.producerId)) continue;
      if (durationMs >= 0 && (state !== 'Ongoing' || now - (rec.startedAt ?? now) < durationMs)) continue;
      transactions.push({ transactionalId, producerId: rec.producerId, transactionState: state });
    }
    return { unknownStates, transactions };
  }

  /** Startup: finish what a crash interrupted (Prepare* completes, PrepareEpochFence aborts) and start the timers. */
  async load(): Promise<void> {
    await this.completion.recover();
    this.completion.arm();
  }

  async close(): Promise<void> {
    this.completion.disarm();
  }

  /** The partitions of open transactions, for the log: nothing special is needed by a cleaner beyond Partition.txns. */
  openTransactionCount(): number {
    let n = 0;
    for (const [, rec] of this.ids.entries()) if (txnStateOf(rec) === 'Ongoing') n++;
    return n;
  }
}

export { hasPartition };
