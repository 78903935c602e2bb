/**
 * ACL enforcement (`--kafka-authorizer` with SASL users), with real clients over real sockets:
 * kafkajs, kcat and confluent-kafka (librdkafka). alice holds WRITE and READ on the topic prefix
 * `sales-` and READ on the group `sales-app`, with a DENY WRITE on `sales-locked`; bob holds
 * nothing; admin is a super user (`--kafka-super-users`) who creates the topics and bindings.
 * A Produce for an allowed and a denied topic writes the one and refuses the other. The last
 * suite has no SASL: the client is User:ANONYMOUS, and --kafka-allow-everyone-if-no-acl-found
 * opens what no binding covers.
 *
 * Tandem-only: the oracle broker of scripts/oracle is one PLAINTEXT listener without an authorizer
 * shared by every test file; it cannot also run with these users and ACLs.
 */
import { AclOperationTypes as Op, AclPermissionTypes as Perm, AclResourceTypes as RT, Kafka, logLevel, ResourcePatternTypes as Pattern, type SASLOptions } from 'kafkajs';
import path from 'node:path';
import { Emulator } from '../harness/emulator.js';
import { KCAT, repoRoot, run } from '../harness/kafka-clients.js';
import { tandemOnly } from '../harness/kafka-target.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';

const USERS = 'admin:admin-secret,alice:alice-secret,bob:bob-secret';
const VENV_PYTHON = path.join(repoRoot(), '.venv', 'bin', 'python');
const SCRIPT = path.join(repoRoot(), 'compat-tests', 'security', 'kafka_acl_enforce.py');

const kafka = (user: string) =>
  new Kafka({ clientId: `acl-${user}`, brokers: [emu.kafkaBroker], sasl: { mechanism: 'scram-sha-256', username: user, password: `${user}-secret` } as SASLOptions, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3000 });
const kcat = (user: string) => ['-b', emu.kafkaBroker, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', `sasl.username=${user}`, '-X', `sasl.password=${user}-secret`];
type KafkaError = Error & { type?: string; cause?: { type?: string } };
/** The Kafka error name kafkajs reports: on the error, or on the protocol error it wraps (retries: 0). */
const kind = (e: unknown): string => (e as KafkaError).type ?? (e as KafkaError).cause?.type ?? (e as Error).message;
const failure = <T>(p: Promise<T>): Promise<string | undefined> => p.then(() => undefined, kind);

let emu: Emulator;

async function send(user: string, topic: string): Promise<void> {
  const producer = kafka(user).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value: `${user} was here` }] });
  } finally {
    await producer.disconnect();
  }
}

/** kafkajs consumer in `groupId`: the first value read, or the error the consumer crashed with. */
async function consumeOne(user: string, topic: string, groupId: string): Promise<string> {
  const consumer = kafka(user).consumer({ groupId, retry: { retries: 0 } });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<string>((resolve) => {
      consumer.on(consumer.events.CRASH, (e) => resolve(`crash:${kind(e.payload.error)}`));
      consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) }).catch((e: unknown) => resolve(`crash:${kind(e)}`));
    });
  } catch (e) {
    return `error:${kind(e)}`;
  } finally {
    await consumer.disconnect();
  }
}

