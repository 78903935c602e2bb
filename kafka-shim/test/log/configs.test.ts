// The topic config table's rules and the dynamic broker configs, in process: the cases the
// compat tests do not reach over the wire (value normalisation, Java's double formatting in
// messages, throttled-replica lists, per-broker over cluster-wide values, reload after reopen).
import { ErrorCode, KafkaError } from '../../src/errors.js';
import { effective, TOPIC_CONFIGS, validateConfigs } from '../../src/log/configs.js';
import { topicConfigEntries } from '../../src/log/describe.js';
import { TestLog } from './fixtures.js';

const refusal = (name: string, value: string) => {
  try {
    validateConfigs([[name, value]]);
  } catch (err) {
    return [(err as KafkaError).code, (err as KafkaError).message];
  }
  return 'accepted';
};

test('values are checked as Kafka 4 checks them, with its messages', () => {
  expect(validateConfigs([['retention.ms', ' 1000 '], ['cleanup.policy', 'delete, compact'], ['preallocate', 'TRUE']])).toEqual(
    new Map([['retention.ms', '1000'], ['cleanup.policy', 'delete,compact'], ['preallocate', 'true']]),
  );
  expect(refusal('cleanup.policy', '')).toBe('accepted');
  expect(refusal('min.cleanable.dirty.ratio', '-3')).toEqual([ErrorCode.INVALID_CONFIG, 'Invalid value -3.0 for configuration min.cleanable.dirty.ratio: Value must be at least 0']);
  expect(refusal('min.cleanable.dirty.ratio', '2147483648')).toEqual([ErrorCode.INVALID_CONFIG, 'Invalid value 2.147483648E9 for configuration min.cleanable.dirty.ratio: Value must be no more than 1']);
  expect(refusal('leader.replication.throttled.replicas', '*')).toBe('accepted');
  expect(refusal('leader.replication.throttled.replicas', '0:1,1:1')).toBe('accepted');
  expect(refusal('leader.replication.throttled.replicas', 'delete,compact')).toEqual([
    ErrorCode.INVALID_CONFIG,
    "Invalid value [delete, compact] for configuration leader.replication.throttled.replicas: leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...",
  ]);
  expect(refusal('compression.zstd.level', '-131072')).toBe('accepted');
  expect(refusal('compression.zstd.level', '23')).toEqual([ErrorCode.INVALID_CONFIG, 'Invalid value 23 for configuration compression.zstd.level: Value must be no more than 22']);
  expect(refusal('message.downconversion.enable', 'true')).toEqual([ErrorCode.INVALID_CONFIG, 'Unknown topic config name: message.downconversion.enable']);
  // Every default passes its own rule.
  for (const [name, def] of TOPIC_CONFIGS) if (name !== 'internal.segment.bytes') expect([name, def.validate(def.default)]).toEqual([name, def.default]);
});

test('internal.segment.bytes overrides segment.bytes and is described only when set', () => {
  expect(effective(new Map([['internal.segment.bytes', '200']])).segmentBytes).toBe(200);
  expect(topicConfigEntries({ overrides: new Map() }).some((e) => e.name === 'internal.segment.bytes')).toBe(false);
  expect(topicConfigEntries({ overrides: new Map([['internal.segment.bytes', '200']]) }).find((e) => e.name === 'internal.segment.bytes')).toMatchObject({ value: '200', source: 1 });
});

test('dynamic broker configs: per broker over cluster default over Kafka default, kept across a reopen', async () => {
  let t = await TestLog.open();
  try {
    await t.log.createTopic('plain', 1, []);
    await t.log.createTopic('own', 1, [['max.message.bytes', '5000']]);
    const c = t.log.brokerConfigs;
    expect(() => c.validate(new Map([['num.partitions', '3']]))).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_REQUEST, message: 'Cannot update these configs dynamically: [num.partitions]' }));
    expect(c.validate(new Map([['my.custom.thing', 'x']]))).toEqual(new Map([['my.custom.thing', 'x']]));
    await t.log.setBrokerConfigs('', new Map([['message.max.bytes', '3000']]));
    expect(t.log.topic('plain')!.config.maxMessageBytes).toBe(3000);
    await t.log.setBrokerConfigs('1', new Map([['message.max.bytes', '2000']]));
    expect(t.log.topic('plain')!.config.maxMessageBytes).toBe(2000);
    expect(t.log.topic('own')!.config.maxMessageBytes).toBe(5000);
    t = await t.reopen();
    expect(t.log.topic('plain')!.config.maxMessageBytes).toBe(2000);
    const entry = topicConfigEntries(t.log.topic('plain')!, t.log.dynamicSynonyms).find((e) => e.name === 'max.message.bytes')!;
    expect(entry.synonyms.map((s) => [s.value, s.source])).toEqual([['2000', 2], ['3000', 3], ['1048588', 5]]);
    await t.log.setBrokerConfigs('1', new Map());
    expect(t.log.topic('plain')!.config.maxMessageBytes).toBe(3000);
  } finally {
    await t.destroy();
  }
});
