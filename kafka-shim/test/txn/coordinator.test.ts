/**
 * The transaction coordinator in process, on the manual clock: the state machine's answers
 * (Kafka's TransactionCoordinator rules), Kafka 4's produce verification, the timeout abort that
 * fences the producer, InitProducerId aborting an ongoing transaction, transactional id
 * expiration, and recovery after a crash between PrepareCommit and the markers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../emulator/src/core/clock.js';
import type { Core } from '../../../emulator/src/core/core.js';
import { Logger } from '../../../emulator/src/core/logger.js';
import { Store } from '../../../emulator/src/core/storage/store.js';
import { ErrorCode, KafkaError } from '../../src/errors.js';
import { GroupCoordinator } from '../../src/groups/index.js';
import { LogManager } from '../../src/log/index.js';
import { encodeBatch } from '../../src/records/batch.js';
import { transactionalIdKey } from '../../src/storage/keys.js';
import { TransactionCoordinator } from '../../src/txn/coordinator.js';
import { KafkaInspect } from '../../src/inspect.js';
import { ProducerIdManager } from '../../src/txn/producer-ids.js';

const T0 = Date.UTC(2026, 0, 1);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Broker {
  core: Core & { clock: ManualClock };
  log: LogManager;
  groups: GroupCoordinator;
  ids: ProducerIdManager;
  txn: TransactionCoordinator;
  dir: string;
  close(): Promise<void>;
}

async function open(dir = mkdtempSync(path.join(tmpdir(), 'tandem-txn-')), now = T0): Promise<Broker> {
  dirs.push(dir);
  const core = { clock: new ManualClock(now), store: await Store.open({ dir }), log: new Logger('silent') };
  const log = new LogManager(core, { defaultPartitions: 1 });
  await log.load();
  const groups = new GroupCoordinator(core, log);
  await groups.load();
  const ids = new ProducerIdManager(core);
  await ids.load();
  const txn = new TransactionCoordinator(core, ids, log, groups);
  await txn.load();
  return {
    core,
    log,
    groups,
    ids,
    txn,
    dir,
    async close() {
      await txn.close();
      await groups.close();
      await log.close();
      await core.store.close();
    },
  };
}

const code = (p: Promise<unknown>) => p.then(() => ErrorCode.NONE, (e: unknown) => (e instanceof KafkaError ? e.code : Promise.reject(e)));
const txBatch = (producerId: number, epoch: number, seq: number, values: string[]) =>
  encodeBatch({ producerId, producerEpoch: epoch, baseSequence: seq, isTransactional: true, records: values.map((value) => ({ value, timestamp: T0 })) });

/** Let the work a timer started (LevelDB writes, on libuv's pool) run for a moment. */
const settle = () => new Promise((r) => setTimeout(r, 100));
/** Resolve once `ok()` holds (a test that never gets there fails by its timeout). */
const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 5));
};

