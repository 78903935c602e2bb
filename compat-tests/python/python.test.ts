/**
 * The current Python clients from PyPI (.venv, scripts/setup/20-python.sh) through their
 * quick-start flows: boto3 1.44 on SQS's AWS JSON protocol, and confluent-kafka 2.16, kafka-python
 * 3.0 and aiokafka 0.14 on Kafka. Each scenario script prints what the client saw; the expected values
 * here come from AWS's and Kafka's documented behaviour (digests computed on this side), never from
 * Tandem. The Kafka suite also runs on the real Kafka oracle (TANDEM_KAFKA_ORACLE).
 */
import { Emulator } from '../harness/emulator.js';
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { md5, md5OfAttributes } from '../sqs/helpers.js';
import { scenario } from './venv.js';

describe('boto3 1.44 (AWS JSON 1.0) on SQS', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await Emulator.start();
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('create, send with attributes, receive, delete, batches, a FIFO round trip and QueueDoesNotExist', async () => {
    const out = await scenario('boto3_sqs.py', [emu.sqsEndpoint, 'py']);
    expect(out).toMatchObject({ boto3: '1.44.8', botocore: '1.44.8', protocol: 'json' });
    const url = `${emu.sqsEndpoint}/000000000000/py-orders`;
    expect([out.url, out.url_again]).toEqual([url, url]);
    expect(out.visibility).toEqual({ VisibilityTimeout: '45' });

    const attrs = {
      customer: { DataType: 'String', StringValue: 'ada' },
      amount: { DataType: 'Number', StringValue: '12.5' },
      blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 0xfe]) },
    };
    expect(out.sent.MD5OfMessageBody).toBe(md5('order #1'));
    expect(out.sent.MD5OfMessageAttributes).toBe(md5OfAttributes(attrs));
    expect(out.received).toEqual({
      count: 1,
      MessageId: out.sent.MessageId,
      Body: 'order #1',
      MD5OfBody: md5('order #1'),
      MD5OfMessageAttributes: md5OfAttributes(attrs),
      MessageAttributes: { ...attrs, blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 0xfe]).toString('base64') } },
      ApproximateReceiveCount: '1',
      SenderId: '000000000000',
    });
    expect(out.after_delete).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });

    expect(out.batch_sent).toEqual([['a', md5('first')], ['b', md5('second')], ['c', md5('third')]]);
    expect(out.batch_send_failed).toEqual([]);
    expect(out.batch_received).toEqual(['first', 'second', 'third']);
    expect(out.batch_deleted).toEqual(['d0', 'd1', 'd2']);
    expect(out.batch_delete_failed).toEqual([{ Id: 'forged', Code: 'ReceiptHandleIsInvalid', SenderFault: true }]);

    // Content-based dedup returns the first send's id; one group comes back in send order.
    expect(out.fifo_dup_same_id).toBe(true);
    expect(out.fifo_sequence_increasing).toBe(true);
    expect(out.fifo_received).toEqual(
      ['debit 5', 'credit 7', 'debit 2'].map((body, i) => [body, 'acct-1', out.fifo_sent_sequence[i]]),
    );
    expect(out.fifo_locked).toEqual([]);

    // botocore maps the JSON error to the modelled class and, from x-amzn-query-error, to the legacy code.
    expect(out.missing).toEqual({
      class: 'QueueDoesNotExist',
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'The specified queue does not exist.',
      status: 400,
    });
    expect(out.no_group).toEqual({
      code: 'MissingParameter',
      message: 'The request must contain the parameter MessageGroupId.',
      status: 400,
    });
    expect(out.listed_after).toEqual([]);
  });
});

