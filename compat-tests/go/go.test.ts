/**
 * The Go client matrix: franz-go (kgo + kadm), IBM/sarama, segmentio/kafka-go and aws-sdk-go-v2
 * SQS, each in its ordinary quick-start flow, run as real Go programs (compat-tests/go, built by
 * scripts/setup/35-go.sh) against a spawned Tandem. The Kafka suites also run against the real
 * Kafka oracle (TANDEM_KAFKA_ORACLE): what they assert is what Kafka does.
 */
import { createHash } from 'node:crypto';
import { Emulator } from '../harness/emulator.js';
import { startKafkaTarget, tandemOnly, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { GO_COMPAT, GO_SARAMA_145, expectedValues, goRun, whileTicking } from './go-client.js';

const N = 10;
const PARTITIONS = 3;
/** Well inside the default retention.ms (7 days): nothing may be deleted by this step. */
const CLOCK_STEP_MS = 3 * 60_000;

/** Per test: a Go run takes 0.1-10 s (a consumer that misses records waits out its 6 s idle limit). */
const T = 60_000;

describe('Go Kafka clients on a real clock', () => {
  let target: KafkaTarget;
  beforeAll(async () => {
    // Real clock: the consumers' fetch long polls must expire on the broker's clock.
    target = await startKafkaTarget({ realClock: true });
  });
  afterAll(async () => {
    await target.stop();
  });

  it('franz-go kadm: creates a 3-partition topic, lists it, gets TOPIC_ALREADY_EXISTS on a second create, deletes it', async () => {
    const r = await goRun(GO_COMPAT, 'franz-admin', { bootstrap: target.bootstrap, topic: unique('go-franz-admin'), partitions: PARTITIONS });
    expect(r).toEqual({
      createError: '',
      createTopicError: '',
      createdPartitions: PARTITIONS,
      listedPartitions: PARTITIONS,
      createAgainError: '',
      createAgainTopicError: 'TOPIC_ALREADY_EXISTS',
      deleteError: '',
      deleteTopicError: '',
      listedAfterDelete: -1,
    });
  }, T);

  // kgo.DisableIdempotentWrite(): the plain (non-idempotent) producer path, batches with producer
  // id -1; the next test keeps franz-go's idempotent default.
  it('franz-go kgo: producer (idempotence off) -> consumer group, every value back and offsets committed', async () => {
    const r = await goRun(GO_COMPAT, 'franz-roundtrip', {
      bootstrap: target.bootstrap, topic: unique('go-franz-rt'), group: unique('go-franz-rt'), n: N, partitions: PARTITIONS,
    });
    expect(r).toMatchObject({ produceError: '', produced: N, commitError: '', fetchOffsetsError: '', fetchErrors: null });
    expect(r.consumed).toEqual(expectedValues(N));
    expect(r.committedTotal).toBe(N);
    expect(r.producerIds).toEqual([-1]);
  }, T);

  // franz-go falls back to non-idempotent batches (producer id -1), silently, when a broker does
  // not advertise InitProducerId: a producer id >= 0 shows the idempotent path is taken.
  it('franz-go kgo with default options: the idempotent producer gets a producer id', async () => {
    const r = await goRun(GO_COMPAT, 'franz-roundtrip', {
      bootstrap: target.bootstrap, topic: unique('go-franz-idem'), group: unique('go-franz-idem'), n: N, partitions: PARTITIONS, idempotent: true,
    });
    expect(r).toMatchObject({ produceError: '', produced: N, commitError: '' });
    expect(r.consumed).toEqual(expectedValues(N));
    expect(r.producerIds).toHaveLength(1);
    expect(r.producerIds[0]).toBeGreaterThanOrEqual(0);
  }, T);

  it('franz-go GroupTransactSession: consume-transform-produce with offsets committed in the transaction, read back read_committed', async () => {
    const r = await goRun(GO_COMPAT, 'franz-transact', { bootstrap: target.bootstrap, topic: unique('go-franz-txn'), group: unique('go-franz-txn'), n: N });
    expect(r).toMatchObject({ produceError: '', processed: N, txnErrors: null, fetchOffsetsError: '', committed: N });
    expect(r.transactions).toBeGreaterThanOrEqual(1);
    expect(r.consumed).toEqual(expectedValues(N).map((v) => v.toUpperCase()).sort());
  }, T);

  it.each(['all', 'none'])('segmentio/kafka-go: CreateTopics via the controller, Writer (acks=%s) -> Reader with GroupID, offsets committed', async (acks) => {
    const r = await goRun(GO_COMPAT, 'kafkago', {
      bootstrap: target.bootstrap, topic: unique(`go-kafkago-${acks}`), group: unique(`go-kafkago-${acks}`), n: N, partitions: PARTITIONS, acks,
    });
    expect(r).toMatchObject({
      createError: '', produceError: '', writerCloseError: '', readError: '', readerCloseError: '', offsetFetchError: '',
    });
    expect(r.consumed).toEqual(expectedValues(N));
    expect(r.committedTotal).toBe(N);
  }, T);
});

describe('IBM/sarama, with a clock step between produce and consume', () => {
  let target: KafkaTarget;
  beforeAll(async () => {
    target = await startKafkaTarget();
  });
  afterAll(async () => {
    await target.stop();
  });

  /** Moves Tandem's clock by less than retention.ms, which runs retention; skipped on the oracle. */
  async function clockStep(): Promise<void> {
    if (target.emulator) await target.emulator.advance(CLOCK_STEP_MS);
  }

  async function consume(topic: string, group: string) {
    return whileTicking(target.emulator, goRun(GO_COMPAT, 'sarama-consume', { bootstrap: target.bootstrap, topic, group, n: N }));
  }

  it('sarama 1.61.1 (protocol 2.8.0): SyncProducer -> ConsumerGroup, every value back after a 3-minute clock step, offsets committed', async () => {
    const topic = unique('go-sarama');
    const produced = await goRun(GO_COMPAT, 'sarama-produce', { bootstrap: target.bootstrap, topic, n: N, partitions: PARTITIONS });
    expect(produced).toEqual({ version: '2.8.0', createError: '', produceError: '', acked: N });
    await clockStep();
    const r = await consume(topic, unique('go-sarama'));
    expect(r).toMatchObject({ consumeError: '', closeError: '', offsetsError: '' });
    expect(r.consumed).toEqual(expectedValues(N));
    expect(r.committedTotal).toBe(N);
    expect(Object.values(r.logStartOffsets)).toEqual(Array(PARTITIONS).fill(0));
  }, T);

  // Expected RED on Tandem until kafka-shim/src/log stops trusting the batch header: sarama
  // <= 1.45.0 writes maxTimestamp -1, Tandem's retention takes the batch as 7 days past due, and
  // the first clock movement deletes records that were acknowledged moments before. Kafka
  // derives the max timestamp from the records themselves and keeps them for retention.ms.
  it('sarama 1.45.0 (batch maxTimestamp -1): its records survive a 3-minute clock step [red on Tandem: retention trusts the batch maxTimestamp]', async () => {
    const topic = unique('go-sarama-145');
    const produced = await goRun(GO_SARAMA_145, undefined, { bootstrap: target.bootstrap, topic, n: N, partitions: PARTITIONS });
    expect(produced).toEqual({ version: '2.1.0', createError: '', produceError: '', acked: N });
    await clockStep();
    const r = await consume(topic, unique('go-sarama-145'));
    expect(r.consumed).toEqual(expectedValues(N));
    expect(Object.values(r.logStartOffsets)).toEqual(Array(PARTITIONS).fill(0));
    expect(r.committedTotal).toBe(N);
  }, T);
});

// tandemOnly: SQS has no oracle; the Kafka oracle pass would only run these a second time.
tandemOnly('aws-sdk-go-v2 SQS', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await Emulator.start();
  });
  afterAll(async () => {
    await emu.stop();
  });

  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

  it('creates a queue, sends with attributes, receives, deletes, reads queue attributes (SDK MD5 checks on)', async () => {
    const r = await goRun(GO_COMPAT, 'sqs-basic', { endpoint: emu.sqsEndpoint, queue: 'go-basic' });
    const body = 'hello from aws-sdk-go-v2';
    expect(r.error).toBeUndefined();
    expect(r.queueUrl).toBe(`${emu.sqsEndpoint}/000000000000/go-basic`);
    expect(r.sent.md5OfBody).toBe(md5(body));
    expect(r.sent.md5OfAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(r.received).toEqual([
      {
        messageId: r.sent.messageId,
        body,
        md5OfBody: md5(body),
        attributes: { color: 'String:blue', count: 'Number:42', blob: 'Binary:000102ff' },
        receiveCount: '1',
        hasSentTimestamp: true,
      },
    ]);
    expect(r.deleteMessageError).toBeUndefined();
    expect(r.attributes).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:go-basic',
      VisibilityTimeout: '45',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      DelaySeconds: '0',
      MessageRetentionPeriod: '345600',
    });
    expect(r.listed).toEqual([r.queueUrl]);
    expect(r.deleteQueueError).toBe('');
  }, T);

  it('a missing queue is a typed *types.QueueDoesNotExist (GetQueueUrl and SendMessage)', async () => {
    const r = await goRun(GO_COMPAT, 'sqs-error', { endpoint: emu.sqsEndpoint, queue: 'go-no-such-queue' });
    for (const op of ['getQueueUrl', 'sendMessage']) {
      expect(r[op]).toMatchObject({
        isQueueDoesNotExist: true,
        code: 'AWS.SimpleQueueService.NonExistentQueue',
        message: 'The specified queue does not exist.',
        fault: 'client',
        status: 400,
      });
    }
  }, T);

  it('FIFO: order within a message group, content-based deduplication, sequence numbers, batch delete', async () => {
    const r = await goRun(GO_COMPAT, 'sqs-fifo', { endpoint: emu.sqsEndpoint, queue: 'go-fifo.fifo' });
    expect(r.error).toBeUndefined();
    const bodies = ['first', 'second', 'third'];
    expect(r.received.map((m: { body: string }) => m.body)).toEqual(bodies);
    for (const [i, m] of r.received.entries()) {
      expect(m).toMatchObject({ groupId: 'g1', dedupId: sha256(bodies[i]) });
    }
    const seq = r.received.map((m: { sequenceNumber: string }) => BigInt(m.sequenceNumber));
    expect(seq[0] < seq[1] && seq[1] < seq[2]).toBe(true);
    // The sends' sequence numbers are the received ones (the deduplicated repeat is index 2).
    expect([r.sent[0], r.sent[1], r.sent[3]].map((s: { sequenceNumber: string }) => s.sequenceNumber)).toEqual(
      r.received.map((m: { sequenceNumber: string }) => m.sequenceNumber),
    );
    expect(r).toMatchObject({ deleted: 3, deleteFailed: 0, receivedAfterDelete: 0, deleteQueueError: '' });
  }, T);
});
