/**
 * The log cleaner with Kafka's transaction rules (txn-cleaning.ts) on a real log, a temp dir and
 * the manual clock: aborted data dropped and kept out of the offset map, committed data cleaned
 * like any other, markers removed after their delete horizon once their transaction is empty, and
 * no clean at or past the last stable offset. Expected logs follow apache/kafka's LogCleaner
 * (CleanedTransactionMetadata) pass by pass.
 */
import { decodeBatch, encodeBatch, type RecordBatch } from '../../src/records/batch.js';
import { emptyBatch } from '../../src/log/cleaner-rules.js';
import { kafkaTxnCleaning, PartitionTxnCleaning } from '../../src/log/txn-cleaning.js';
import type { Partition } from '../../src/log/partition.js';
import { TestLog } from './fixtures.js';

const P1 = 1;
const P2 = 2;

function describeBatch(b: RecordBatch): string[] {
  const last = b.baseOffset + b.lastOffsetDelta;
  if (b.records.length === 0) return [`${b.baseOffset}-${last}:empty`];
  if (b.isControl) {
    const type = b.records[0].key!.readInt16BE(2) === 1 ? 'COMMIT' : 'ABORT';
    return [`${b.baseOffset}:${type}${b.attributes & 0x40 ? '+horizon' : ''}`];
  }
  return b.records.map((r) => `${r.offset}:${r.key}=${r.value === null ? 'null' : r.value.toString()}`);
}

