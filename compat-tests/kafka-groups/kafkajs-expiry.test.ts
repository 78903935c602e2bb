/**
 * kafkajs 2.2.4: a member that stops heartbeating is expired by the session timeout on the
 * emulator's manual clock, and the others take over its partitions.
 *
 * kafkajs heartbeats from its fetch loop, so the stalled member is one stuck in eachMessage.
 * The live members fetch with maxWaitTimeInMs 0 so their loops never park on the manual clock.
 * Time moves in steps well below the session timeout, and each step waits until every live
 * member has shown a sign of life (heartbeat or rejoin) since the previous one: the only member
 * that can expire is the stalled one. On the Kafka oracle (no manual clock) the session timeout
 * runs on the wall clock and the test waits for the takeover.
 */
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { createTopics, startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { assigned, recorder, track, Watch, type Tracked } from './events.js';

const SESSION_MS = 6000;
const STEP_MS = 1000;

describe('kafkajs: a member that stops heartbeating', () => {
  let target: KafkaTarget;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));

  beforeAll(async () => {
    target = await startKafkaTarget();
    kafka = new Kafka({ clientId: 'expiry', brokers: [target.bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    release();
    await Promise.all(consumers.map((c) => c.disconnect()));
    await producer.disconnect();
    await admin.disconnect();
    await target.stop();
  });

  it('is expired after the session timeout and its partitions move to the others', async () => {
    const [topic, group] = [unique('stall'), unique('gs')];
    await createTopics(admin, [{ topic, numPartitions: 6 }]);
    const watch = new Watch();
    let stalled = false;
    const start = async (name: string, stall: boolean): Promise<Tracked> => {
      const consumer = kafka.consumer({ groupId: group, heartbeatInterval: 50, sessionTimeout: SESSION_MS, rebalanceTimeout: SESSION_MS, maxWaitTimeInMs: 0 });
      consumers.push(consumer);
      const t = track(consumer, name, watch);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const record = recorder(t, watch);
      await consumer.run({
        eachMessage: async (p) => {
          if (stall) {
            stalled = true;
            watch.poke();
            await released;
          }
          await record(p);
        },
      });
      return t;
    };
    const [a, b, c] = [await start('a', false), await start('b', false), await start('c', true)];
    await watch.until(() => [a, b, c].every((m) => (m.assignment[topic] ?? []).length === 2) && assigned([a, b, c], topic).join() === '0,1,2,3,4,5');

    await producer.send({ topic, messages: [0, 1, 2, 3, 4, 5].map((partition) => ({ partition, value: `p${partition}` })) });
    await watch.until(() => stalled && a.seen.length + b.seen.length === 4);

    const live = [a, b];
    const takenOver = () => live.every((m) => (m.assignment[topic] ?? []).length === 3);
    const emu = target.emulator;
    if (emu) {
      let advanced = 0;
      while (!takenOver()) {
        const marks = live.map((m) => m.heartbeats + m.joins);
        await emu.advance(STEP_MS);
        advanced += STEP_MS;
        await watch.until(() => takenOver() || live.every((m, i) => m.heartbeats + m.joins > marks[i]));
      }
      expect(advanced).toBeGreaterThanOrEqual(SESSION_MS);
    } else {
      // c last heartbeated just before it stalled, so expiry comes a session timeout after that.
      const since = Date.now();
      await watch.until(takenOver);
      expect(Date.now() - since).toBeGreaterThanOrEqual(SESSION_MS - STEP_MS);
    }
    expect(assigned(live, topic)).toEqual([0, 1, 2, 3, 4, 5]);
    const described = (await admin.describeGroups([group])).groups[0];
    expect(described.members.map((m) => m.memberId).sort()).toHaveLength(2);
    // The stalled member never committed, so its two messages are delivered again to the others.
    await watch.until(() => a.seen.length + b.seen.length === 6);
  });
});
