/**
 * A transactional id's record and the transaction state machine (Kafka's TransactionMetadata and
 * TransactionState, facts from apache/kafka 4.x transaction-coordinator): the states, which state
 * may follow which, and Kafka's state names as DescribeTransactions/ListTransactions print them.
 * One JSON record per transactional id (K/x/), written whole in one unit of work per transition.
 */

export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead' | 'PrepareEpochFence';

export const TXN_STATES: readonly TxnState[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'];

/** TransactionState.validPreviousStates. */
const PREVIOUS: Record<TxnState, readonly TxnState[]> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing', 'PrepareEpochFence'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareEpochFence: ['Ongoing'],
};

/** An offset TxnOffsetCommit staged in the transaction: OffsetFetch sees it only after COMMIT. */
export interface PendingOffset {
  groupId: string;
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

/** A transactional id's record: producer id and epochs (InitProducerId) and its transaction. */
export interface TransactionalIdRecord {
  producerId: number;
  previousProducerId: number;
  epoch: number;
  lastEpoch: number;
  timeoutMs: number;
  updatedAt: number;
  /** Absent in records written before transactions were served: Empty. */
  state?: TxnState;
  /** Partitions in the transaction, "topic" and partition. */
  partitions?: [string, number][];
  /** Groups added by AddOffsetsToTxn. */
  groups?: string[];
  offsets?: PendingOffset[];
  /** When the transaction started (its first AddPartitionsToTxn/AddOffsetsToTxn), -1 when none. */
  startedAt?: number;
}

export const txnStateOf = (r: Readonly<TransactionalIdRecord>): TxnState => r.state ?? 'Empty';

/** The record in state `to`, or a thrown Error: an illegal transition is a bug here, never a client's doing. */
export function transition(r: Readonly<TransactionalIdRecord>, to: TxnState, changes: Partial<TransactionalIdRecord>, now: number): TransactionalIdRecord {
  const from = txnStateOf(r);
  if (!PREVIOUS[to].includes(from)) throw new Error(`illegal transaction state transition ${from} -> ${to}`);
  return { ...r, ...changes, state: to, updatedAt: now };
}

export function hasPartition(r: Readonly<TransactionalIdRecord>, topic: string, partition: number): boolean {
  return (r.partitions ?? []).some(([t, p]) => t === topic && p === partition);
}
