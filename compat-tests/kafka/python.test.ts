/** kafka-python 2.0.2 and confluent-kafka-python (librdkafka), each running a full scenario script (confluent_txn.py: transactions). */
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { python } from './clients.js';

describe('Python clients', () => {
  let target: KafkaTarget;
  beforeAll(async () => {
    // Real clock: consumers wait on the broker's long polls at the end of a partition.
    target = await startKafkaTarget({ realClock: true });
  });
  afterAll(async () => {
    await target.stop();
  });

  let kafkaPython: any;

  it('kafka-python 2.0.2 infers a record-batch broker and produces, consumes, looks up and administers', async () => {
    const out = (kafkaPython = await python('kafka_python_client.py', [target.bootstrap, unique('kpython')]));
    // >= 2.1 means record batches: Produce v7, Fetch v4, ListOffsets v1.
    const [major, minor] = out.api_version;
    expect(major * 100 + minor).toBeGreaterThanOrEqual(201);
    expect(out.duplicate).toBe('TopicAlreadyExistsError');
    expect(out.bad_name).toBe('InvalidTopicError');
    expect(out.configs['retention.ms']).toEqual({ value: '86400000', source_or_default: 1 });
    expect(out.configs['cleanup.policy']).toEqual({ value: 'delete', source_or_default: 5 });
    expect(out.offsets).toEqual([0, 1, 2, 3, 4, 5]);
    expect(out.from3).toEqual([
      [3, 'k3', 'v3', [['h', '3']]],
      [4, 'k4', 'v4', [['h', '4']]],
      [5, 'k5', 'v5', [['h', '5']]],
    ]);
    expect(out.by_time).toEqual([2, 2000]);
    expect(out.after_last).toBeNull();
    expect(out.begin_end).toEqual([0, 6]);
    expect(out.partitions).toEqual([0, 1, 2]);
    expect(out.listed_after_delete).toBe(false);
    const lat = out.log_append_time;
    expect(lat.ack_timestamp).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(lat.record).toEqual([lat.ack_timestamp, 1, 'stamped']);
  });

  it('kafka-python 2.0.2 takes the broker for the newest it knows, 2.5 (it probes DescribeAcls v2), as Kafka 4.x', () => {
    expect(kafkaPython.api_version).toEqual([2, 5, 0]);
  });

  it('confluent-kafka-python produces every codec and consumes, looks up and administers', async () => {
    const topic = unique('confluent');
    const out = await python('confluent_client.py', [target.bootstrap, topic]);
    expect(out.create).toEqual({ [topic]: 'ok' });
    expect(out.create_again).toEqual({ [topic]: 'TOPIC_ALREADY_EXISTS' });
    expect(out.create_bad_config).toEqual({ [`${topic}-bad`]: 'INVALID_CONFIG' });
    expect(Object.values(out.alter)).toEqual(['ok']);
    expect(out.configs['retention.bytes']).toEqual({ value: '1000000', source: 1, is_default: false });
    // AlterConfigs replaced the overrides: the one given at creation is back to its default.
    expect(out.configs['message.timestamp.type']).toEqual({ value: 'CreateTime', source: 5, is_default: true });
    expect(out.delivered).toEqual(Array.from({ length: 10 }, (_, i) => [null, i]));
    expect(out.from4).toEqual(
      ['snappy', 'lz4', 'zstd'].flatMap((codec, i) => [
        [4 + i * 2, `${codec}-0`, String(4 + i * 2), [['codec', codec]]],
        [5 + i * 2, `${codec}-1`, String(5 + i * 2), [['codec', codec]]],
      ]),
    );
    expect(out.by_time).toBe(3);
    expect(out.watermarks).toEqual([0, 10]);
    expect(out.delete).toEqual({ [topic]: 'ok' });
    expect(out.topics_after).toBe(false);
  });

  it('confluent-kafka-python transactions: abort, commit with send_offsets_to_transaction, read_committed, fencing', async () => {
    const topic = unique('pytxn');
    const out = await python('confluent_txn.py', [target.bootstrap, topic, unique('pytxn-id'), unique('pytxn-group')]);
    // The staged offset is unstable (UNSTABLE_OFFSET_COMMIT, retried) until the transaction commits.
    expect(out.committed_before).toBe('_TIMED_OUT');
    expect(out.committed_after).toBe(42);
    expect(out.read_committed).toEqual(['c1', 'c2']);
    expect(out.read_uncommitted).toEqual(['a1', 'a2', 'c1', 'c2']);
    expect(out.zombie_commit).toEqual({ name: '_FENCED', fatal: true });
    expect(out.after_fence).toEqual(['c1', 'c2', 'live']);
  });
});
