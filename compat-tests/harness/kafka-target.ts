/**
 * Where a Kafka compat test sends its clients: a spawned Tandem, or — when TANDEM_KAFKA_ORACLE names
 * a real Apache Kafka broker's bootstrap address — that broker. The same test then proves a
 * behaviour on both (see scripts/oracle). Tests that need Tandem itself (the manual clock, admin
 * routes, restarts) use `tandemOnly` instead of `describe` and say why.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Admin, ITopicConfig } from 'kafkajs';
import { Emulator, type EmulatorOptions } from './emulator.js';

/** Bootstrap address of the real Kafka broker for the oracle pass, if this is one. */
export const ORACLE: string | undefined = process.env.TANDEM_KAFKA_ORACLE || undefined;

export interface KafkaTarget {
  /** host:port for clients' bootstrap list. */
  readonly bootstrap: string;
  /** True when this is the real Kafka broker. */
  readonly oracle: boolean;
  /** The spawned Tandem, when not the oracle (for its SQS endpoint, clock, restarts). */
  readonly emulator: Emulator | undefined;
  stop(): Promise<void>;
}

/** Start a Tandem for this test file, or use the oracle broker (already running, shared by every file). */
export async function startKafkaTarget(opts: EmulatorOptions = {}): Promise<KafkaTarget> {
  if (ORACLE) return { bootstrap: ORACLE, oracle: true, emulator: undefined, stop: async () => {} };
  const emulator = await Emulator.start(opts);
  return { bootstrap: emulator.kafkaBroker, oracle: false, emulator, stop: () => emulator.stop() };
}

/**
 * A topic or group name unique to this run: the oracle broker is shared by every test file of a
 * pass, so fixed names would collide.
 */
export function unique(name: string): string {
  return ORACLE ? `${name}-${randomBytes(4).toString('hex')}` : name;
}

/** `describe` for suites that need Tandem itself; skipped in the oracle pass. */
export const tandemOnly: jest.Describe = ORACLE ? describe.skip : describe;

/**
 * kafkajs `admin.createTopics`, returning once every partition of the new topics takes writes.
 * Real Kafka (KRaft) answers CreateTopics when its controller has committed the topics; the broker
 * learns of them, and becomes each partition's leader, a moment later. Until then kafkajs's own
 * wait for leaders fails with UNKNOWN_TOPIC_OR_PARTITION, and a produce refused for one partition
 * is re-sent by kafkajs for all of them (duplicates). Tandem's topics are ready at once.
 */
export async function createTopics(admin: Admin, topics: ITopicConfig[]): Promise<boolean> {
  const created = await admin.createTopics({ topics, waitForLeaders: false });
  for (const t of topics) await topicReady(admin, t.topic, t.numPartitions);
  return created;
}

/**
 * The first answer of `fetch` that satisfies `ok` (a rejection counts as not yet). Real Kafka
 * applies an acknowledged topic creation, deletion or config change to what its broker answers a
 * moment later, and announces no event for it, so this polls; Tandem's first answer already holds.
 * A broker that never gets there fails the test by its timeout.
 */
export async function eventually<T>(fetch: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (;;) {
    const got = await fetch().then(
      (value) => ({ value }),
      () => undefined,
    );
    if (got && ok(got.value)) return got.value;
    await delay(20);
  }
}

/**
 * Resolve once `topic` has `partitions` partitions (any, if not given) that all answer ListOffsets,
 * which Kafka serves only from a partition's leader. Used after creating topics or partitions.
 */
export async function topicReady(admin: Admin, topic: string, partitions?: number): Promise<void> {
  await eventually(
    () => admin.fetchTopicOffsets(topic),
    (offsets) => offsets.length > 0 && (partitions === undefined || partitions < 0 || offsets.length === partitions),
  );
}

/** kafkajs `admin.deleteTopics`, returning once the broker's metadata no longer lists them (see createTopics). */
export async function deleteTopics(admin: Admin, topics: string[]): Promise<void> {
  await admin.deleteTopics({ topics });
  await eventually(
    () => admin.listTopics(),
    (listed) => !listed.some((t) => topics.includes(t)),
  );
}
