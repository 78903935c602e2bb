/**
 * The idempotent-producer rules of the log, in process on the manual clock: what the wire tests
 * (compat-tests/kafka/idempotence.test.ts) cannot reach — a failed write leaves no sequence state
 * behind, sequence numbers wrap after Int32.MaxValue, producer state expires after
 * producer.id.expiration.ms on the clock, and deleting a topic deletes its producer keys.
 */
import { encodeBatch } from '../../src/records/batch.js';
import { ErrorCode, KafkaError, RETENTION_CHECK_INTERVAL_MS } from '../../src/log/index.js';
import { PRODUCER_ID_EXPIRATION_MS } from '../../src/log/producers.js';
import { producersPrefix } from '../../src/storage/keys.js';
import { TestLog } from './fixtures.js';

const INT32_MAX = 2 ** 31 - 1;

async function append(t: TestLog, topic: string, producerId: number, epoch: number, seq: number, n = 1): Promise<number> {
  const records = Array.from({ length: n }, (_, i) => ({ value: `s${seq}+${i}`, timestamp: t.clock.now() }));
  try {
    return (await t.log.append(topic, 0, encodeBatch({ producerId, producerEpoch: epoch, baseSequence: seq, records }))).baseOffset;
  } catch (e) {
    if (e instanceof KafkaError) return -e.code;
    throw e;
  }
}

async function producerKeys(t: TestLog): Promise<number> {
  let n = 0;
  await t.store.forEach(producersPrefix(), () => n++);
  return n;
}

describe('idempotent producer state in the log', () => {
  let t: TestLog;
  beforeEach(async () => {
    t = await TestLog.open();
    await t.log.createTopic('t', 1);
  });
  afterEach(async () => {
    t.store.intercept(undefined);
    await t.destroy();
  });

  it('a failed write leaves no trace: the same batch is then appended, not taken for a duplicate', async () => {
    expect(await append(t, 't', 7, 0, 0, 2)).toBe(0);
    t.store.intercept(() => {
      throw new Error('disk full');
    });
    expect(await append(t, 't', 7, 0, 2)).toBe(-ErrorCode.KAFKA_STORAGE_ERROR);
    t.store.intercept(undefined);
    expect(await append(t, 't', 7, 0, 3)).toBe(-ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await append(t, 't', 7, 0, 2)).toBe(2);
    expect(t.log.highWatermark('t', 0)).toBe(3);
    t = await t.reopen();
    expect(await append(t, 't', 7, 0, 2)).toBe(2);
    expect(await append(t, 't', 7, 0, 3)).toBe(3);
  });

  it('sequences wrap to 0 after Int32.MaxValue, also inside one batch', async () => {
    expect(await append(t, 't', 1, 0, INT32_MAX - 1, 2)).toBe(0);
    expect(await append(t, 't', 1, 0, 0, 1)).toBe(2);
    expect(await append(t, 't', 2, 0, INT32_MAX, 3)).toBe(3);
    expect(await append(t, 't', 2, 0, 1)).toBe(-ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await append(t, 't', 2, 0, 2)).toBe(6);
    // The retry of the wrapping batch is recognised by its first and last sequence.
    expect(await append(t, 't', 2, 0, INT32_MAX, 3)).toBe(3);
  });

  it('forgets a producer producer.id.expiration.ms after its last batch, on the clock, and on disk', async () => {
    expect(await append(t, 't', 3, 0, 0)).toBe(0);
    expect(await append(t, 't', 4, 0, 0)).toBe(1);
    t.clock.advance(PRODUCER_ID_EXPIRATION_MS - RETENTION_CHECK_INTERVAL_MS);
    expect(await append(t, 't', 4, 0, 1)).toBe(2);
    t.clock.advance(RETENTION_CHECK_INTERVAL_MS);
    t.log.checkRetention();
    await t.store.begin().commit();
    expect(await producerKeys(t)).toBe(1);
    // Unknown again: any sequence is accepted (Kafka 4 never answers UNKNOWN_PRODUCER_ID).
    expect(await append(t, 't', 3, 0, 42)).toBe(3);
    expect(await append(t, 't', 4, 0, 42)).toBe(-ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    t = await t.reopen();
    expect(await append(t, 't', 3, 0, 43)).toBe(4);
  });

  it('deleting a topic deletes its producer state', async () => {
    await append(t, 't', 5, 0, 0);
    await t.log.createTopic('u', 1);
    await append(t, 'u', 5, 0, 0);
    expect(await producerKeys(t)).toBe(2);
    await t.log.deleteTopic('t');
    expect(await producerKeys(t)).toBe(1);
    await t.log.createTopic('t', 1);
    expect(await append(t, 't', 5, 0, 9)).toBe(0);
  });
});
