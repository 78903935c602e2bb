/**
 * The Java client matrix, end to end: kafka-clients 4.x (plain, transactional, Kafka Streams exactly_once_v2), Spring Kafka (DefaultErrorHandler + DLT),
 * AWS SDK for Java v2 (SqsClient, SqsAsyncClient, its batch manager, FIFO) and Spring Cloud AWS (@SqsListener +
 * SqsTemplate), each run as a real JVM against Tandem (compat-tests/java, built by
 * scripts/setup/30-java.sh). Two JVMs in all — one per classpath, several scenarios each — because
 * a JVM start (and a Spring start) is the expensive part. Kafka scenarios go to startKafkaTarget(),
 * so they also run on the real Kafka oracle; SQS scenarios to a spawned Tandem.
 *
 * Real clock: the Java apps long-poll and Spring runs its own timers. Nothing asserts on timing.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Emulator, IN_MEMORY } from '../harness/emulator.js';
import { repoRoot } from '../harness/kafka-clients.js';
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';

const JAVA = '/usr/bin/java';
const MODULES = path.join(repoRoot(), 'compat-tests', 'java');
/** Only stops a hung JVM from hanging the suite; assertions never depend on it. */
const JVM_TIMEOUT_MS = 300_000;
/** C1 only and the serial collector: these short-lived JVMs start faster so. */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

type Results = Record<string, any>;

function classpath(module: 'clients' | 'spring'): string {
  const target = path.join(MODULES, module, 'target');
  const jar = path.join(target, `java-${module}.jar`);
  const deps = path.join(target, 'classpath.txt');
  if (!existsSync(jar) || !existsSync(deps)) {
    throw new Error(`${jar} or its classpath.txt is missing: run scripts/setup/30-java.sh`);
  }
  return `${jar}:${readFileSync(deps, 'utf8').trim()}`;
}

/** Run scenarios in one JVM; each prints one `{"scenario": name, ...}` line (Spring logs share stdout). */
function runJava(module: 'clients' | 'spring', main: string, scenarios: string[], args: Record<string, string>) {
  const argv = [...JVM_FLAGS, '-cp', classpath(module), main, scenarios.join(','),
    ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
  return new Promise<Results>((resolve, reject) => {
    execFile(JAVA, argv, { timeout: JVM_TIMEOUT_MS, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`java ${main} failed: ${err.message}\n${stderr}`));
      const results: Results = {};
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{"scenario"')) continue;
        const r = JSON.parse(line);
        results[r.scenario] = r;
      }
      resolve(results);
    });
  });
}

