/**
 * The records codec and the produce-path validator on hand-built batches. Batches real clients
 * write are decoded in compat-tests/kafka/records.test.ts; here: every codec round-trips, xerial
 * snappy chunks are joined, and each Kafka validation rule answers its code and text.
 */
import { createRequire } from 'node:module';
import { crc32c } from '../../src/log/crc32c.js';
import { ErrorCode, KafkaError } from '../../src/errors.js';
import { Codec, decodeBatch, decodeBatches, decompress, encodeBatch, loadZstdCompressor, ProduceError, validateProduceBatch } from '../../src/records/index.js';

const require = createRequire(import.meta.url);
const snappy = require('snappy') as { compressSync(b: Buffer): Buffer };

const opts = { maxMessageBytes: 1 << 20, compacted: false, topicPartition: 't-0' };
const T0 = Date.UTC(2026, 0, 1);

function failure(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof KafkaError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a KafkaError');
}

function seal(b: Buffer): Buffer {
  b.writeInt32BE(b.length - 12, 8);
  b.writeUInt32BE(crc32c(b, 21, b.length), 17);
  return b;
}

describe('record batch codec', () => {
  beforeAll(async () => {
    await loadZstdCompressor();
  });

  const records = [
    { key: 'k0', value: 'v0', timestamp: T0, headers: [{ key: 'h', value: 'x' }, { key: 'n', value: null }] },
    { key: null, value: 'v1'.repeat(500), timestamp: T0 + 7 },
    { key: 'k2', value: null, timestamp: T0 - 3 },
  ];

  it.each(Object.entries(Codec))('round-trips records and batch fields with %s', (_name, codec) => {
    const bytes = encodeBatch({ records, compression: codec, producerId: 42, producerEpoch: 3, baseSequence: 7, isTransactional: true, baseOffset: 100 });
    const b = decodeBatch(bytes);
    expect(b).toMatchObject({ baseOffset: 100, magic: 2, compression: codec, timestampType: 0, isTransactional: true, isControl: false });
    expect(b).toMatchObject({ producerId: 42, producerEpoch: 3, baseSequence: 7, lastOffsetDelta: 2, baseTimestamp: T0, maxTimestamp: T0 + 7, sizeInBytes: bytes.length });
    expect(b.records.map((r) => ({ ...r, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, headers: r.headers.map((h) => [h.key, h.value?.toString() ?? null]) }))).toEqual([
      { offset: 100, timestamp: T0, key: 'k0', value: 'v0', headers: [['h', 'x'], ['n', null]] },
      { offset: 101, timestamp: T0 + 7, key: null, value: 'v1'.repeat(500), headers: [] },
      { offset: 102, timestamp: T0 - 3, key: 'k2', value: null, headers: [] },
    ]);
    // A producer sends baseOffset 0 (not covered by the CRC); anything else is INVALID_RECORD.
    expect(failure(() => validateProduceBatch(bytes, opts))).toMatchObject({ code: ErrorCode.INVALID_RECORD, message: 'The baseOffset of the record batch in the append to t-0 should be 0, but it is 100' });
    bytes.writeBigInt64BE(0n, 0);
    expect(validateProduceBatch(bytes, opts)).toMatchObject({ recordsCount: 3, codec, maxTimestamp: T0 + 7 });
  });

  it('reads snappy in xerial framing (several chunks) as well as raw', () => {
    const plain = Buffer.from('a'.repeat(100) + 'b'.repeat(100));
    const chunk = (b: Buffer) => {
      const c = snappy.compressSync(b);
      const len = Buffer.alloc(4);
      len.writeInt32BE(c.length);
      return Buffer.concat([len, c]);
    };
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    const xerial = Buffer.concat([header, chunk(plain.subarray(0, 100)), chunk(plain.subarray(100))]);
    expect(decompress(Codec.SNAPPY, xerial)).toEqual(plain);
    expect(decompress(Codec.SNAPPY, snappy.compressSync(plain))).toEqual(plain);
  });

  it('decodes the whole batches of a fetch and ignores a trailing partial one', () => {
    const a = encodeBatch({ records: [{ value: 'a', timestamp: T0 }], baseOffset: 0 });
    const b = encodeBatch({ records: [{ value: 'b', timestamp: T0 }], baseOffset: 1 });
    expect(decodeBatches(Buffer.concat([a, b, b.subarray(0, 30)])).map((x) => x.records[0].value!.toString())).toEqual(['a', 'b']);
  });
});