it('answers as Kafka: unknown mapping, fenced epoch, EndTxn outside a transaction, retried and conflicting EndTxn', async () => {
  const b = await open();
  await b.log.createTopic('t', 2);
  const { producerId, epoch } = await b.ids.initProducerId('app', 60_000, undefined);
  expect(await b.txn.addPartitions('nobody', producerId, epoch, [['t', 0]])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  expect(await b.txn.addPartitions('app', producerId + 1, epoch, [['t', 0]])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  expect(await b.txn.addPartitions('app', producerId, epoch + 1, [['t', 0]])).toBe(ErrorCode.PRODUCER_FENCED);
  expect(await b.txn.endTxn('app', producerId, epoch, true)).toBe(ErrorCode.INVALID_TXN_STATE);
  expect(await b.txn.addPartitions('', producerId, epoch, [['t', 0]])).toBe(ErrorCode.INVALID_REQUEST);

  expect(await b.txn.addPartitions('app', producerId, epoch, [['t', 0]])).toBe(ErrorCode.NONE);
  b.core.clock.advance(5);
  expect(await b.txn.addPartitions('app', producerId, epoch, [['t', 0], ['t', 1]])).toBe(ErrorCode.NONE);
  expect(b.txn.describe('app')).toMatchObject({ transactionState: 'Ongoing', transactionStartTimeMs: T0, topics: [{ topic: 't', partitions: [0, 1] }] });
  expect(b.txn.verify('app', producerId, epoch, [['t', 1], ['u', 0]]).map((r) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.TRANSACTION_ABORTABLE]);

  expect(await b.txn.endTxn('app', producerId, epoch, true)).toBe(ErrorCode.NONE);
  expect(b.txn.describe('app')).toMatchObject({ transactionState: 'CompleteCommit', topics: [] });
  // Both partitions got a COMMIT marker, even the one nothing was written to.
  expect(b.log.partition('t', 0).highWatermark).toBe(1);
  expect(b.log.partition('t', 1).highWatermark).toBe(1);
  expect(await b.txn.endTxn('app', producerId, epoch, true)).toBe(ErrorCode.NONE);
  expect(b.log.partition('t', 0).highWatermark).toBe(1);
  expect(await b.txn.endTxn('app', producerId, epoch, false)).toBe(ErrorCode.INVALID_TXN_STATE);
  await b.close();
});

it('a transactional batch needs its partition in the transaction (Kafka 4 verification); the LSO holds at its first offset until the marker', async () => {
  const b = await open();
  await b.log.createTopic('t', 1);
  const { producerId, epoch } = await b.ids.initProducerId('app', 60_000, undefined);
  await expect(b.log.append('t', 0, txBatch(producerId, epoch, 0, ['x']))).rejects.toMatchObject({ code: ErrorCode.INVALID_TXN_STATE });
  expect(await b.txn.addPartitions('app', producerId, epoch, [['t', 0]])).toBe(ErrorCode.NONE);
  await b.log.append('t', 0, encodeBatch({ records: [{ value: 'plain', timestamp: T0 }] }));
  await b.log.append('t', 0, txBatch(producerId, epoch, 0, ['a', 'b']));
  const p = b.log.partition('t', 0);
  expect([p.lastStableOffset, p.highWatermark]).toEqual([1, 3]);
  // The console's read API: the transaction and the partition's producers.
  const inspect = new KafkaInspect(b.core, b.log, b.groups, b.txn);
  expect(inspect.transactions()).toEqual([expect.objectContaining({ transactionalId: 'app', transactionState: 'Ongoing', producerId, topics: [{ topic: 't', partitions: [0] }] })]);
  expect(inspect.producers('t', 0)).toEqual({ lastStableOffset: 1, producers: [expect.objectContaining({ producerId, epoch, lastSequence: 1, txnStartOffset: 1 })] });
  // Consumer lag: to the log end (kafka-consumer-groups' LAG) and to the LSO (a read_committed consumer's).
  await b.groups.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null }] }] });
  expect(b.groups.lag('g')).toEqual([expect.objectContaining({ currentOffset: 0, logEndOffset: 3, lag: 3, lastStableOffset: 1, lagToStable: 1 })]);
  expect(await b.txn.endTxn('app', producerId, epoch, false)).toBe(ErrorCode.NONE);
  expect([p.lastStableOffset, p.highWatermark]).toEqual([4, 4]);
  expect(p.txns.abortedIn(0, 4)).toEqual([{ producerId, firstOffset: 1 }]);
  expect(p.txns.abortedRanges(BigInt(producerId))).toEqual([{ producerId: BigInt(producerId), firstOffset: 1, lastOffset: 3 }]);
  // The transaction is over: the next batch needs the partition added again.
  await expect(b.log.append('t', 0, txBatch(producerId, epoch, 2, ['c']))).rejects.toMatchObject({ code: ErrorCode.INVALID_TXN_STATE });
  await b.close();
});

it('transaction.timeout.ms: the coordinator aborts on the clock and fences the producer', async () => {
  const b = await open();
  await b.log.createTopic('t', 1);
  const { producerId, epoch } = await b.ids.initProducerId('app', 30_000, undefined);
  expect(await b.txn.addPartitions('app', producerId, epoch, [['t', 0]])).toBe(ErrorCode.NONE);
  await b.log.append('t', 0, txBatch(producerId, epoch, 0, ['a']));
  b.core.clock.advance(20_000);
  await settle();
  expect(b.txn.describe('app').transactionState).toBe('Ongoing');
  b.core.clock.advance(10_000);
  await until(() => b.txn.describe('app').transactionState === 'CompleteAbort');
  expect(b.txn.describe('app')).toMatchObject({ transactionState: 'CompleteAbort', producerEpoch: epoch + 1 });
  const p = b.log.partition('t', 0);
  expect([p.lastStableOffset, p.highWatermark]).toEqual([2, 2]);
  await expect(b.log.append('t', 0, txBatch(producerId, epoch, 1, ['late']))).rejects.toMatchObject({ code: ErrorCode.INVALID_PRODUCER_EPOCH });
  expect(await b.txn.endTxn('app', producerId, epoch, true)).toBe(ErrorCode.PRODUCER_FENCED);
  await b.close();
});

