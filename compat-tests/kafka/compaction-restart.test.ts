/**
 * Log compaction across restarts: a clean restart keeps the compacted log, and a kill -9 while the
 * cleaner runs leaves the old log or the cleaned one, never a mix (each clean is one unit of work).
 * Tandem-only: the test restarts and kills its own broker process, which the shared oracle broker
 * cannot be; and it needs the disk (left out of the in-memory pass by its name).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { createTopics, eventually, startKafkaTarget, tandemOnly, unique, type KafkaTarget } from '../harness/kafka-target.js';
import { kcat } from './clients.js';

const SEGMENT_MS = 100;
/** Tandem's default kafka.logCleanerBackoffMs (Kafka's log.cleaner.backoff.ms). */
const CLEANER_BACKOFF_MS = 15_000;
/** As in compaction.test.ts: LogAppendTime so segment.ms counts the manual clock. */
const compactConfigs = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'segment.ms', value: String(SEGMENT_MS) },
  { name: 'min.cleanable.dirty.ratio', value: '0.01' },
  { name: 'message.timestamp.type', value: 'LogAppendTime' },
];

tandemOnly('log compaction across restarts (Tandem-only: restarts its own process)', () => {
  let target: KafkaTarget;
  afterAll(() => target.stop());

  it('a restart keeps the compacted log, and a kill -9 during cleaning leaves the old or the cleaned log, never a mix', async () => {
    target = await startKafkaTarget();
    let emu = target.emulator!;
    const kafka = () => new Kafka({ clientId: 'compaction-restart', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
    const topic = unique('compact-restart');
    const k = kafka();
    const admin = k.admin();
    await admin.connect();
    await createTopics(admin, [{ topic, numPartitions: 1, configEntries: compactConfigs }]);
    await admin.disconnect();
    const producer = k.producer();
    await producer.connect();
    // 200 batches of 50 records over 20 keys: enough work that the kill lands before, during or after it.
    for (let b = 0; b < 200; b++) {
      await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 20}`, value: `v${b}-${i}` })) });
    }
    await emu.advance(SEGMENT_MS * 2);
    await producer.send({ topic, messages: [{ key: 'last', value: 'x' }] });
    await producer.disconnect();
    const newest = new Map<string, string>();
    for (let i = 0; i < 50; i++) newest.set(`k${i % 20}`, `v199-${i}@${199 * 50 + i}`);
    newest.set('last', 'x@10000');
    const expected = [...newest.entries()].map(([key, v]) => `${key}=${v}`).sort();

    // Start a clean and kill the process at once.
    void emu.advance(CLEANER_BACKOFF_MS).catch(() => {});
    await delay(5);
    await emu.kill9();
    emu = await emu.restart();
    const lines = (await kcat(emu.kafkaBroker, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '21', '-f', '%k=%s@%o\n'])).trim().split('\n');
    // Either untouched (the first 21 of 10001 records) or cleaned (exactly the newest per key).
    const cleaned = [...lines].sort().join() === expected.join();
    const untouched = lines[0] === 'k0=v0-0@0' && lines[20] === 'k0=v0-20@20';
    expect(cleaned || untouched).toBe(true);

    // The cleaner finishes after the restart; a clean restart keeps the compacted log.
    await emu.advance(CLEANER_BACKOFF_MS);
    await eventually(
      async () => (await kcat(emu.kafkaBroker, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '21', '-f', '%k=%s@%o\n'])).trim().split('\n').sort().join(),
      (got) => got === expected.join(),
    );
    emu = await emu.restart();
    target = { ...target, emulator: emu, stop: () => emu.stop() };
    const got = (await kcat(emu.kafkaBroker, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '21', '-f', '%k=%s@%o\n'])).trim().split('\n');
    expect([...got].sort()).toEqual(expected);
  }, 90_000);
});