describe('produce validation (LogValidator rules)', () => {
  const batch = (values: string[], extra = {}) => encodeBatch({ records: values.map((v, i) => ({ value: v, timestamp: T0 + i })), ...extra });

  it('answers Kafka codes and texts for batch-level faults', () => {
    const badCrc = batch(['a']);
    badCrc[badCrc.length - 1] ^= 1;
    expect(failure(() => validateProduceBatch(badCrc, opts))).toMatchObject({ code: ErrorCode.CORRUPT_MESSAGE, message: expect.stringMatching(/^Record is corrupt \(stored crc = \d+, computed crc = \d+\) in topic partition t-0\.$/) });
    const mismatch = batch(['a', 'b']);
    mismatch.writeInt32BE(0, 23);
    expect(failure(() => validateProduceBatch(seal(mismatch), opts))).toEqual({
      code: ErrorCode.INVALID_RECORD,
      message: 'Inconsistent batch offset range [0, 0] and count of records 2 in topic partition t-0',
    });
    const negative = batch(['a']);
    negative.writeInt32BE(-1, 23);
    expect(failure(() => validateProduceBatch(seal(negative), opts)).message).toBe('Batch has an invalid offset range: [0, -1] in topic partition t-0');
    expect(failure(() => validateProduceBatch(batch(['a'], { isControl: true }), opts)).message).toBe('Clients are not allowed to write control records in topic partition t-0');
    expect(failure(() => validateProduceBatch(batch(['a'], { producerId: 5, baseSequence: -1 }), opts)).message).toBe(
      'Invalid sequence number -1 in record batch with producerId 5 in topic partition t-0',
    );
    expect(failure(() => validateProduceBatch(batch(['a']), { ...opts, maxMessageBytes: 10 })).code).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('walks every record: bounds, varints, exact consumption', () => {
    // Each record here is 8 bytes: dropping the last one leaves a count of 3 over 2 records.
    const short = batch(['a', 'b', 'c']);
    expect(failure(() => validateProduceBatch(seal(Buffer.from(short.subarray(0, short.length - 8))), opts))).toEqual({
      code: ErrorCode.INVALID_RECORD,
      message: 'Incorrect declared batch size, premature EOF reached',
    });
    expect(failure(() => validateProduceBatch(seal(Buffer.from(short.subarray(0, short.length - 6))), opts))).toEqual({
      code: ErrorCode.INVALID_RECORD,
      message: 'Invalid record size: expected 7 bytes in record payload, but instead the buffer has only 1 remaining bytes.',
    });
    const extra = seal(Buffer.concat([batch(['a']), Buffer.from([0])]));
    expect(failure(() => validateProduceBatch(extra, opts)).message).toBe('Incorrect declared batch size, records still remaining in file');
    const longVarint = batch(['abcdefghijkl']);
    longVarint.fill(0xff, 63, 74);
    expect(failure(() => validateProduceBatch(seal(longVarint), opts))).toEqual({ code: ErrorCode.INVALID_RECORD, message: 'Found invalid record structure' });
    const oversized = batch(['a']);
    oversized[61] = 0x7e; // record length 63, more than the batch holds
    expect(failure(() => validateProduceBatch(seal(oversized), opts)).message).toMatch(/^Invalid record size: expected 63 bytes in record payload, but instead the buffer has only \d+ remaining bytes\.$/);
    const gzipGarbage = batch(['zz']);
    gzipGarbage.writeInt16BE(Codec.GZIP, 21);
    gzipGarbage.fill(0x5a, 61);
    expect(failure(() => validateProduceBatch(seal(gzipGarbage), opts)).code).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
  });

  it('recomputes maxTimestamp from the records, and rejects keyless records on compacted topics', () => {
    expect(validateProduceBatch(batch(['a', 'b', 'c'], { maxTimestamp: -1 }), opts).maxTimestamp).toBe(T0 + 2);
    expect(validateProduceBatch(encodeBatch({ records: [{ value: 'x', timestamp: -1 }], baseTimestamp: -1 }), opts).maxTimestamp).toBe(-1);
    let err: unknown;
    try {
      validateProduceBatch(encodeBatch({ records: [{ key: 'k', value: 'a' }, { value: 'b' }] }), { ...opts, compacted: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProduceError);
    expect(err).toMatchObject({
      code: ErrorCode.INVALID_RECORD,
      inLog: true,
      recordErrors: [{ batchIndex: 1, batchIndexErrorMessage: 'Compacted topic cannot accept message without key in topic partition t-0' }],
      responseMessage:
        "One or more records have been rejected due to 1 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=1, message='Compacted topic cannot accept message without key in topic partition t-0')]",
    });
    // A producer claiming LogAppendTime on a LogAppendTime topic (Kafka's texts, seen from Kafka 4.4).
    const claimed = encodeBatch({ records: [{ value: 'g', timestamp: T0 }], timestampType: 1 });
    expect(validateProduceBatch(claimed, opts).maxTimestamp).toBe(T0);
    err = undefined;
    try {
      validateProduceBatch(claimed, { ...opts, logAppendTime: true });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: ErrorCode.INVALID_TIMESTAMP,
      responseMessage: 'One or more records have been rejected due to invalid timestamp',
      recordErrors: [
        {
          batchIndex: 0,
          batchIndexErrorMessage: `Invalid timestamp type in message DefaultRecord(offset=0, timestamp=${T0}, key=0 bytes, value=1 bytes). Producer should not set timestamp type to LogAppendTime.`,
        },
      ],
    });
  });

  it('refuses a compressed batch whose inner offsets are not 0..n-1, keeps an uncompressed one as sent', () => {
    const skewed = (compression: number) => encodeBatch({ records: ['a', 'b'].map((v, i) => ({ value: v, timestamp: T0, offsetDelta: i * 5 })), compression });
    expect(failure(() => validateProduceBatch(skewed(Codec.GZIP), opts)).code).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    const plain = skewed(Codec.NONE);
    expect(validateProduceBatch(plain, opts).bytes).toBe(plain);
  });
});
