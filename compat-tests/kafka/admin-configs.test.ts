/**
 * Topic and broker configs through real admin clients (kafkajs, @platformatic/kafka) and, for the
 * exact error messages, the raw wire: the full Kafka 4.4 topic config set with its defaults and
 * types, creation with configs (and the ones Kafka 4 refuses, with its messages), AlterConfigs,
 * IncrementalAlterConfigs on a BROKER resource and what a topic then reports. Every assertion
 * also holds on the real Kafka oracle (scripts/test-oracle.sh); the one that changes a
 * cluster-wide limit and produces past it is Tandem-only (it would disturb the other test files
 * sharing the oracle broker).
 */
import { Admin as PlatformaticAdmin } from '@platformatic/kafka';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import type { Emulator } from '../harness/emulator.js';
import { createTopics, eventually, startKafkaTarget, tandemOnly, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Apache Kafka 4.4.0's topic configs: default value and DescribeConfigs configType. */
const KAFKA_4_TOPIC_DEFAULTS: Record<string, [string, number]> = {
  'cleanup.policy': ['delete', 7],
  'compression.gzip.level': ['-1', 3],
  'compression.lz4.level': ['9', 3],
  'compression.type': ['producer', 2],
  'compression.zstd.level': ['3', 3],
  'delete.retention.ms': ['86400000', 5],
  'errors.deadletterqueue.group.enable': ['false', 1],
  'file.delete.delay.ms': ['60000', 5],
  'flush.messages': ['9223372036854775807', 5],
  'flush.ms': ['9223372036854775807', 5],
  'follower.replication.throttled.replicas': ['', 7],
  'index.interval.bytes': ['4096', 3],
  'leader.replication.throttled.replicas': ['', 7],
  'local.retention.bytes': ['-2', 5],
  'local.retention.ms': ['-2', 5],
  'max.compaction.lag.ms': ['9223372036854775807', 5],
  'max.decompressed.message.bytes': ['2147483639', 3],
  'max.message.bytes': ['1048588', 3],
  'message.timestamp.after.max.ms': ['3600000', 5],
  'message.timestamp.before.max.ms': ['9223372036854775807', 5],
  'message.timestamp.type': ['CreateTime', 2],
  'min.cleanable.dirty.ratio': ['0.5', 6],
  'min.compaction.lag.ms': ['0', 5],
  'min.insync.replicas': ['1', 3],
  preallocate: ['false', 1],
  'remote.copy.lag.bytes': ['-1', 5],
  'remote.copy.lag.ms': ['0', 5],
  'remote.log.copy.disable': ['false', 1],
  'remote.log.delete.on.disable': ['false', 1],
  'remote.storage.enable': ['false', 1],
  'retention.bytes': ['-1', 5],
  'retention.ms': ['604800000', 5],
  'segment.bytes': ['1073741824', 3],
  'segment.index.bytes': ['10485760', 3],
  'segment.jitter.ms': ['0', 5],
  'segment.ms': ['604800000', 5],
  'unclean.leader.election.enable': ['false', 1],
};

const TOPIC = 2;
const BROKER = 4;
const Source = { TOPIC_CONFIG: 1, DYNAMIC_BROKER_CONFIG: 2, DYNAMIC_DEFAULT_BROKER_CONFIG: 3, DEFAULT_CONFIG: 5 };

describe('topic and broker configs', () => {
  let target: KafkaTarget;
  let admin: Admin;
  let padmin: PlatformaticAdmin;
  let raw: RawClient;
  /** The broker's node id (1 on Tandem and on the oracle). */
  let nodeId: string;

  beforeAll(async () => {
    target = await startKafkaTarget();
    admin = new Kafka({ clientId: 'configs', brokers: [target.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
    padmin = new PlatformaticAdmin({ clientId: 'configs-p', bootstrapBrokers: [target.bootstrap] });
    raw = await RawClient.connectTo(target.bootstrap);
    nodeId = String((await admin.describeCluster()).brokers[0].nodeId);
  });
  afterAll(async () => {
    raw.close();
    await padmin.close();
    await admin.disconnect();
    await target.stop();
  });

  const describeTopic = async (topic: string, configurationKeys: string[] | null, extra = {}) =>
    (await raw.call(32, 4, { resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys }], includeSynonyms: true, includeDocumentation: true, ...extra })).body.results[0];

  it('describes every Kafka 4 topic config, with defaults, types, synonyms and documentation; null and [] keys both mean all', async () => {
    const topic = unique('cfg-defaults');
    await createTopics(admin, [{ topic }]);
    const viaKafkajs = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
    const entries = viaKafkajs.resources[0].configEntries;
    expect(Object.fromEntries(entries.map((e) => [e.configName, e.configValue]))).toEqual(
      Object.fromEntries(Object.entries(KAFKA_4_TOPIC_DEFAULTS).map(([n, [v]]) => [n, v])),
    );
    expect(entries.every((e) => !e.readOnly && !e.isSensitive)).toBe(true);

    for (const keys of [null, []]) {
      const r = await describeTopic(topic, keys);
      expect(r.errorCode).toBe(0);
      const byName = new Map<string, any>(r.configs.map((c: any) => [c.name, c]));
      expect([...byName.keys()].sort()).toEqual(Object.keys(KAFKA_4_TOPIC_DEFAULTS).sort());
      for (const [name, [, type]] of Object.entries(KAFKA_4_TOPIC_DEFAULTS)) expect([name, byName.get(name).configType]).toEqual([name, type]);
      expect(byName.get('max.message.bytes')).toMatchObject({ configSource: Source.DEFAULT_CONFIG, synonyms: [{ name: 'message.max.bytes', value: '1048588', source: Source.DEFAULT_CONFIG }] });
      // A fresh Kafka 4 cluster holds min.insync.replicas as a cluster-wide dynamic default.
      expect(byName.get('min.insync.replicas')).toMatchObject({ configSource: Source.DYNAMIC_DEFAULT_BROKER_CONFIG });
      expect(byName.get('segment.bytes').documentation).toMatch(/segment file size for the log/);
    }
    const some = await describeTopic(topic, ['retention.ms', 'no.such.config'], { includeSynonyms: false, includeDocumentation: false });
    expect(some.configs.map((c: any) => [c.name, c.value, c.synonyms, c.documentation])).toEqual([['retention.ms', '604800000', [], null]]);
  });

  it('creates topics with the configs Kafka 4 accepts, and refuses the rest with its messages', async () => {
    const topic = unique('cfg-create');
    const configs = [
      { name: 'message.timestamp.before.max.ms', value: '86400000' },
      { name: 'message.timestamp.after.max.ms', value: '60000' },
      { name: 'segment.bytes', value: '1048576' },
      { name: 'min.insync.replicas', value: '1' },
      { name: 'compression.type', value: 'zstd' },
      { name: 'cleanup.policy', value: 'compact,delete' },
    ];
    const created = (await raw.call(19, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 30000, validateOnly: false })).body.topics[0];
    expect(created.errorCode).toBe(0);
    // v5+: the new topic's configs come back with the answer.
    const answered = new Map(created.configs.map((c: any) => [c.name, [c.value, c.configSource]]));
    expect(answered.get('compression.type')).toEqual(['zstd', Source.TOPIC_CONFIG]);
    expect(answered.get('retention.ms')).toEqual(['604800000', Source.DEFAULT_CONFIG]);
    expect(answered.size).toBe(Object.keys(KAFKA_4_TOPIC_DEFAULTS).length);

    const refused: [string, string, string][] = [
      ['message.timestamp.difference.max.ms', '1000', 'Unknown topic config name: message.timestamp.difference.max.ms'],
      ['message.format.version', '3.0', 'Unknown topic config name: message.format.version'],
      ['segment.bytes', '100', 'Invalid value 100 for configuration segment.bytes: Value must be at least 1048576'],
      ['compression.type', 'brotli', 'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer'],
      ['retention.ms', 'soon', 'Invalid value soon for configuration retention.ms: Not a number of type LONG'],
      ['max.message.bytes', '2147483648', 'Invalid value 2147483648 for configuration max.message.bytes: Not a number of type INT'],
      ['min.insync.replicas', '0', 'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1'],
      ['compression.gzip.level', '10', 'Invalid value 10 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1'],
      ['compression.lz4.level', '18', 'Invalid value 18 for configuration compression.lz4.level: Value must be no more than 17'],
      ['min.cleanable.dirty.ratio', '2', 'Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1'],
      ['preallocate', 'yes', 'Invalid value yes for configuration preallocate: Expected value to be either true or false'],
      ['cleanup.policy', 'compact,', "Configuration 'cleanup.policy' values must not be empty."],
      ['message.timestamp.type', 'NoTime', 'Invalid value NoTime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime'],
      ['remote.storage.enable', 'true', 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.'],
    ];
    const topics = refused.map(([name, value], i) => ({ name: `${topic}-bad${i}`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name, value }] }));
    const answer = (await raw.call(19, 7, { topics, timeoutMs: 30000, validateOnly: true })).body.topics;
    expect(answer.map((t: any) => [t.errorCode, t.errorMessage])).toEqual(refused.map(([, , message]) => [40, message]));

    // kafkajs sees the refusal as INVALID_CONFIG.
    const err: any = await admin.createTopics({ topics: [{ topic: `${topic}-kjs`, configEntries: [{ name: 'message.timestamp.difference.max.ms', value: '1000' }] }] }).catch((e) => e);
    const errors = err.errors ?? err.originalError?.errors ?? [err];
    expect(errors.map((e: any) => e.type)).toEqual(['INVALID_CONFIG']);
  });

  it('AlterConfigs replaces and IncrementalAlterConfigs edits a topic\'s overrides', async () => {
    const topic = unique('cfg-alter');
    await createTopics(admin, [{ topic, configEntries: [{ name: 'retention.ms', value: '1000' }] }]);
    await admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'segment.ms', value: '3600000' }] }], validateOnly: false });
    const overrides = async () => {
      const r = await describeTopic(topic, null, { includeSynonyms: false });
      return Object.fromEntries(r.configs.filter((c: any) => c.configSource === Source.TOPIC_CONFIG).map((c: any) => [c.name, c.value]));
    };
    expect(await eventually(overrides, (o) => o['segment.ms'] === '3600000')).toEqual({ 'segment.ms': '3600000' });
    await padmin.incrementalAlterConfigs({
      resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }, { name: 'segment.ms', configOperation: 1 }] }],
    });
    expect(await eventually(overrides, (o) => o['cleanup.policy'] !== undefined)).toEqual({ 'cleanup.policy': 'delete,compact' });
  });

  it('sets a dynamic broker config: validated as Kafka does, described with its synonyms, inherited by topics', async () => {
    const topic = unique('cfg-broker');
    await createTopics(admin, [{ topic }]);
    const alter = async (resourceName: string, name: string, configOperation: number, value: string | null, validateOnly = false) =>
      (await raw.call(44, 1, { resources: [{ resourceType: BROKER, resourceName, configs: [{ name, configOperation, value }] }], validateOnly })).body.responses[0];
    expect(await alter('', 'message.max.bytes', 0, 'abc', true)).toMatchObject({ errorCode: 42, errorMessage: 'Invalid value abc for configuration message.max.bytes: Not a number of type INT' });
    expect(await alter('', 'log.segment.bytes', 0, '100', true)).toMatchObject({ errorCode: 42, errorMessage: 'Invalid value 100 for configuration log.segment.bytes: Value must be at least 1048576' });
    expect(await alter('', 'num.partitions', 0, '3', true)).toMatchObject({ errorCode: 42, errorMessage: 'Cannot update these configs dynamically: [num.partitions]' });
    expect(await alter('7', 'message.max.bytes', 0, '3000', true)).toMatchObject({ errorCode: 42, errorMessage: `Unexpected broker id, expected ${nodeId}, but received 7` });

    // A harmless one (future timestamps allowed a little further), set on this broker, then removed.
    expect(await alter(nodeId, 'log.message.timestamp.after.max.ms', 0, '7200000')).toMatchObject({ errorCode: 0 });
    try {
      const broker = await eventually(
        async () => (await raw.call(32, 4, { resources: [{ resourceType: BROKER, resourceName: nodeId, configurationKeys: ['log.message.timestamp.after.max.ms', 'message.max.bytes'] }], includeSynonyms: true, includeDocumentation: false })).body.results[0],
        (r) => r.configs.some((c: any) => c.value === '7200000'),
      );
      const seen = Object.fromEntries(broker.configs.map((c: any) => [c.name, [c.value, c.configSource, c.readOnly, c.synonyms.map((s: any) => [s.value, s.source])]]));
      expect(seen).toEqual({
        'message.max.bytes': ['1048588', Source.DEFAULT_CONFIG, false, [['1048588', Source.DEFAULT_CONFIG]]],
        'log.message.timestamp.after.max.ms': ['7200000', Source.DYNAMIC_BROKER_CONFIG, false, [['7200000', Source.DYNAMIC_BROKER_CONFIG], ['3600000', Source.DEFAULT_CONFIG]]],
      });
      const t = await eventually(
        () => describeTopic(topic, ['message.timestamp.after.max.ms'], { includeDocumentation: false }),
        (r) => r.configs[0].value === '7200000',
      );
      expect(t.configs[0]).toMatchObject({ configSource: Source.DYNAMIC_BROKER_CONFIG, synonyms: [{ name: 'log.message.timestamp.after.max.ms', value: '7200000', source: Source.DYNAMIC_BROKER_CONFIG }, { name: 'log.message.timestamp.after.max.ms', value: '3600000', source: Source.DEFAULT_CONFIG }] });
    } finally {
      expect(await alter(nodeId, 'log.message.timestamp.after.max.ms', 1, null)).toMatchObject({ errorCode: 0 });
    }
  });

  it('answers BROKER_LOGGER as Kafka does: levels validated, root not removable, incremental SET/DELETE only', async () => {
    const LOGGER = 8;
    const inc = async (resourceName: string, name: string, configOperation: number, value: string | null) =>
      (await raw.call(44, 1, { resources: [{ resourceType: LOGGER, resourceName, configs: [{ name, configOperation, value }] }], validateOnly: true })).body.responses[0];
    expect(await inc(nodeId, 'kafka.server.ReplicaManager', 0, 'DEBUG')).toMatchObject({ errorCode: 0 });
    expect(await inc(nodeId, 'kafka.server.ReplicaManager', 0, 'LOUD')).toMatchObject({
      errorCode: 40,
      errorMessage: 'Cannot set the log level of kafka.server.ReplicaManager to LOUD as it is not a supported log level. Valid log levels are DEBUG, ERROR, FATAL, INFO, TRACE, WARN',
    });
    expect(await inc(nodeId, 'root', 1, null)).toMatchObject({ errorCode: 42, errorMessage: 'Removing the log level of the root logger is not allowed' });
    expect(await inc(nodeId, 'kafka.server.ReplicaManager', 2, 'DEBUG')).toMatchObject({ errorCode: 42, errorMessage: 'APPEND operation is not allowed for the BROKER_LOGGER resource' });
    expect(await inc('', 'kafka.server.ReplicaManager', 0, 'DEBUG')).toMatchObject({ errorCode: 42, errorMessage: 'Node id must be an integer, but it is: ' });
    expect(await inc('7', 'kafka.server.ReplicaManager', 0, 'DEBUG')).toMatchObject({ errorCode: 42, errorMessage: `Unexpected node id. Expected ${nodeId}, but received 7` });
    const legacy = (await raw.call(33, 2, { resources: [{ resourceType: LOGGER, resourceName: nodeId, configs: [{ name: 'root', value: 'DEBUG' }] }], validateOnly: true })).body.responses[0];
    expect(legacy).toMatchObject({ errorCode: 42, errorMessage: 'Unknown resource type 8' });
    const described = (await raw.call(32, 4, { resources: [{ resourceType: LOGGER, resourceName: nodeId, configurationKeys: ['root'] }], includeSynonyms: true, includeDocumentation: true })).body.results[0];
    expect(described.configs).toEqual([expect.objectContaining({ name: 'root', readOnly: false, configSource: 6, isSensitive: false, synonyms: [], configType: 0 })]);
    const empty = (await raw.call(32, 4, { resources: [{ resourceType: LOGGER, resourceName: '', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false })).body.results[0];
    expect(empty).toMatchObject({ errorCode: 42, errorMessage: 'Broker id must not be empty', configs: [] });
  });
});

