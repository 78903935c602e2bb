/**
 * Small answers that must be Kafka 4's, checked with kafkajs and on the raw wire, on Tandem and on
 * the real Kafka oracle: the version ranges ApiVersions advertises (Produce from v0 although v0-2
 * are not served; Tandem's lower maxima are versions whose additions it does not serve yet, listed in the
 * README), a Produce v2 request closing the connection, and a commit without metadata fetched
 * back as "" rather than null.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { createTopics, startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';

/** Apache Kafka 4.4.0's ApiVersions ranges for the APIs Tandem serves. */
const KAFKA_4_4: Record<number, [number, number]> = {
  0: [0, 13], 1: [4, 18], 2: [1, 11], 3: [0, 13], 8: [2, 10], 9: [1, 10], 10: [0, 6], 11: [0, 9], 12: [0, 4],
  13: [0, 5], 14: [0, 5], 15: [0, 6], 16: [0, 5], 18: [0, 5], 19: [2, 7], 20: [1, 6], 21: [0, 2], 22: [0, 5],
  26: [0, 5], 28: [0, 6], 29: [1, 3], 30: [1, 3], 31: [1, 3], 32: [1, 4], 33: [0, 2], 35: [1, 5], 37: [0, 3], 42: [0, 3],
  44: [0, 1], 45: [0, 1],
  47: [0, 0], 48: [0, 1], 49: [0, 1], 60: [0, 2], 66: [0, 2], 69: [0, 1], 75: [0, 0],
};
/** Where Tandem's maximum is lower: versions whose additions (topic ids, transaction version 2, KIP-1242) it does not serve yet (README). */
const TANDEM_MAX_BELOW_KAFKA: Record<number, number> = { 0: 11, 1: 17, 2: 10, 18: 4, 26: 4, 28: 4, 45: 0 };

describe('Kafka 4 details', () => {
  let target: KafkaTarget;
  let admin: Admin;

  beforeAll(async () => {
    target = await startKafkaTarget();
    admin = new Kafka({ clientId: 'details', brokers: [target.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await target.stop();
  });

  it('ApiVersions advertises Kafka 4.4 ranges (Produce from v0); Produce v2 closes the connection', async () => {
    const raw = await RawClient.connectTo(target.bootstrap);
    const keys = (await raw.call(18, 3, { clientSoftwareName: 'tandem-test', clientSoftwareVersion: '1' })).body.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[];
    raw.close();
    const advertised = new Map(keys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    for (const [key, [min, max]] of Object.entries(KAFKA_4_4)) {
      const expected = [min, target.oracle ? max : (TANDEM_MAX_BELOW_KAFKA[Number(key)] ?? max)];
      expect([Number(key), advertised.get(Number(key))]).toEqual([Number(key), expected]);
    }

    const produce = await RawClient.connectTo(target.bootstrap);
    const frame = Buffer.alloc(4 + 10 + 4 + 2 + 4 + 4);
    // Produce v2 header (key 0, version 2, correlation 1, client id "test") and acks=1, timeout 1000, no topics.
    let o = frame.writeInt32BE(frame.length - 4, 0);
    o = frame.writeInt16BE(0, o);
    o = frame.writeInt16BE(2, o);
    o = frame.writeInt32BE(1, o);
    o = frame.writeInt16BE(4, o);
    o += frame.write('test', o);
    o = frame.writeInt16BE(1, o);
    o = frame.writeInt32BE(1000, o);
    frame.writeInt32BE(0, o);
    produce.write(frame);
    expect(await produce.next()).toBeNull();
    produce.close();
  });

  it('a commit without metadata (kafkajs setOffsets sends null) is fetched back with metadata "", not null', async () => {
    const topic = unique('no-metadata');
    const groupId = unique('no-metadata-group');
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] });
    // kafkajs itself turns "" into null (`metadata || null`), so the answer is read on the wire.
    const raw = await RawClient.connectTo(target.bootstrap);
    const v8 = (await raw.call(9, 8, { groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }], requireStable: false })).body;
    expect(v8.groups[0].topics[0].partitions).toEqual([{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }]);
    const v5 = (await raw.call(9, 5, { groupId, topics: [{ name: topic, partitionIndexes: [0] }], requireStable: false })).body;
    expect(v5.topics[0].partitions[0]).toMatchObject({ committedOffset: 0, metadata: '' });
    raw.close();
  });
});