it('InitProducerId of an id with an ongoing transaction aborts it and answers CONCURRENT_TRANSACTIONS; the retry bumps again', async () => {
  const b = await open();
  await b.log.createTopic('t', 1);
  const first = await b.ids.initProducerId('app', 60_000, undefined);
  expect(await b.txn.addPartitions('app', first.producerId, first.epoch, [['t', 0]])).toBe(ErrorCode.NONE);
  await b.log.append('t', 0, txBatch(first.producerId, first.epoch, 0, ['zombie']));
  expect(await code(b.ids.initProducerId('app', 60_000, undefined))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
  expect(b.txn.describe('app').transactionState).toBe('CompleteAbort');
  expect(b.log.partition('t', 0).lastStableOffset).toBe(2);
  expect(await b.ids.initProducerId('app', 60_000, undefined)).toEqual({ producerId: first.producerId, epoch: first.epoch + 2 });
  expect(b.txn.describe('app').transactionState).toBe('Empty');
  await b.close();
});

it('transactional.id.expiration.ms: an idle transactional id is removed; an open transaction keeps it', async () => {
  const b = await open();
  await b.log.createTopic('t', 1);
  await b.ids.initProducerId('idle', 60_000, undefined);
  const busy = await b.ids.initProducerId('busy', 900_000, undefined);
  b.core.clock.advance(7 * 86_400_000 - 900_000);
  expect(await b.txn.addPartitions('busy', busy.producerId, busy.epoch, [['t', 0]])).toBe(ErrorCode.NONE);
  b.core.clock.advance(3_600_000);
  await until(() => b.txn.describe('idle').errorCode !== ErrorCode.NONE);
  expect(b.txn.describe('idle').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
  expect(b.txn.describe('busy').errorCode).toBe(ErrorCode.NONE);
  expect(await b.core.store.get(transactionalIdKey('idle'))).toBeUndefined();
  await b.close();
});

it('a crash after PrepareCommit: the restart writes the markers and commits the staged offsets, without doubling a marker', async () => {
  const b = await open();
  await b.log.createTopic('t', 2);
  const { producerId, epoch } = await b.ids.initProducerId('app', 60_000, undefined);
  expect(await b.txn.addPartitions('app', producerId, epoch, [['t', 0], ['t', 1]])).toBe(ErrorCode.NONE);
  expect(await b.txn.addOffsets('app', producerId, epoch, 'g')).toBe(ErrorCode.NONE);
  await b.txn.stageOffsets('app', producerId, epoch, 'g', [{ groupId: 'g', topic: 't', partition: 0, offset: 7, leaderEpoch: -1, metadata: null }]);
  expect(b.groups.fetchOffsets('g', null).topics).toEqual([]);
  await b.log.append('t', 0, txBatch(producerId, epoch, 0, ['a']));
  await b.log.append('t', 1, txBatch(producerId, epoch, 0, ['b']));
  // The crash: PrepareCommit is on disk, and partition 0's marker, but not partition 1's.
  const rec = { ...b.ids.record('app')!, state: 'PrepareCommit' as const };
  await b.core.store.begin().put(transactionalIdKey('app'), Buffer.from(JSON.stringify(rec))).commit();
  await b.log.partition('t', 0).appendMarker(BigInt(producerId), epoch, true, 0, false);
  await b.close();

  const again = await open(b.dir);
  expect(again.txn.describe('app').transactionState).toBe('CompleteCommit');
  expect(again.log.partition('t', 0).highWatermark).toBe(2);
  expect(again.log.partition('t', 1).highWatermark).toBe(2);
  expect(again.log.partition('t', 1).lastStableOffset).toBe(2);
  expect(again.groups.fetchOffsets('g', null).topics).toEqual([{ name: 't', partitions: [expect.objectContaining({ partitionIndex: 0, committedOffset: 7 })] }]);
  await again.close();
});

it('a crash with a transaction open: after restart the LSO still holds, and the timeout aborts it on the clock', async () => {
  const b = await open();
  await b.log.createTopic('t', 1);
  const { producerId, epoch } = await b.ids.initProducerId('app', 60_000, undefined);
  expect(await b.txn.addPartitions('app', producerId, epoch, [['t', 0]])).toBe(ErrorCode.NONE);
  await b.log.append('t', 0, encodeBatch({ records: [{ value: 'plain', timestamp: T0 }] }));
  await b.log.append('t', 0, txBatch(producerId, epoch, 0, ['open']));
  await b.close();

  const again = await open(b.dir, T0 + 1000);
  const p = again.log.partition('t', 0);
  expect([p.lastStableOffset, p.highWatermark]).toEqual([1, 2]);
  // The check runs every 10 s: the pass after the deadline (T0 + 60 s) aborts.
  again.core.clock.advance(50_000);
  await settle();
  expect(again.txn.describe('app').transactionState).toBe('Ongoing');
  again.core.clock.advance(20_000);
  await until(() => again.txn.describe('app').transactionState === 'CompleteAbort');
  expect(again.txn.describe('app').transactionState).toBe('CompleteAbort');
  expect([p.lastStableOffset, p.highWatermark]).toEqual([3, 3]);
  expect(p.txns.abortedIn(0, 3)).toEqual([{ producerId, firstOffset: 1 }]);
  await again.close();
});