tandemOnly('a dynamic broker config takes effect (Tandem only: on the shared oracle it would limit every test file)', () => {
  let target: KafkaTarget;
  let emu: Emulator;
  beforeAll(async () => {
    // Its own data dir, also in the in-memory pass: the test restarts on it.
    target = await startKafkaTarget({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'tandem-configs-')) });
    emu = target.emulator!;
  });
  afterAll(() => emu.stop());

  it('message.max.bytes set on the broker refuses larger batches on topics without their own limit, and survives a restart', async () => {
    const admin = new Kafka({ clientId: 'configs-effect', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
    await createTopics(admin, [{ topic: 'limited' }, { topic: 'own-limit', configEntries: [{ name: 'max.message.bytes', value: '100000' }] }]);
    await admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'message.max.bytes', value: '2000' }] }], validateOnly: false });
    await admin.disconnect();
    emu = await emu.restart();
    const producer = new Kafka({ clientId: 'configs-effect-p', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer();
    await producer.connect();
    const big = 'x'.repeat(5000);
    await expect(producer.send({ topic: 'limited', acks: -1, messages: [{ value: big }] })).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    await producer.send({ topic: 'own-limit', acks: -1, messages: [{ value: big }] });
    await producer.send({ topic: 'limited', acks: -1, messages: [{ value: 'small' }] });
    await producer.disconnect();
  });
});