tandemOnly('ACL enforcement with SASL users', () => {
  beforeAll(async () => {
    emu = await Emulator.start({ args: ['--kafka-sasl-users', USERS, '--kafka-authorizer', '--kafka-super-users', 'User:admin'] });
    const admin = kafka('admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: ['sales-orders', 'sales-locked', 'sales-kcat', 'hr-salaries'].map((topic) => ({ topic })) });
    const acl = (resourceType: number, resourceName: string, resourcePatternType: number, operation: number, permissionType: number = Perm.ALLOW) => ({ resourceType, resourceName, resourcePatternType, principal: 'User:alice', host: '*', operation, permissionType });
    await admin.createAcls({
      acl: [
        acl(RT.TOPIC, 'sales-', Pattern.PREFIXED, Op.WRITE),
        acl(RT.TOPIC, 'sales-', Pattern.PREFIXED, Op.READ),
        acl(RT.GROUP, 'sales-app', Pattern.LITERAL, Op.READ),
        acl(RT.TOPIC, 'sales-locked', Pattern.LITERAL, Op.WRITE, Perm.DENY),
      ] as never,
    });
    await admin.disconnect();
  });
  afterAll(async () => emu?.stop());

  it('kafkajs: alice produces and consumes in her group; bob is refused the topic, alice another group', async () => {
    await send('alice', 'sales-orders');
    expect(await consumeOne('alice', 'sales-orders', 'sales-app')).toBe('alice was here');
    expect(await failure(send('bob', 'sales-orders'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await consumeOne('bob', 'sales-orders', 'sales-app')).toBe('error:TOPIC_AUTHORIZATION_FAILED');
    // alice may read the topic but not this group. kafkajs reports every FindCoordinator error as
    // not finding the coordinator; what the broker said (GROUP_AUTHORIZATION_FAILED) is checked
    // with confluent-kafka below.
    expect(await consumeOne('alice', 'sales-orders', 'other-app')).toBe('crash:Failed to find group coordinator');
  });

  it('kafkajs: a DENY overrides the prefixed ALLOW; a topic outside the prefix is refused', async () => {
    expect(await failure(send('alice', 'sales-locked'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await failure(send('alice', 'hr-salaries'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    // One Produce request for both topics: the allowed partition is written, the denied one refused.
    const admin = kafka('admin').admin();
    await admin.connect();
    const end = async (topic: string) => (await admin.fetchTopicOffsets(topic))[0].high;
    const [orders, locked] = [await end('sales-orders'), await end('sales-locked')];
    const producer = kafka('alice').producer();
    await producer.connect();
    const batch = failure(producer.sendBatch({ topicMessages: ['sales-orders', 'sales-locked'].map((topic) => ({ topic, messages: [{ value: 'batch' }] })) }));
    expect(await batch).toBe('TOPIC_AUTHORIZATION_FAILED');
    await producer.disconnect();
    expect([await end('sales-orders'), await end('sales-locked')]).toEqual([String(Number(orders) + 1), locked]);
    await admin.disconnect();
    // The super user is never refused.
    await send('admin', 'sales-locked');
    await send('admin', 'hr-salaries');
  });

  it('Metadata hides topics: kcat -L lists what each user may describe', async () => {
    const listed = async (user: string) => ((JSON.parse(await run(KCAT, [...kcat(user), '-L', '-J'], { timeoutMs: 30_000 })) as { topics: { topic: string }[] }).topics.map((t) => t.topic).sort());
    expect(await listed('admin')).toEqual(['hr-salaries', 'sales-kcat', 'sales-locked', 'sales-orders']);
    expect(await listed('alice')).toEqual(['sales-kcat', 'sales-locked', 'sales-orders']);
    expect(await listed('bob')).toEqual([]);
  });

  it('kcat: alice produces and consumes, bob\'s delivery fails with Topic authorization failed', async () => {
    await run(KCAT, [...kcat('alice'), '-t', 'sales-kcat', '-P'], { input: 'via kcat\n', timeoutMs: 30_000 });
    const out = await run(KCAT, [...kcat('alice'), '-t', 'sales-kcat', '-C', '-o', 'beginning', '-c', '1', '-q'], { timeoutMs: 30_000 });
    expect(out.trim()).toBe('via kcat');
    const bob = await run(KCAT, [...kcat('bob'), '-t', 'sales-kcat', '-P'], { input: 'from bob\n', timeoutMs: 30_000 }).then(
      (o) => o,
      (e: Error) => e.message,
    );
    expect(bob).toMatch(/Topic authorization failed/i);
  });

  it('confluent-kafka: authorized operations of topic, cluster and group, and produce errors', async () => {
    const py = (user: string, topic: string) => pythonJsonWith(VENV_PYTHON, [SCRIPT, emu.kafkaBroker, user, `${user}-secret`, topic, 'sales-app']);
    expect(await py('alice', 'sales-orders')).toEqual({ topic: ['DESCRIBE', 'READ', 'WRITE'], cluster: [], group: ['DESCRIBE', 'READ'], produce: null });
    expect(await py('alice', 'sales-locked')).toEqual({ topic: ['DESCRIBE', 'READ'], cluster: [], group: ['DESCRIBE', 'READ'], produce: 'TOPIC_AUTHORIZATION_FAILED' });
    // librdkafka's describe_cluster is a Metadata request: it is not refused, it reports no operations.
    const bob = await py('bob', 'sales-orders');
    expect(bob).toMatchObject({ topic: 'error:TOPIC_AUTHORIZATION_FAILED', cluster: [], group: 'error:GROUP_AUTHORIZATION_FAILED', produce: 'TOPIC_AUTHORIZATION_FAILED' });
    const admin = await py('admin', 'sales-orders');
    expect(admin).toMatchObject({ topic: ['ALTER', 'ALTER_CONFIGS', 'CREATE', 'DELETE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'READ', 'WRITE'], produce: null });
    expect(admin.cluster).toContain('ALTER');
  });
});

async function pythonJsonWith(python: string, args: string[]): Promise<any> {
  const out = await run(python, args, { timeoutMs: 90_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

tandemOnly('ACL enforcement without SASL: User:ANONYMOUS, allow.everyone.if.no.acl.found', () => {
  let plain: Emulator;
  beforeAll(async () => {
    plain = await Emulator.start({ args: ['--kafka-authorizer', '--kafka-allow-everyone-if-no-acl-found'] });
  });
  afterAll(async () => plain?.stop());

  it('opens what no ACL covers to everyone; a binding on a topic closes it to the others', async () => {
    const client = new Kafka({ clientId: 'anon', brokers: [plain.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = client.admin();
    await admin.connect();
    // No ACL covers the cluster or these topics: the anonymous client may create and write.
    await admin.createTopics({ topics: [{ topic: 'open' }, { topic: 'closed' }] });
    await admin.createAcls({ acl: [{ resourceType: RT.TOPIC, resourceName: 'closed', resourcePatternType: Pattern.LITERAL, principal: 'User:someone', host: '*', operation: Op.ALL, permissionType: Perm.ALLOW }] as never });
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: 'open', messages: [{ value: 'v' }] });
    expect(await failure(producer.send({ topic: 'closed', messages: [{ value: 'v' }] }))).toBe('TOPIC_AUTHORIZATION_FAILED');
    await producer.disconnect();
    expect((await admin.listTopics()).sort()).toEqual(['open']);
    await admin.disconnect();
  });

  it('OffsetCommit v10 names topics by id only: the id is authorized as its topic (a closed topic stays closed)', async () => {
    const raw = await RawClient.connectTo(plain.kafkaBroker);
    try {
      // CreateTopics v7 answers each topic's id; no ACL covers the cluster, so the anonymous client may create.
      const created = (await raw.call(19, 7, { topics: ['open-by-id', 'closed-by-id'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 5000, validateOnly: false })).body;
      const id = (name: string): string => created.topics.find((t: { name: string }) => t.name === name).topicId;
      const admin = new Kafka({ clientId: 'anon-acl', brokers: [plain.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
      await admin.connect();
      await admin.createAcls({ acl: [{ resourceType: RT.TOPIC, resourceName: 'closed-by-id', resourcePatternType: Pattern.LITERAL, principal: 'User:someone', host: '*', operation: Op.ALL, permissionType: Perm.ALLOW }] as never });
      await admin.disconnect();
      const ids = new Map([['open', id('open-by-id')]]);
      const closedId = id('closed-by-id');
      const body = (await raw.call(8, 10, {
        groupId: 'anon-group', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
        topics: [
          { topicId: ids.get('open'), partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] },
          { topicId: closedId, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] },
        ],
      })).body;
      const byId = new Map(body.topics.map((t: { topicId: string; partitions: { errorCode: number }[] }) => [t.topicId, t.partitions[0].errorCode]));
      expect([byId.get(ids.get('open')!), byId.get(closedId)]).toEqual([0, 29]);
    } finally {
      raw.socket.destroy();
    }
  });
});