describe('log cleaner with transactions', () => {
  let t: TestLog;
  beforeEach(async () => {
    t = await TestLog.open();
    t.log.setTxnCleaning(kafkaTxnCleaning);
  });
  afterEach(() => t.destroy());

  const seqs = new Map<number, number>();
  const batch = (records: [string, string][], producerId?: number) => {
    const opts = producerId === undefined ? {} : { producerId, producerEpoch: 0, baseSequence: seqs.get(producerId) ?? 0, isTransactional: true };
    if (producerId !== undefined) seqs.set(producerId, (seqs.get(producerId) ?? 0) + records.length);
    return encodeBatch({ ...opts, records: records.map(([key, value]) => ({ key, value, timestamp: t.clock.now() })) });
  };
  const send = (records: [string, string][], producerId?: number) => t.log.append('x', 0, batch(records, producerId));
  const end = (producerId: number, commit: boolean) => t.log.partition('x', 0).appendMarker(BigInt(producerId), 0, commit, 0, false);
  async function readAll(): Promise<string[]> {
    const out: string[] = [];
    for (const b of await t.log.partition('x', 0).read(0, 1 << 30, true)) out.push(...describeBatch(decodeBatch(b)));
    return out;
  }
  const clean = async () => (await t.log.cleaner.runOnce()).map((r) => r.cleanedTo);

  it('drops aborted data (not in the offset map), cleans committed data, stops at the LSO, and removes markers after their horizon once empty', async () => {
    seqs.clear();
    await t.log.createTopic('x', 1, [['cleanup.policy', 'compact'], ['segment.ms', '1000'], ['delete.retention.ms', '5000'], ['min.cleanable.dirty.ratio', '0.01']]);
    await send([['a', '1'], ['b', '1']], P1);
    await end(P1, true);
    await send([['a', 'bad'], ['c', 'bad']], P2);
    await end(P2, false);
    await send([['c', '2']], P2);
    await end(P2, true);
    t.clock.advance(2000);
    await send([['a', '3']], P1); // 8, rolls; open: the last stable offset is 8
    t.clock.advance(2000);
    await send([['d', '1']]); // 9, rolls: segments [0-7], [8], active [9-]
    expect(t.log.partition('x', 0).lastStableOffset).toBe(8);

    // Pass 1 stops at the LSO (8), not at the active segment (9): a=3 does not yet supersede a=1.
    // The aborted a=bad is not in the map either, or a=1 would go. Its batch goes; its marker
    // stays because this pass read the transaction's data.
    expect(await clean()).toEqual([8]);
    expect(await readAll()).toEqual(['0:a=1', '1:b=1', '2:COMMIT', '5:ABORT', '6:c=2', '7:COMMIT', '8:a=3', '9:d=1']);

    await end(P1, true); // 10: the LSO is the high watermark again
    t.clock.advance(2000);
    await send([['b', '3']]); // 11, rolls
    // Pass 2: committed a=3 supersedes a=1; the ABORT marker's transaction is empty now, so it gets
    // a delete horizon (now + delete.retention.ms) and stays until then.
    expect(await clean()).toEqual([11]);
    expect(await readAll()).toEqual(['1:b=1', '2:COMMIT', '5:ABORT+horizon', '6:c=2', '7:COMMIT', '8:a=3', '9:d=1', '10:COMMIT', '11:b=3']);

    t.clock.advance(6000);
    await send([['e', '1']]); // 12, rolls
    // Pass 3: past its horizon the ABORT marker goes. b=1's batch goes too, but this pass read it,
    // so P1's first COMMIT marker stays for now.
    expect(await clean()).toEqual([12]);
    expect(await readAll()).toEqual(['2:COMMIT', '6:c=2', '7:COMMIT', '8:a=3', '9:d=1', '10:COMMIT', '11:b=3', '12:e=1']);

    t.clock.advance(2000);
    await send([['f', '1']]); // 13, rolls
    expect(await clean()).toEqual([13]);
    expect(await readAll()).toEqual(['2:COMMIT+horizon', '6:c=2', '7:COMMIT', '8:a=3', '9:d=1', '10:COMMIT', '11:b=3', '12:e=1', '13:f=1']);

    t.clock.advance(6000);
    await send([['g', '1']]); // 14, rolls
    expect(await clean()).toEqual([14]);
    expect(await readAll()).toEqual(['6:c=2', '7:COMMIT', '8:a=3', '9:d=1', '10:COMMIT', '11:b=3', '12:e=1', '13:f=1', '14:g=1']);

    // The cleaned log survives a restart as it is.
    t = await t.reopen();
    expect(await readAll()).toEqual(['6:c=2', '7:COMMIT', '8:a=3', '9:d=1', '10:COMMIT', '11:b=3', '12:e=1', '13:f=1', '14:g=1']);
  });

  it('an active producer\'s last batch stays as an empty header even when aborted, and holds its ABORT marker', async () => {
    seqs.clear();
    await t.log.createTopic('x', 1, [['cleanup.policy', 'compact'], ['segment.ms', '1000'], ['min.cleanable.dirty.ratio', '0.01']]);
    await send([['k', 'bad']], P2);
    await end(P2, false);
    await send([['k', '1']]);
    t.clock.advance(2000);
    await send([['z', '1']]); // rolls
    expect(await clean()).toEqual([3]);
    expect(await readAll()).toEqual(['0-0:empty', '1:ABORT', '2:k=1', '3:z=1']);
  });

  it('verdicts: an already emptied marker may go, other control records stay, non-transactional batches are cleaned', () => {
    const partition = { lastStableOffset: 5, txns: { abortedRanges: () => [] } } as unknown as Partition;
    const policy = new PartitionTxnCleaning(partition);
    policy.reset();
    const marker = decodeBatch(encodeBatch({ baseOffset: 1, isTransactional: true, isControl: true, producerId: 3, producerEpoch: 0, records: [{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(6) }] }));
    expect(policy.verdict(decodeBatch(emptyBatch(marker)))).toBe('marker-removable');
    const other = decodeBatch(encodeBatch({ baseOffset: 2, isControl: true, producerId: 3, producerEpoch: 0, records: [{ key: Buffer.from([0, 0, 0, 2]), value: Buffer.alloc(6) }] }));
    expect(policy.verdict(other)).toBe('keep');
    expect(policy.verdict(decodeBatch(encodeBatch({ baseOffset: 3, records: [{ key: 'k', value: 'v' }] })))).toBe('clean');
    expect(policy.lastStableOffset()).toBe(5);
  });
});
