/**
 * What a cluster reports that holds on a single broker too, so it runs on the Kafka oracle as well:
 * Metadata's leaders, epochs, replicas and ISR, DescribeCluster, batched FindCoordinator,
 * ListOffsets' leader epoch, OffsetForLeaderEpoch (what librdkafka and the Java consumer ask after
 * a leader change), ElectLeaders with nothing to elect, and the reassignment APIs on a cluster
 * whose data is already everywhere. Raw requests at each API's newest served version, over a
 * real socket; records are produced by kafkajs. The multi-broker behaviour is in cluster.test.ts.
 */
import { Kafka, logLevel } from 'kafkajs';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { createTopics, startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';

describe('cluster answers a single broker gives too', () => {
  let target: KafkaTarget;
  let c: RawClient;
  let kafka: Kafka;
  const topic = unique('shape');

  beforeAll(async () => {
    target = await startKafkaTarget();
    c = await RawClient.connect(Number(target.bootstrap.split(':').at(-1)));
    kafka = new Kafka({ clientId: 'shapes', brokers: [target.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [{ topic, numPartitions: 2 }]);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [0, 1, 2].map((i) => ({ partition: 0, value: `v${i}` })) });
    await producer.disconnect();
  });
  afterAll(async () => {
    c.close();
    await target.stop();
  });

  const metadata = async () => (await c.call(3, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).body;

  it('Metadata: each partition has a live leader at epoch 0, among its replicas, all in sync', async () => {
    const md = await metadata();
    const ids = md.brokers.map((b: any) => b.nodeId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toContain(md.controllerId);
    for (const p of md.topics[0].partitions) {
      expect(p).toMatchObject({ errorCode: 0, leaderEpoch: 0, offlineReplicas: [] });
      expect(ids).toContain(p.leaderId);
      expect(p.replicaNodes).toContain(p.leaderId);
      expect([...p.isrNodes].sort()).toEqual([...p.replicaNodes].sort());
    }
  });

  it('DescribeCluster lists the brokers Metadata lists, with the cluster id', async () => {
    const md = await metadata();
    const dc = (await c.call(60, 0, { includeClusterAuthorizedOperations: false })).body;
    expect(dc).toMatchObject({ errorCode: 0, clusterId: md.clusterId });
    expect(dc.brokers.map((b: any) => [b.brokerId, b.host, b.port])).toEqual(md.brokers.map((b: any) => [b.nodeId, b.host, b.port]));
    expect(dc.brokers.map((b: any) => b.brokerId)).toContain(dc.controllerId);
  });

  it('FindCoordinator v4 answers each key with a listed broker', async () => {
    const md = await metadata();
    const keys = [unique('g1'), unique('g2'), unique('g3')];
    const found = (await c.call(10, 4, { key: '', keyType: 0, coordinatorKeys: keys })).body;
    expect(found.coordinators.map((x: any) => x.key)).toEqual(keys);
    for (const x of found.coordinators) {
      const b = md.brokers.find((y: any) => y.nodeId === x.nodeId);
      expect(x).toMatchObject({ errorCode: 0, host: b.host, port: b.port });
    }
  });

  it('ListOffsets v7 reports the leader epoch of the offsets it finds', async () => {
    const res = (await c.call(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: 0, timestamp: -1 }, { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -2 }] }] })).body;
    // Kafka does not keep the request's partition order in its answer: compare by partition.
    const byPartition = [...res.topics[0].partitions].sort((a: any, b: any) => a.partitionIndex - b.partitionIndex);
    expect(byPartition.map((p: any) => [p.errorCode, p.offset, p.leaderEpoch])).toEqual([
      [0, 3, 0],
      [0, 0, 0],
    ]);
  });

  it('OffsetForLeaderEpoch: the current epoch ends at the log end; epochs are checked; unknown partitions refused', async () => {
    const ask = async (partitions: object[], name = topic) => (await c.call(23, 4, { replicaId: -2, topics: [{ topic: name, partitions }] })).body.topics[0].partitions;
    expect(await ask([{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }, { partition: 1, currentLeaderEpoch: -1, leaderEpoch: 0 }])).toEqual([
      { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 3 },
      { errorCode: 0, partition: 1, leaderEpoch: 0, endOffset: 0 },
    ]);
    // An undefined epoch has no end (Kafka's UNDEFINED_EPOCH_OFFSET); a newer current epoch than
    // the broker's is UNKNOWN_LEADER_EPOCH; a partition that does not exist is refused.
    expect(await ask([{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: -1 }, { partition: 0, currentLeaderEpoch: 5, leaderEpoch: 0 }, { partition: 9, currentLeaderEpoch: -1, leaderEpoch: 0 }])).toEqual([
      { errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: -1 },
      { errorCode: 75, partition: 0, leaderEpoch: -1, endOffset: -1 },
      { errorCode: 3, partition: 9, leaderEpoch: -1, endOffset: -1 },
    ]);
  });

  it('ElectLeaders: a preferred leader already leading needs no election', async () => {
    const res = (await c.call(43, 2, { electionType: 0, topicPartitions: [{ topic, partitions: [0, 1] }], timeoutMs: 10_000 })).body;
    expect(res.errorCode).toBe(0);
    expect(res.replicaElectionResults).toEqual([
      {
        topic,
        partitionResult: [
          { partitionId: 0, errorCode: 84, errorMessage: 'Leader election not needed for topic partition.' },
          { partitionId: 1, errorCode: 84, errorMessage: 'Leader election not needed for topic partition.' },
        ],
      },
    ]);
    // Every partition (null): those needing no election are left out.
    const all = (await c.call(43, 2, { electionType: 0, topicPartitions: null, timeoutMs: 10_000 })).body;
    expect(all.replicaElectionResults.find((r: any) => r.topic === topic)).toEqual({ topic, partitionResult: [] });
  });

  it('reassignments: none in progress; a valid target applies, bad ones are refused', async () => {
    const md = await metadata();
    const leader = md.topics[0].partitions[0].leaderId;
    const listed = (await c.call(46, 0, { timeoutMs: 10_000, topics: null })).body;
    expect(listed).toMatchObject({ errorCode: 0, topics: [] });
    const alter = (await c.call(45, 0, {
      timeoutMs: 10_000,
      topics: [
        {
          name: topic,
          partitions: [
            { partitionIndex: 0, replicas: md.topics[0].partitions[0].replicaNodes },
            { partitionIndex: 1, replicas: null },
            { partitionIndex: 0, replicas: [] },
            { partitionIndex: 0, replicas: [leader, leader] },
          ],
        },
      ],
    })).body;
    expect(alter.errorCode).toBe(0);
    expect(alter.responses[0].partitions.map((p: any) => [p.partitionIndex, p.errorCode])).toEqual([
      [0, 0],
      [1, 85],
      [0, 39],
      [0, 39],
    ]);
    expect((await c.call(46, 0, { timeoutMs: 10_000, topics: [{ name: topic, partitionIndexes: [0, 1] }] })).body.topics).toEqual([]);
  });
});
