/**
 * @confluentinc/kafka-javascript (Confluent's Node client on librdkafka 2.15, pinned) through its
 * KafkaJS-compatible quick start: admin creates and lists a topic, a producer sends keyed records
 * with headers, a group consumer (`run`/`eachMessage`) reads them and commits, the next member of the
 * group resumes after the commit; errors for an existing topic and an invalid topic name. Also runs on
 * the real Kafka oracle (TANDEM_KAFKA_ORACLE). Its native addon is built by
 * scripts/setup/25-kafka-javascript.sh (the package's own install step cannot reach GitHub here).
 */
import ckjs from '@confluentinc/kafka-javascript';
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';

const { Kafka, logLevel } = ckjs.KafkaJS;
type Kafka = InstanceType<typeof Kafka>;
type Seen = [partition: number, offset: number, key: string, value: string, headers: [string, string][]];

/** Safety net against a consumer that never delivers; the assertions never depend on it. */
const WAIT_MS = 30_000;

/** Joins the group, reads `n` records, commits what it read, leaves; returns the records. */
async function consumeAndCommit(kafka: Kafka, topic: string, groupId: string, n: number): Promise<Seen[]> {
  const consumer = kafka.consumer({ kafkaJS: { groupId, fromBeginning: true, autoCommit: false } });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    const seen: Seen[] = [];
    const next = new Map<number, number>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, WAIT_MS);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const headers = Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)] as [string, string]);
            seen.push([partition, Number(message.offset), String(message.key), String(message.value), headers]);
            next.set(partition, Number(message.offset) + 1);
            if (seen.length === n) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await consumer.commitOffsets([...next].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })));
    return seen.sort();
  } finally {
    await consumer.disconnect();
  }
}

describe('@confluentinc/kafka-javascript (KafkaJS-compatible API)', () => {
  let target: KafkaTarget;
  let kafka: Kafka;
  let admin: ReturnType<Kafka['admin']>;
  let producer: ReturnType<Kafka['producer']>;
  const topic = unique('ckjs-orders');
  const group = unique('ckjs-group');

  beforeAll(async () => {
    target = await startKafkaTarget({ realClock: true });
    kafka = new Kafka({ kafkaJS: { brokers: [target.bootstrap], logLevel: logLevel.NOTHING } });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await target.stop();
  });

  it('admin creates and lists a topic; an existing topic is not created again; an invalid name is refused', async () => {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })).toBe(true);
    expect(await admin.listTopics()).toContain(topic);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })).toBe(false);
    const bad = await admin.createTopics({ topics: [{ topic: 'bad name!', numPartitions: 1 }] }).then(
      () => 'created',
      (e: any) => (e.errors ?? [e]).map((x: any) => [x.name, x.type, x.code]),
    );
    // Kafka's INVALID_TOPIC_EXCEPTION (17), under librdkafka's name for it.
    expect(bad).toEqual([['KafkaJSCreateTopicError', 'ERR_TOPIC_EXCEPTION', 17]]);
  });

  it('producer sends keyed records with headers and gets their offsets', async () => {
    const res = await producer.send({
      topic,
      messages: [0, 1, 2, 3].map((i) => ({ partition: i % 2, key: `k${i}`, value: `v${i}`, headers: { n: String(i) } })),
    });
    expect(res.map((r) => [r.partition, r.errorCode, Number(r.baseOffset ?? r.offset)]).sort()).toEqual([[0, 0, 0], [1, 0, 0]]);
  });

  it('a group consumer reads the records and commits; the next member resumes after the commit', async () => {
    expect(await consumeAndCommit(kafka, topic, group, 4)).toEqual([
      [0, 0, 'k0', 'v0', [['n', '0']]],
      [0, 1, 'k2', 'v2', [['n', '2']]],
      [1, 0, 'k1', 'v1', [['n', '1']]],
      [1, 1, 'k3', 'v3', [['n', '3']]],
    ]);
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(committed[0].partitions.map((p) => [p.partition, Number(p.offset)]).sort()).toEqual([[0, 2], [1, 2]]);

    await producer.send({ topic, messages: [{ partition: 1, key: 'late', value: 'after-commit' }] });
    expect(await consumeAndCommit(kafka, topic, group, 1)).toEqual([[1, 2, 'late', 'after-commit', []]]);
  }, 2 * WAIT_MS + 10_000);

  it('admin deletes the topic', async () => {
    await admin.deleteTopics({ topics: [topic] });
    // Kafka's brokers learn of a deletion from the controller shortly after answering DeleteTopics.
    for (let i = 0; i < 50 && (await admin.listTopics()).includes(topic); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await admin.listTopics()).not.toContain(topic);
  });
});
