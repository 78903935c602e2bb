/** kill -9 after acknowledged produces: every acknowledged record survives, offsets continue. */
import { Kafka, logLevel } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';
import { tandemOnly } from '../harness/kafka-target.js';
import { kcat } from './clients.js';

// Kills the Tandem process with SIGKILL and restarts it on the same data dir.
tandemOnly('Kafka durability across kill -9', () => {
  it('keeps every acks=-1 record and continues at the next offset', async () => {
    let emu = await Emulator.start();
    try {
      const connect = async () => {
        const kafka = new Kafka({ clientId: 'durable', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING });
        const producer = kafka.producer();
        await producer.connect();
        const admin = kafka.admin();
        await admin.connect();
        return { producer, admin, close: () => Promise.all([producer.disconnect(), admin.disconnect()]) };
      };
      let c = await connect();
      await c.admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 2 }] });
      // Concurrent sends land in shared group commits; each is acknowledged only once written.
      const sends = Array.from({ length: 40 }, (_, i) =>
        c.producer.send({ topic: 'durable', acks: -1, messages: [{ partition: i % 2, value: `m${i}` }, { partition: i % 2, value: `n${i}` }] }),
      );
      const acked = (await Promise.all(sends)).map((r) => `${r[0].partition}:${r[0].baseOffset}`);
      // No two acknowledged batches share an offset: 20 batches of 2 records per partition.
      expect(new Set(acked).size).toBe(40);
      await emu.kill9();
      await c.close().catch(() => undefined);

      emu = await emu.restart();
      c = await connect();
      expect(await c.admin.fetchTopicOffsets('durable')).toEqual([
        { partition: 0, offset: '40', high: '40', low: '0' },
        { partition: 1, offset: '40', high: '40', low: '0' },
      ]);
      const next = await c.producer.send({ topic: 'durable', acks: -1, messages: [{ partition: 0, value: 'after' }] });
      expect(next[0].baseOffset).toBe('40');
      await c.close();

      const out = await kcat(emu.kafkaBroker, ['-C', '-t', 'durable', '-p', '0', '-o', 'beginning', '-c', '41', '-f', '%o %s\n']);
      const lines = out.trim().split('\n');
      expect(lines.map((l) => Number(l.split(' ')[0]))).toEqual(Array.from({ length: 41 }, (_, i) => i));
      expect(lines.at(-1)).toBe('40 after');
      const values = new Set(lines.map((l) => l.split(' ')[1]));
      for (let i = 0; i < 40; i += 2) expect([values.has(`m${i}`), values.has(`n${i}`)]).toEqual([true, true]);
    } finally {
      await emu.stop();
    }
  });
});
