/**
 * Client quotas and log dirs through @platformatic/kafka's admin client (with the raw wire for
 * Kafka's exact error messages): quotas set, described with each filter kind, validate-only,
 * removed; refused entities and values; quotas surviving a restart (Tandem only: the oracle cannot
 * be restarted by a test); DescribeLogDirs listing a topic's partitions with their sizes. Every
 * other assertion also holds on the real Kafka oracle (scripts/test-oracle.sh).
 */
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { eventually, startKafkaTarget, tandemOnly, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IN_MEMORY } from '../harness/emulator.js';

const EXACT = 0;
const DEFAULT = 1;
const ANY = 2;

type Entry = { entity: { entityType: string; entityName: string | null }[]; values: { key: string; value: number }[] };

/** Entries as sorted strings, so the comparison does not depend on Kafka's (hash) order. */
const shown = (entries: Entry[]) =>
  entries
    .map((e) => `${e.entity.map((p) => `${p.entityType}=${p.entityName}`).sort().join(',')}: ${e.values.map((v) => `${v.key}=${v.value}`).sort().join(',')}`)
    .sort();

describe('client quotas and log dirs', () => {
  let target: KafkaTarget;
  let admin: Admin;
  let raw: RawClient;
  const user = unique('quota-user');
  const client = unique('quota-client');

  beforeAll(async () => {
    target = await startKafkaTarget();
    admin = new Admin({ clientId: 'quotas', bootstrapBrokers: [target.bootstrap] });
    raw = await RawClient.connectTo(target.bootstrap);
  });
  afterAll(async () => {
    raw.close();
    await admin.close();
    await target.stop();
  });

  const describeMine = async () =>
    shown(
      ((await admin.describeClientQuotas({ components: [{ entityType: 'user', matchType: ANY }] })) as Entry[]).filter((e) =>
        e.entity.some((p) => p.entityType === 'user' && (p.entityName === user || p.entityName === null)),
      ),
    );

  it('stores quotas and describes them with exact, default and any filters, strict or not', async () => {
    await admin.alterClientQuotas({
      entries: [
        { entities: [{ entityType: 'user', entityName: user }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }, { key: 'request_percentage', value: 12.5, remove: false }] },
        { entities: [{ entityType: 'user', entityName: user }, { entityType: 'client-id', entityName: client }], ops: [{ key: 'consumer_byte_rate', value: 2048, remove: false }] },
        { entities: [{ entityType: 'user', entityName: null }], ops: [{ key: 'consumer_byte_rate', value: 4096, remove: false }] },
      ],
    });
    const all = [`client-id=${client},user=${user}: consumer_byte_rate=2048`, `user=${user}: producer_byte_rate=1024,request_percentage=12.5`, 'user=null: consumer_byte_rate=4096'].sort();
    expect(await eventually(describeMine, (d) => d.length === 3)).toEqual(all);

    const exact = (await admin.describeClientQuotas({ components: [{ entityType: 'user', matchType: EXACT, match: user }] })) as Entry[];
    expect(shown(exact)).toEqual([`client-id=${client},user=${user}: consumer_byte_rate=2048`, `user=${user}: producer_byte_rate=1024,request_percentage=12.5`].sort());
    const strict = (await admin.describeClientQuotas({ components: [{ entityType: 'user', matchType: EXACT, match: user }], strict: true })) as Entry[];
    expect(shown(strict)).toEqual([`user=${user}: producer_byte_rate=1024,request_percentage=12.5`]);
    const defaults = (await admin.describeClientQuotas({ components: [{ entityType: 'user', matchType: DEFAULT }], strict: true })) as Entry[];
    expect(shown(defaults)).toEqual(['user=null: consumer_byte_rate=4096']);
    const both = (await admin.describeClientQuotas({ components: [{ entityType: 'user', matchType: ANY }, { entityType: 'client-id', matchType: EXACT, match: client }] })) as Entry[];
    expect(shown(both)).toEqual([`client-id=${client},user=${user}: consumer_byte_rate=2048`]);

    // validateOnly changes nothing; removing the last value removes the entity.
    await admin.alterClientQuotas({ entries: [{ entities: [{ entityType: 'user', entityName: user }], ops: [{ key: 'producer_byte_rate', value: 1, remove: false }] }], validateOnly: true });
    await admin.alterClientQuotas({
      entries: [
        { entities: [{ entityType: 'user', entityName: null }], ops: [{ key: 'consumer_byte_rate', remove: true }] },
        { entities: [{ entityType: 'user', entityName: user }, { entityType: 'client-id', entityName: client }], ops: [{ key: 'consumer_byte_rate', remove: true }] },
      ],
    });
    expect(await eventually(describeMine, (d) => d.length === 1)).toEqual([`user=${user}: producer_byte_rate=1024,request_percentage=12.5`]);
  });

  it('refuses what Kafka refuses, entry by entry, with its messages', async () => {
    const alter = async (entity: Entry['entity'], key: string, value: number) =>
      (await raw.call(49, 1, { entries: [{ entity, ops: [{ key, value, remove: false }] }], validateOnly: true })).body.entries[0];
    const u = [{ entityType: 'user', entityName: user }];
    expect(await alter([{ entityType: 'group', entityName: 'g' }], 'producer_byte_rate', 1)).toMatchObject({ errorCode: 42, errorMessage: 'Unhandled client quota entity type: group' });
    expect(await alter(u, 'bogus_rate', 1)).toMatchObject({ errorCode: 42, errorMessage: 'Invalid configuration key bogus_rate' });
    expect(await alter(u, 'connection_creation_rate', 1)).toMatchObject({ errorCode: 42, errorMessage: 'Invalid configuration key connection_creation_rate' });
    expect(await alter(u, 'producer_byte_rate', 10.5)).toMatchObject({ errorCode: 42, errorMessage: 'producer_byte_rate cannot be a fractional value.' });
    expect(await alter(u, 'producer_byte_rate', -5)).toMatchObject({ errorCode: 42, errorMessage: 'Quota producer_byte_rate must be greater than 0' });
    expect(await alter([], 'producer_byte_rate', 1)).toMatchObject({ errorCode: 42, errorMessage: 'Invalid empty client quota entity' });
    expect(await alter([{ entityType: 'ip', entityName: '10.0.0.1' }, ...u], 'connection_creation_rate', 1)).toMatchObject({
      errorCode: 42,
      errorMessage: 'Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId',
    });
    expect(await alter([{ entityType: 'ip', entityName: 'not a host!' }], 'connection_creation_rate', 1)).toMatchObject({ errorCode: 42, errorMessage: 'not a host! is not a valid IP or resolvable host.' });
    expect(await alter([{ entityType: 'ip', entityName: '10.0.0.1' }], 'connection_creation_rate', 5)).toMatchObject({ errorCode: 0 });

    const describe = async (components: object[]) => (await raw.call(48, 1, { components, strict: false })).body;
    expect(await describe([{ entityType: 'user', matchType: EXACT, match: null }])).toMatchObject({ errorCode: 42, errorMessage: 'Request specified MATCH_TYPE_EXACT, but set match string to null.', entries: null });
    expect(await describe([{ entityType: 'user', matchType: DEFAULT, match: 'x' }])).toMatchObject({ errorCode: 42, errorMessage: 'Request specified MATCH_TYPE_DEFAULT, but also specified a match string.' });
    expect(await describe([{ entityType: 'user', matchType: ANY, match: null }, { entityType: 'user', matchType: ANY, match: null }])).toMatchObject({
      errorCode: 42,
      errorMessage: 'Entity type user cannot appear more than once in the filter.',
    });
    expect(await describe([{ entityType: 'group', matchType: ANY, match: null }])).toMatchObject({ errorCode: 35, errorMessage: 'Unsupported entity type group' });
  });

  it('describes the log dir with each partition and its size', async () => {
    const topic = unique('logdirs');
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    const producer = new Producer({ clientId: 'logdirs-p', bootstrapBrokers: [target.bootstrap], serializers: stringSerializers });
    await producer.send({ messages: [{ topic, value: 'x'.repeat(100), partition: 1 }] });
    await producer.close();
    const dirs = await eventually(
      () => admin.describeLogDirs({ topics: [{ name: topic, partitions: [0, 1, 7] }] }),
      (d) => d[0]?.results[0]?.topics[0]?.partitions.some((p) => p.partitionSize > 0n) ?? false,
    );
    expect(dirs).toHaveLength(1);
    const [dir] = dirs[0].results;
    expect(dir.logDir).toEqual(expect.any(String));
    if (IN_MEMORY) {
      // --in-memory has no file system to measure: -1, Kafka's "unknown".
      expect([dir.totalBytes, dir.usableBytes]).toEqual([-1n, -1n]);
    } else {
      expect(dir.totalBytes).toBeGreaterThan(0n);
      expect(dir.usableBytes).toBeGreaterThan(0n);
      expect(dir.usableBytes).toBeLessThanOrEqual(dir.totalBytes);
    }
    expect(dir.topics).toHaveLength(1);
    const parts = [...dir.topics[0].partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);
    expect(parts.map((p) => [p.partitionIndex, p.partitionSize > 0n, p.offsetLag, p.isFutureKey])).toEqual([
      [0, false, 0n, false],
      [1, true, 0n, false],
    ]);
  });
});

tandemOnly('client quotas across a restart (Tandem only: a test cannot restart the oracle)', () => {
  it('keeps stored quotas', async () => {
    // Its own data dir, also in the in-memory pass: the test restarts on it.
    const target = await startKafkaTarget({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'tandem-quotas-')) });
    let emu = target.emulator!;
    try {
      const admin = new Admin({ clientId: 'quotas-r', bootstrapBrokers: [emu.kafkaBroker] });
      await admin.alterClientQuotas({ entries: [{ entities: [{ entityType: 'client-id', entityName: 'kept' }], ops: [{ key: 'producer_byte_rate', value: 999, remove: false }] }] });
      await admin.close();
      emu = await emu.restart();
      const again = new Admin({ clientId: 'quotas-r2', bootstrapBrokers: [emu.kafkaBroker] });
      expect(shown((await again.describeClientQuotas({ components: [] })) as Entry[])).toEqual(['client-id=kept: producer_byte_rate=999']);
      await again.close();
    } finally {
      await emu.stop();
    }
  });
});
