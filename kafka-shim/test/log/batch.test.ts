/**
 * The log's copy of a produced batch must own its memory: the broker's batch cache keeps it for as
 * long as retention does, and a copy carved from Node's shared Buffer pool pinned a whole 8 KiB
 * slab per small batch (the soak's external memory grew ~15 MiB a minute under mixed load).
 */
import { assignOffset } from '../../src/log/batch.js';
import { encodeBatch } from '../../src/records/index.js';
import { validateProduceBatch } from '../../src/records/validate.js';

const opts = { maxMessageBytes: 1 << 20, compacted: false, topicPartition: 'soak-0' };

test('a small batch placed in the log is not a slice of a shared pool slab', () => {
  const request = encodeBatch({ records: [{ value: 'v1' }, { value: 'v2' }] });
  expect(request.length).toBeLessThan(4096);
  for (let i = 0; i < 3; i++) {
    const stored = assignOffset(validateProduceBatch(request, opts), 100 + i, 0);
    expect(stored.buffer.byteLength).toBe(stored.length);
    expect(stored.readBigInt64BE(0)).toBe(BigInt(100 + i));
  }
  // The copy is private: the request's own bytes are untouched.
  expect(request.readBigInt64BE(0)).toBe(0n);
});