/** A scenario's results; its Java stack trace if it threw, so the failure says why. */
function scenario(all: Results, name: string): any {
  const r = all[name];
  if (!r) throw new Error(`scenario ${name} printed nothing`);
  if (r.error) throw new Error(`scenario ${name} threw:\n${r.error}`);
  return r;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('Java clients', () => {
  let kafka: KafkaTarget;
  let sqs: Emulator;
  let ownSqs = false;
  let plain: Results;
  let spring: Results;
  let args: Record<string, string>;
  const topic = unique('java-orders');
  const group = unique('java-group');
  const springTopic = unique('java-spring-orders');

  beforeAll(async () => {
    kafka = await startKafkaTarget({ realClock: true });
    ownSqs = kafka.emulator === undefined;
    sqs = kafka.emulator ?? (await Emulator.start({ realClock: true }));
    args = {
      bootstrap: kafka.bootstrap,
      topic,
      group,
      idempotentTopic: unique('java-idempotent'),
      adminTopic: unique('java-admin'),
      quotaUser: unique('java-quota-user'),
      txnInput: unique('java-txn-in'),
      txnOutput: unique('java-txn-out'),
      txnGroup: unique('java-txn-group'),
      txnId: unique('java-txn'),
      streamsInput: unique('java-streams-in'),
      streamsOutput: unique('java-streams-out'),
      streamsApp: unique('java-wordcount'),
      springTopic,
      springGroup: unique('java-spring-group'),
      endpoint: sqs.sqsEndpoint,
      queue: 'java',
    };
    [plain, spring] = await Promise.all([
      runJava('clients', 'tandem.compat.Main', ['kafka', 'kafka-idempotent', 'kafka-admin', 'kafka-transactional', 'kafka-streams-eos', 'sqs-sync', 'sqs-async', 'sqs-fifo', 'sqs-batch-manager'], args),
      runJava('spring', 'tandem.compat.spring.SpringMain', ['spring-kafka', 'spring-sqs'], args),
    ]);
  }, JVM_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    if (ownSqs) await sqs?.stop();
    await kafka?.stop();
  });

  describe('kafka-clients 4.x', () => {
    it('AdminClient creates, describes, lists and deletes a 3-partition topic; a second create is TopicExistsException', () => {
      const k = scenario(plain, 'kafka');
      expect(k.created).toBe(true);
      expect(k.describe).toEqual({
        name: topic,
        internal: false,
        partitions: [0, 1, 2].map((partition) => ({ partition, hasLeader: true, replicas: 1 })),
      });
      expect(k.listed).toBe(true);
      expect(k.createAgain).toBe('TopicExistsException');
      expect(k.describeMissing).toBe('UnknownTopicOrPartitionException');
      expect(k.listedAfterDelete).toBe(false);
    });

    it('AdminClient: Kafka 4 topic configs with synonyms and documentation, a BROKER config set and inherited, client quotas, log dirs', () => {
      const k = scenario(plain, 'kafka-admin');
      expect(k.topicConfigCount).toBe(37);
      expect(k.maxMessageBytes).toEqual({ value: '1048588', source: 'DEFAULT_CONFIG', readOnly: false, synonyms: ['message.max.bytes=1048588@DEFAULT_CONFIG'] });
      expect(k.segmentBytesType).toBe('INT');
      expect(k.retentionDocumented).toBe(true);
      const inherited = {
        value: '7200000',
        source: 'DYNAMIC_BROKER_CONFIG',
        readOnly: false,
        synonyms: ['log.message.timestamp.after.max.ms=7200000@DYNAMIC_BROKER_CONFIG', 'log.message.timestamp.after.max.ms=3600000@DEFAULT_CONFIG'],
      };
      expect(k.topicAfterBrokerSet).toEqual(inherited);
      expect(k.brokerEntry).toEqual(inherited);
      expect(k.badBrokerValue).toBe('InvalidRequestException: Invalid value -5 for configuration message.max.bytes: Value must be at least 0');
      expect(k.quotas).toEqual({ [`{user=${args.quotaUser}}`]: { producer_byte_rate: 1024, request_percentage: 12.5 } });
      // --in-memory has no file system to measure (total/usable bytes -1).
      expect([k.logDirCount, k.logDirHasTopic, k.logDirBytesKnown]).toEqual([1, true, !IN_MEMORY]);
    });

    it('AdminClient sets and describes a topic config (with its source) and adds a partition; shrinking is InvalidPartitionsException', () => {
      const k = scenario(plain, 'kafka');
      expect(k.retention).toEqual({ value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG' });
      expect(k.cleanupPolicy).toEqual({ value: 'delete', source: 'DEFAULT_CONFIG' });
      expect(k.partitionsAfterGrowth).toBe(4);
      expect(k.shrink).toBe('InvalidPartitionsException');
    });

    it('producer (default settings: idempotent) -> group consumer round trip with commitSync; a new member resumes after the commit; the empty group is described and listed', () => {
      const k = scenario(plain, 'kafka');
      const produced: { key: string; partition: number; offset: number }[] = k.produced;
      expect(produced.map((p) => p.key)).toEqual(Array.from({ length: 9 }, (_, i) => `key-${i}`));
      // Offsets are dense from 0 in each partition, in send order.
      const perPartition = new Map<number, number[]>();
      for (const p of produced) perPartition.set(p.partition, [...(perPartition.get(p.partition) ?? []), p.offset]);
      for (const offsets of perPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => i));

      // Every record comes back once, where the producer was told it went, with its value and header.
      const consumed = [...k.consumed].sort((a: any, b: any) => a.key.localeCompare(b.key));
      expect(consumed).toEqual(
        produced.map((p) => {
          const n = p.key.slice(4);
          return { partition: p.partition, offset: p.offset, key: p.key, value: `value-${n}`, header: n };
        }),
      );
      // commitSync committed the next offset of every partition.
      expect(k.committed).toEqual(Object.fromEntries([...perPartition].map(([p, offs]) => [String(p), offs.length])));

      const [later] = k.producedLater;
      expect(later.key).toBe('key-9');
      expect(later.offset).toBe(perPartition.get(later.partition)?.length ?? 0);
      expect(k.resumed).toEqual([
        { partition: later.partition, offset: later.offset, key: 'key-9', value: 'value-9', header: '9' },
      ]);
      expect(k.group).toEqual({ state: 'Empty', members: 0, type: 'Classic' });
      expect(k.groupListed).toBe(true);
      expect(k.clusterNodes).toBe(1);
    });

    // kafka-clients enables idempotence by default, so its first send asks for a producer id
    // (InitProducerId) and its batches carry sequence numbers the broker checks.
    it('producer with default settings (idempotent) produces', () => {
      const k = scenario(plain, 'kafka-idempotent');
      expect(k.idempotenceDefault).toBe('true');
      expect({ ok: k.ok, failure: k.failure, offset: k.offset }).toEqual({ ok: true, failure: undefined, offset: 2 });
    });

    it('exactly-once consume-transform-produce: read_committed consumer, transactional producer with sendOffsetsToTransaction, an aborted transaction re-read, fencing', () => {
      const k = scenario(plain, 'kafka-transactional');
      const words = Array.from({ length: 10 }, (_, i) => `w${i}`);
      expect(k.processed).toEqual(words);
      expect(k.abortedTransactions).toBe(1);
      expect(k.readCommitted).toEqual(words.map((w) => w.toUpperCase()));
      // The aborted transaction's records are in the log, skipped only by read_committed readers.
      expect(k.readUncommittedCount).toBe(20);
      expect(k.committedOffset).toBe(10);
      // Kafka 4.x finalizes transaction.version 2, so kafka-clients 4.1 there skips AddPartitionsToTxn and
      // learns of the fencing from its produce (InvalidProducerEpoch); Tandem speaks transaction version 1,
      // where AddPartitionsToTxn answers PRODUCER_FENCED. Either way the zombie is fenced.
      expect(['ProducerFencedException', 'InvalidProducerEpochException']).toContain(k.fenced);
    });

    it('Kafka Streams exactly_once_v2 word count (repartition topic, state store changelog): the committed output holds each exact count', () => {
      const k = scenario(plain, 'kafka-streams-eos');
      expect(k.state).toBe('RUNNING');
      expect(k.counts).toEqual({ a: 2, and: 1, brown: 1, dog: 2, fox: 3, jumps: 1, lazy: 1, quick: 1, the: 3 });
      expect(k.counts).toEqual(k.expected);
    });
  });

  it('Spring Kafka: @KafkaListener processes good records; DefaultErrorHandler retries the poison one, then it lands in <topic>.DLT', () => {
    const s = scenario(spring, 'spring-kafka');
    expect(s.processed).toEqual(['good-1', 'good-2']);
    // FixedBackOff(100 ms, 2): the first delivery and two retries.
    expect(s.attempts).toEqual({ 'good-1': 1, 'good-2': 1, 'poison-1': 3 });
    expect(s.deadLetters).toEqual([
      {
        topic: `${springTopic}.DLT`,
        key: 'k-poison-1',
        value: 'poison-1',
        originalTopic: springTopic,
        exception: 'java.lang.IllegalStateException',
      },
    ]);
  });

  describe('AWS SDK for Java v2', () => {
    const sent = (n: number) => ({ blob: `Binary:0102${n.toString(16).padStart(2, '0')}`, kind: 'String:order', n: `Number:${n}` });

    it('SqsClient: create, look up, list, send (attributes, batch), receive, delete, attributes, delete queue; missing queue -> QueueDoesNotExistException', () => {
      const s = scenario(plain, 'sqs-sync');
      expect(s.queueUrlEndsWith).toBe('java-sync');
      expect(s.getQueueUrlSame).toBe(true);
      expect(s.listed).toBe(true);
      expect(s.sendHasId).toBe(true);
      expect(s.sendMd5Body).toBe(md5('hello 0'));
      expect(s.sendHasMd5Attributes).toBe(true);
      expect([s.batchSuccessful, s.batchFailed]).toEqual([2, 0]);
      expect(s.received.map((m: any) => [m.body, m.attributes])).toEqual([
        ['hello 0', sent(0)],
        ['hello 1', sent(1)],
        ['hello 2', {}],
      ]);
      for (const m of s.received) {
        expect(m.system).toEqual({
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
          ApproximateReceiveCount: '1',
          SenderId: expect.any(String),
          SentTimestamp: expect.stringMatching(/^\d+$/),
        });
      }
      expect(s.deleteBatchSuccessful).toBe(2);
      expect(s.queueAttributes).toEqual({
        VisibilityTimeout: '45',
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        QueueArn: 'arn:aws:sqs:us-east-1:000000000000:java-sync',
        MaximumMessageSize: '1048576',
      });
      const missing = { exception: 'QueueDoesNotExistException', code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 };
      expect(s.getQueueUrlAfterDelete).toEqual(missing);
      expect(s.sendToMissing).toEqual(missing);
    });

    it('SqsAsyncClient: send with attributes, receive, delete, attributes; missing queue fails the future with QueueDoesNotExistException', () => {
      const s = scenario(plain, 'sqs-async');
      expect(s.queueUrlEndsWith).toBe('java-async');
      expect(s.sendMd5Body).toBe(md5('async hello'));
      expect(s.received).toEqual([{ body: 'async hello', attributes: sent(7), system: {} }]);
      expect(s.afterDelete).toEqual({ visible: '0', inFlight: '0' });
      expect(s.missing).toEqual({
        wrapper: 'CompletionException',
        exception: 'QueueDoesNotExistException',
        code: 'AWS.SimpleQueueService.NonExistentQueue',
        status: 400,
      });
    });

    it('SqsAsyncBatchManager: buffered sends, receives and deletes (as batch calls) deliver every message once and drain the queue', () => {
      const s = scenario(plain, 'sqs-batch-manager');
      const bodies = Array.from({ length: 12 }, (_, i) => `batched-${i}`);
      expect(s.sent).toBe(12);
      expect(s.received).toEqual([...bodies].sort());
      expect(s.deletes).toBe(12);
      expect(s.left).toEqual({ visible: '0', inFlight: '0' });
    });

    it('FIFO queue: content-based dedup, order within a group, group blocked while in flight', () => {
      const s = scenario(plain, 'sqs-fifo');
      expect(s.duplicateSameSequence).toBe(true);
      expect(s.sequencesIncrease).toBe(true);
      expect(s.firstReceive).toEqual(['first']);
      expect(s.whileInFlight).toEqual([]);
      expect(s.rest).toEqual(['second', 'third']);
      expect(s.groups).toEqual(['g1', 'g1']);
      expect(s.afterDeletes).toEqual([]);
    });
  });

  it('Spring Cloud AWS: @SqsListener receives SqsTemplate-sent POJOs with headers as attributes, acknowledges them; SqsTemplate.receive', () => {
    const s = scenario(spring, 'spring-sqs');
    expect(s.received).toEqual([1, 2, 3].map((i) => ({ id: `o-${i}`, quantity: i * 10, source: 'template', priority: i })));
    expect(s.drained).toBe(true);
    expect(s.pulled).toBe('pulled');
    expect(s.pullQueueEmptyAfter).toBe(true);
  });
});
