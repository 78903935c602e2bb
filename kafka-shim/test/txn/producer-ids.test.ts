/**
 * InitProducerId's rules in process, where the wire cannot go quickly: an exhausted epoch rotates
 * the transactional id to a new producer id (and a retry of that request is answered, not fenced),
 * concurrent InitProducerId of one transactional id, a failed write that changes nothing, and the
 * producer id counter across a reopen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../emulator/src/core/clock.js';
import type { Core } from '../../../emulator/src/core/core.js';
import { Logger } from '../../../emulator/src/core/logger.js';
import { Store } from '../../../emulator/src/core/storage/store.js';
import { ErrorCode, KafkaError } from '../../src/errors.js';
import { transactionalIdKey } from '../../src/storage/keys.js';
import { ProducerIdManager } from '../../src/txn/producer-ids.js';

const dirs: string[] = [];
async function open(dir = mkdtempSync(path.join(tmpdir(), 'tandem-pid-'))): Promise<{ core: Core; ids: ProducerIdManager; dir: string }> {
  dirs.push(dir);
  const core: Core = { clock: new ManualClock(Date.UTC(2026, 0, 1)), store: await Store.open({ dir }), log: new Logger('silent') };
  const ids = new ProducerIdManager(core);
  await ids.load();
  return { core, ids, dir };
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const code = (p: Promise<unknown>) => p.then(() => ErrorCode.NONE, (e: unknown) => (e instanceof KafkaError ? e.code : Promise.reject(e)));

it('rotates an exhausted epoch to a new producer id; the retry of that request gets the same answer', async () => {
  const { core, ids } = await open();
  const first = await ids.initProducerId('app', 60_000, undefined);
  // Epochs are int16: jump to the last one Kafka hands out (32766 is exhausted).
  await core.store.begin().put(transactionalIdKey('app'), Buffer.from(JSON.stringify({ producerId: first.producerId, previousProducerId: -1, epoch: 32766, lastEpoch: 32765, timeoutMs: 60_000, updatedAt: 0 }))).commit();
  const reloaded = new ProducerIdManager(core);
  await reloaded.load();
  const rotated = await reloaded.initProducerId('app', 60_000, { producerId: first.producerId, epoch: 32766 });
  expect(rotated.producerId).not.toBe(first.producerId);
  expect(rotated.epoch).toBe(0);
  expect(await reloaded.initProducerId('app', 60_000, { producerId: first.producerId, epoch: 32766 })).toEqual(rotated);
  expect(await code(reloaded.initProducerId('app', 60_000, { producerId: first.producerId, epoch: 32765 }))).toBe(ErrorCode.PRODUCER_FENCED);
  expect(await reloaded.initProducerId('app', 60_000, undefined)).toEqual({ producerId: rotated.producerId, epoch: 1 });
  await core.store.close();
});

it('a second InitProducerId of a transactional id while the first is written is CONCURRENT_TRANSACTIONS', async () => {
  const { core, ids } = await open();
  const a = ids.initProducerId('app', 60_000, undefined);
  expect(await code(ids.initProducerId('app', 60_000, undefined))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
  expect(await a).toMatchObject({ epoch: 0 });
  expect(await ids.initProducerId('app', 60_000, undefined)).toMatchObject({ epoch: 1 });
  await core.store.close();
});

it('a failed write changes nothing and is retriable; producer ids are never handed out twice across a reopen', async () => {
  const { core, ids, dir } = await open();
  const a = await ids.initProducerId('app', 60_000, undefined);
  core.store.intercept(() => {
    throw new Error('disk full');
  });
  expect(await code(ids.initProducerId('app', 60_000, undefined))).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  expect(await code(ids.initProducerId(null, 0, undefined))).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  core.store.intercept(undefined);
  expect(await ids.initProducerId('app', 60_000, undefined)).toEqual({ producerId: a.producerId, epoch: 1 });
  const b = await ids.initProducerId(null, 0, undefined);
  await core.store.close();
  const again = await open(dir);
  const c = await again.ids.initProducerId(null, 0, undefined);
  expect(c.producerId).toBeGreaterThan(b.producerId);
  expect(await again.ids.initProducerId('app', 60_000, undefined)).toEqual({ producerId: a.producerId, epoch: 2 });
  await again.core.store.close();
});
