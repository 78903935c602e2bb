/**
 * A cluster of three brokers in one Tandem process (--kafka-brokers 3, node ids 0, 1, 2 as in
 * kafkajs's reference cluster), with real clients over real sockets: leadership spread round robin,
 * non-leaders refusing with NOT_LEADER_OR_FOLLOWER (and KIP-951's hint), coordinators placed by
 * key with NOT_COORDINATOR elsewhere, epochs moving with leadership, and kafkajs producing
 * (idempotent) and consuming without loss or duplicates while a leader moves and a broker goes
 * down and comes back. Tandem-only: the oracle is one real broker, which cannot move leaders or
 * lose a broker; what holds on one broker is in cluster-shapes.test.ts, which runs on both.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { decodeBatches, encodeBatch } from '../../kafka-shim/src/records/batch.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import type { Emulator } from '../harness/emulator.js';
import { startKafkaTarget, tandemOnly, type KafkaTarget } from '../harness/kafka-target.js';
import { repoRoot } from '../harness/kafka-clients.js';
import { kcat, python } from './clients.js';

const MAIN = path.join(repoRoot(), process.env.TANDEM_DIST ?? 'dist', 'emulator/src/host/main.js');

interface BrokerRow {
  nodeId: number;
  host: string;
  port: number;
  live: boolean;
}

tandemOnly('a cluster of three brokers in one process', () => {
  let target: KafkaTarget;
  let emu: Emulator;
  let brokers: BrokerRow[];
  const raws: RawClient[] = [];
  const raw = async (nodeId: number) => {
    const r = await RawClient.connect(brokers.find((b) => b.nodeId === nodeId)!.port);
    raws.push(r);
    return r;
  };
  const admin = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${emu.sqsEndpoint}/_tandem/${path}`, { method, body: body ? JSON.stringify(body) : undefined });
    const json = await res.json();
    if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const partitions = async (topic: string) => (await admin('GET', `partitions?topic=${topic}`)).partitions as { partition: number; leader: number; epoch: number; replicas: number[]; isr: number[] }[];
  const bootstrap = () => brokers.map((b) => `127.0.0.1:${b.port}`);
  /** The `tandem` CLI against this Tandem. */
  const cli = (...args: string[]): Promise<{ code: number; out: string; err: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, TANDEM_ENDPOINT: emu.sqsEndpoint }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    });

  beforeAll(async () => {
    target = await startKafkaTarget({ args: ['--kafka-brokers', '3', '--kafka-broker-ids', '0,1,2', '--default-partitions', '3'], realClock: true });
    emu = target.emulator!;
    brokers = (await admin('GET', 'brokers')).brokers;
  });
  afterAll(async () => {
    for (const r of raws) r.close();
    // emu is the running process (a test restarts it).
    await emu.stop();
  });

  it('serves three brokers 0, 1, 2 on their own ports, leaders round robin, replicas and ISR the broker set', async () => {
    expect(brokers.map((b) => b.nodeId)).toEqual([0, 1, 2]);
    expect(new Set(brokers.map((b) => b.port)).size).toBe(3);
    const created = await admin('POST', 'topics', { name: 'spread', partitions: 6 });
    expect(created.partitions).toHaveLength(6);
    // Any broker answers Metadata with all three, at their own ports.
    for (const b of brokers) {
      const md = (await (await raw(b.nodeId)).call(3, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'spread' }], allowAutoTopicCreation: false })).body;
      expect(md.brokers.map((x: any) => [x.nodeId, x.port])).toEqual(brokers.map((x) => [x.nodeId, x.port]));
      const parts = md.topics[0].partitions;
      // Kafka's rack-unaware assignor: consecutive partitions start at consecutive brokers.
      const first = parts[0].leaderId;
      expect(parts.map((p: any) => p.leaderId)).toEqual([0, 1, 2, 3, 4, 5].map((i) => (first + i) % 3));
      for (const p of parts) {
        expect(p.replicaNodes).toEqual([0, 1, 2].map((k) => (p.leaderId + k) % 3));
        expect(p.isrNodes).toEqual(p.replicaNodes);
        expect(p.leaderEpoch).toBe(0);
      }
    }
    // librdkafka sees the same cluster.
    const listing = await kcat(`127.0.0.1:${brokers[1].port}`, ['-L', '-t', 'spread']);
    expect(listing).toContain(' 3 brokers:');
    for (const b of brokers) expect(listing).toContain(`broker ${b.nodeId} at 127.0.0.1:${b.port}`);
  });

  it('a broker that does not lead refuses Produce and old Fetch with NOT_LEADER_OR_FOLLOWER and names the leader', async () => {
    await admin('POST', 'topics', { name: 'routing', partitions: 1 });
    const [p] = await partitions('routing');
    const other = (p.leader + 1) % 3;
    const c = await raw(other);
    const batch = oneBatch();
    const produced = (await c.call(0, 10, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'routing', partitionData: [{ index: 0, records: batch }] }] })).body;
    expect(produced.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 6, currentLeader: { leaderId: p.leader, leaderEpoch: 0 } });
    expect(produced.nodeEndpoints).toEqual([{ nodeId: p.leader, host: '127.0.0.1', port: brokers[p.leader].port, rack: null }]);
    const fetchReq = { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'routing', topicId: '00000000-0000-0000-0000-000000000000', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' };
    expect((await c.call(1, 10, fetchReq)).body.responses[0].partitions[0].errorCode).toBe(6);
    // From v11 a follower serves consumers (Kafka's fetchOnlyLeader), every broker holding the data.
    expect((await c.call(1, 11, fetchReq)).body.responses[0].partitions[0].errorCode).toBe(0);
    const leaderProduce = (await (await raw(p.leader)).call(0, 10, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'routing', partitionData: [{ index: 0, records: batch }] }] })).body;
    expect(leaderProduce.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });

  it('moving a leader bumps its epoch: stale epochs are fenced, OffsetForLeaderEpoch tells where each epoch ended, ElectLeaders moves it back', async () => {
    await admin('POST', 'topics', { name: 'epochs', partitions: 1 });
    const c = await raw(0);
    const [before] = await partitions('epochs');
    const send = async (leader: number) =>
      (await (await raw(leader)).call(0, 10, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'epochs', partitionData: [{ index: 0, records: oneBatch() }] }] })).body.responses[0].partitionResponses[0];
    expect((await send(before.leader)).errorCode).toBe(0);
    const moved = await admin('POST', 'partitions/leader', { topic: 'epochs', partition: 0 });
    expect(moved).toMatchObject({ leader: (before.leader + 1) % 3, epoch: 1 });
    expect((await send(before.leader)).errorCode).toBe(6);
    expect((await send(moved.leader)).errorCode).toBe(0);
    const ofle = async (nodeId: number, currentLeaderEpoch: number, leaderEpoch: number) =>
      (await (await raw(nodeId)).call(23, 4, { replicaId: -2, topics: [{ topic: 'epochs', partitions: [{ partition: 0, currentLeaderEpoch, leaderEpoch }] }] })).body.topics[0].partitions[0];
    expect(await ofle(moved.leader, 1, 0)).toEqual({ errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 1 });
    expect(await ofle(moved.leader, 1, 1)).toEqual({ errorCode: 0, partition: 0, leaderEpoch: 1, endOffset: 2 });
    expect((await ofle(moved.leader, 0, 0)).errorCode).toBe(74); // FENCED_LEADER_EPOCH
    expect((await ofle(before.leader, 1, 1)).errorCode).toBe(6);
    // The batches carry the epoch they were written in.
    // One partition per request: Kafka refuses a partition named twice (INVALID_REQUEST).
    const listOffset = async (currentLeaderEpoch: number, timestamp: number) =>
      (await (await raw(moved.leader)).call(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'epochs', partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp }] }] })).body.topics[0].partitions[0];
    const lo = [await listOffset(0, -1), await listOffset(-1, -2), await listOffset(-1, -1)];
    expect(lo.map((p: any) => [p.errorCode, p.offset, p.leaderEpoch])).toEqual([
      [74, -1, -1],
      [0, 0, 0],
      [0, 2, 1],
    ]);
    const elected = (await c.call(43, 2, { electionType: 0, topicPartitions: [{ topic: 'epochs', partitions: [0] }], timeoutMs: 1000 })).body;
    expect(elected.replicaElectionResults[0].partitionResult[0]).toEqual({ partitionId: 0, errorCode: 0, errorMessage: null });
    expect(await partitions('epochs')).toEqual([expect.objectContaining({ leader: before.leader, epoch: 2 })]);
    // A reassignment applies at once; the leader stays when it remains a replica.
    const re = (await c.call(45, 0, { timeoutMs: 1000, topics: [{ name: 'epochs', partitions: [{ partitionIndex: 0, replicas: [before.leader, (before.leader + 2) % 3] }] }] })).body;
    expect(re.responses[0].partitions[0].errorCode).toBe(0);
    expect(await partitions('epochs')).toEqual([expect.objectContaining({ leader: before.leader, replicas: [before.leader, (before.leader + 2) % 3], epoch: 3 })]);
  });

  it('places group coordinators by key and refuses group requests elsewhere with NOT_COORDINATOR', async () => {
    const c = await raw(0);
    const keys = Array.from({ length: 12 }, (_, i) => `group-${i}`);
    const found = (await c.call(10, 4, { key: '', keyType: 0, coordinatorKeys: keys })).body.coordinators;
    expect(new Set(found.map((x: any) => x.nodeId)).size).toBe(3);
    for (const x of found) expect(x).toMatchObject({ errorCode: 0, port: brokers[x.nodeId].port });
    const g = found[0];
    const elsewhere = (g.nodeId + 1) % 3;
    const hb = { groupId: g.key, generationId: 1, memberId: 'm', groupInstanceId: null };
    expect((await (await raw(elsewhere)).call(12, 4, hb)).body.errorCode).toBe(16);
    expect((await (await raw(g.nodeId)).call(12, 4, hb)).body.errorCode).not.toBe(16);
    const desc = (await (await raw(elsewhere)).call(15, 5, { groups: [g.key], includeAuthorizedOperations: false })).body;
    expect(desc.groups).toEqual([expect.objectContaining({ groupId: g.key, errorCode: 16 })]);
  });

  it('kafkajs produces (idempotent) and consumes without loss or duplicates while a leader moves and a broker goes down and up', async () => {
    const topic = 'load';
    await admin('POST', 'topics', { name: topic, partitions: 3 });
    const debug = !!process.env.CLUSTER_DEBUG;
    const kafka = new Kafka({
      clientId: 'cluster',
      brokers: bootstrap(),
      logLevel: debug ? logLevel.INFO : logLevel.NOTHING,
      logCreator: () => (e) => debug && console.log(e.namespace, e.log.message, JSON.stringify(e.log).slice(0, 300)),
      retry: { initialRetryTime: 50, retries: 20 },
    });
    const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    // The broker to take down later leads partition 1; pick a group it coordinates, so the
    // consumer also has to find its group's new coordinator.
    const down = (await partitions(topic))[1].leader;
    const candidates = Array.from({ length: 30 }, (_, i) => `load-group-${i}`);
    const coordinators = (await (await raw(0)).call(10, 4, { key: '', keyType: 0, coordinatorKeys: candidates })).body.coordinators;
    const groupId = coordinators.find((x: any) => x.nodeId === down).key;
    const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100, retry: { initialRetryTime: 50, retries: 20 } });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });

    const sent: string[] = [];
    let producing = true;
    const loop = (async () => {
      // One partition per send: kafkajs 2.2.4 re-sends a send refused with NOT_LEADER_FOR_PARTITION
      // only to brokers that have not answered that send yet (sendMessages.js, responsePerBroker),
      // so a partition whose new leader already took another partition of the same send is never
      // re-sent and its records are lost while send() resolves - against any cluster.
      for (let i = 0; producing; i++) {
        for (const k of [0, 1, 2]) {
          const value = `m${i}-${k}`;
          await producer.send({ topic, acks: -1, messages: [{ partition: k, value }] });
          sent.push(value);
        }
      }
    })();
    const waitSent = async (n: number) => {
      while (sent.length < n) await delay(20);
      if (process.env.CLUSTER_DEBUG) console.log('sent', sent.length, 'seen', seen.length);
    };
    await waitSent(60);
    const [p0] = await partitions(topic);
    await admin('POST', 'partitions/leader', { topic, partition: 0 });
    await waitSent(sent.length + 60);
    // Take down the broker leading partition 1: its listener refuses, its partitions and groups move.
    expect(await admin('POST', 'brokers/down', { nodeId: down })).toMatchObject({ live: false });
    expect((await admin('GET', 'brokers')).brokers.find((b: BrokerRow) => b.nodeId === down).live).toBe(false);
    for (const p of await partitions(topic)) {
      expect(p.leader).not.toBe(down);
      expect(p.isr).not.toContain(down);
    }
    const alive = (down + 1) % 3;
    expect((await (await raw(alive)).call(10, 4, { key: '', keyType: 0, coordinatorKeys: [groupId] })).body.coordinators[0].nodeId).not.toBe(down);
    await waitSent(sent.length + 60);
    await admin('POST', 'brokers/up', { nodeId: down });
    await (await raw(alive)).call(43, 2, { electionType: 0, topicPartitions: null, timeoutMs: 1000 });
    await waitSent(sent.length + 60);
    producing = false;
    await loop;
    expect((await partitions(topic))[0]).toMatchObject({ leader: p0.leader });

    if (process.env.CLUSTER_DEBUG) console.log('done producing', sent.length, 'seen', seen.length, JSON.stringify(await partitions(topic)), JSON.stringify(sent.filter((v) => !seen.includes(v))));
    // The log itself holds each record once (read by librdkafka from the current leaders).
    const logged = await kcat(bootstrap().join(','), ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p:%o:%s\n']);
    if (process.env.CLUSTER_DEBUG) console.log(logged);
    expect(logged.trim().split('\n').map((l) => l.split(':')[2]).sort()).toEqual([...sent].sort());
    for (let i = 0; i < 200 && seen.length < sent.length; i++) await delay(50);
    await delay(300);
    await consumer.disconnect();
    await producer.disconnect();
    expect([...seen].sort()).toEqual([...sent].sort());
  }, 90_000);
  it('tandem brokers / partitions move leaders and take brokers down and up, as librdkafka (kcat -L) then sees', async () => {
    await admin('POST', 'topics', { name: 'cli', partitions: 1 });
    const leaderSeen = async () => {
      const out = await kcat(bootstrap().join(','), ['-L', '-t', 'cli']);
      return { brokers: Number(/ (\d+) brokers:/.exec(out)![1]), leader: Number(/partition 0, leader (-?\d+)/.exec(out)![1]) };
    };
    const [p] = await partitions('cli');
    expect(await leaderSeen()).toEqual({ brokers: 3, leader: p.leader });
    const to = (p.leader + 2) % 3;
    const moved = await cli('partitions', 'move-leader', 'cli', '0', '--to', String(to));
    expect(moved).toEqual({ code: 0, out: `cli-0: leader ${to}, epoch 1\n`, err: '' });
    expect(await leaderSeen()).toEqual({ brokers: 3, leader: to });
    // It led this partition and partitions of the earlier tests' topics.
    expect((await cli('brokers', 'down', String(to))).out).toMatch(new RegExp(`^broker ${to} down, [1-9]\\d* partition leader\\(s\\) moved\n$`));
    const after = await leaderSeen();
    expect(after.brokers).toBe(2);
    expect(after.leader).not.toBe(to);
    const listed = (await cli('brokers', 'ls')).out.split('\n');
    expect(listed[0]).toMatch(/^NODE +HOST +PORT +STATE +LEADERS$/);
    expect(listed[1 + to]).toMatch(new RegExp(`^${to}\\*? +127\\.0\\.0\\.1 +${brokers[to].port} +down +0$`));
    expect((await cli('brokers', 'up', String(to))).code).toBe(0);
    expect((await leaderSeen()).brokers).toBe(3);
    expect((await cli('partitions', 'ls', 'cli')).out).toMatch(/^PARTITION +LEADER +EPOCH +REPLICAS +ISR +OFFLINE\n0 +\d +2 +[0-2],[0-2],[0-2] +[0-2],[0-2],[0-2] +-?\n$/);
    expect((await cli('brokers', 'down', '7')).code).toBe(1);
  });

  it('places partitions created while a broker is down on live brokers, and keeps them there when it returns', async () => {
    await admin('POST', 'brokers/down', { nodeId: 2 });
    await admin('POST', 'topics', { name: 'while-down', partitions: 6 });
    const placed = await partitions('while-down');
    for (const p of placed) expect(p).toMatchObject({ epoch: 0, isr: p.replicas.filter((r) => r !== 2) });
    expect(placed.map((p) => p.leader).every((l) => l === 0 || l === 1)).toBe(true);
    await admin('POST', 'brokers/up', { nodeId: 2 });
    expect((await partitions('while-down')).map((p) => [p.leader, p.epoch, p.isr.length])).toEqual(placed.map((p) => [p.leader, 0, 3]));
    // And produce works on each through its leader.
    for (const p of placed) {
      const r = (await (await raw(p.leader)).call(0, 10, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'while-down', partitionData: [{ index: p.partition, records: oneBatch() }] }] })).body;
      expect(r.responses[0].partitionResponses[0].errorCode).toBe(0);
    }
  });

  it('confluent-kafka-python (librdkafka) sees the three brokers and its idempotent producer follows a leader move', async () => {
    await admin('POST', 'topics', { name: 'py-move', partitions: 1 });
    const out = await python('cluster_client.py', [bootstrap().join(','), 'py-move', emu.sqsEndpoint]);
    expect(out.before.brokers).toEqual([0, 1, 2]);
    expect(out.after).toEqual({ brokers: [0, 1, 2], leader: out.moved.leader });
    expect(out.moved.leader).not.toBe(out.before.leader);
    expect(out.errors).toEqual([]);
    const expected = [...Array.from({ length: 20 }, (_, i) => `a${i}`), ...Array.from({ length: 20 }, (_, i) => `b${i}`)];
    expect(out.values).toEqual(expected);
  });

  // In the in-memory pass nothing survives a restart.
  (process.env.TANDEM_TEST_IN_MEMORY === '1' ? it.skip : it)('keeps leaders, epochs and replica lists across a restart; new batches carry the epoch', async () => {
    const before = await partitions('epochs');
    for (const r of raws.splice(0)) r.close();
    emu = await emu.restart();
    brokers = (await admin('GET', 'brokers')).brokers;
    expect(await partitions('epochs')).toEqual(before);
    const [p] = before;
    const c = await raw(p.leader);
    const produced = (await c.call(0, 10, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'epochs', partitionData: [{ index: 0, records: oneBatch() }] }] })).body;
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(0);
    const fetched = (await c.call(1, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'epochs', topicId: '00000000-0000-0000-0000-000000000000', partitions: [{ partition: 0, currentLeaderEpoch: p.epoch, fetchOffset: 0, logStartOffset: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' })).body;
    const batches = decodeBatches(Buffer.concat([fetched.responses[0].partitions[0].records].flat()));
    expect(batches.map((b) => b.partitionLeaderEpoch)).toEqual([0, 1, p.epoch]);
  });
});

/** One small magic-2 batch, made by the record codec the tests share. */
function oneBatch(): Buffer {
  return encodeBatch({ records: [{ value: 'x' }] });
}