describe('current Python Kafka clients', () => {
  let target: KafkaTarget;
  beforeAll(async () => {
    // Real clock: consumers wait on the broker's long polls and the group's join.
    target = await startKafkaTarget({ realClock: true });
  });
  afterAll(async () => {
    await target.stop();
  });

  const record = (partition: number, offset: number, i: number) => [partition, offset, `k${i}`, `v${i}`, [['n', String(i)]]];

  it('confluent-kafka 2.16: admin create/list/delete, producer to a committing consumer group, errors', async () => {
    const [topic, group] = [unique('py-ck'), unique('py-ck-group')];
    const out = await scenario('confluent_kafka_client.py', [target.bootstrap, topic, group]);
    expect(out.client).toBe('2.16.1');
    expect(out.create_again).toBe('TOPIC_ALREADY_EXISTS');
    expect(out.listed).toBe(true);
    expect(out.partitions).toEqual([0, 1, 2]);
    expect(out.delivered).toEqual([[null, 0, 0], [null, 0, 1], [null, 1, 0], [null, 1, 1], [null, 2, 0], [null, 2, 1]]);
    expect(out.first).toEqual([record(0, 0, 0), record(0, 1, 3), record(1, 0, 1), record(1, 1, 4), record(2, 0, 2), record(2, 1, 5)]);
    expect(out.assignment).toEqual([0, 1, 2]);
    expect(out.committed).toEqual([[0, 2], [1, 2], [2, 2]]);
    // The second member starts at the committed offsets: only the record produced after the commit.
    expect(out.second).toEqual([[1, 2, 'late', 'after-commit', []]]);
    expect(out.missing_topic).toBe('UNKNOWN_TOPIC_OR_PART');
    expect(out.listed_after_delete).toBe(false);
  }, 90_000);

  const kafkaPython = (mode: string) => async () => {
    const [topic, group] = [unique(`py-kp-${mode}`), unique(`py-kp-${mode}-group`)];
    const out = await scenario('kafka_python3_client.py', [target.bootstrap, topic, group, mode]);
    expect(out.client).toBe('3.0.12');
    // The version it infers from ApiVersions must at least mean record batches and KIP-482 flexible versions.
    expect(out.api_version[0] * 100 + out.api_version[1]).toBeGreaterThanOrEqual(204);
    expect(out.create_again).toBe('TopicAlreadyExistsError');
    expect(out.listed).toBe(true);
    expect(out.idempotent).toBe(mode === 'default');
    expect(out.sent).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(out.first).toEqual([record(0, 0, 0), record(0, 1, 2), record(1, 0, 1), record(1, 1, 3)]);
    expect(out.assignment).toEqual([0, 1]);
    expect(out.committed).toEqual([2, 2]);
    expect(out.late).toEqual([0, 2]);
    expect(out.second).toEqual([[0, 2, 'late', 'after-commit', []]]);
    expect(out.groups).toEqual([expect.objectContaining({ group_id: group, protocol_type: 'consumer', group_state: 'Empty' })]);
    expect(out.listed_after_delete).toBe(false);
  };

  // The quick start as written: since 3.0 the producer is idempotent by default, which needs
  // InitProducerId (and sequence numbers honoured by Produce).
  it('kafka-python 3.0 with its default (idempotent) producer: admin, produce, group consume and commit', kafkaPython('default'), 90_000);
  it('kafka-python 3.0 with enable_idempotence=False: admin, produce, group consume and commit', kafkaPython('no-idempotence'), 90_000);

  it('aiokafka 0.14: admin, producer to a committing consumer group, TopicAlreadyExists', async () => {
    const [topic, group] = [unique('py-ak'), unique('py-ak-group')];
    const out = await scenario('aiokafka_client.py', [target.bootstrap, topic, group]);
    expect(out.client).toBe('0.14.0');
    expect(out.create_again).toEqual([[topic, 'TopicAlreadyExistsError']]);
    expect(out.listed).toBe(true);
    expect(out.sent).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(out.first).toEqual([record(0, 0, 0), record(0, 1, 2), record(1, 0, 1), record(1, 1, 3)]);
    expect(out.assignment).toEqual([0, 1]);
    expect(out.committed).toEqual([2, 2]);
    expect(out.late).toEqual([1, 2]);
    expect(out.second).toEqual([[1, 2, 'late', 'after-commit', []]]);
    expect(out.listed_after_delete).toBe(false);
  }, 90_000);
});
