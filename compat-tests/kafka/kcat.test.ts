/** librdkafka through kcat: MsgVer2 with every codec, metadata, offsets, formats. */
import { Emulator } from '../harness/emulator.js';
import { kcat } from './clients.js';

describe('kcat (librdkafka)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    // Real clock: consuming to the end (-e) needs the broker's long polls to expire.
    emu = await Emulator.start({ realClock: true, args: ['--default-partitions', '3'] });
  });
  afterAll(async () => {
    await emu.stop();
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('produces and consumes with %s', async (codec) => {
    const topic = `codec-${codec}`;
    const input = Array.from({ length: 50 }, (_, i) => `key${i}:value ${i} ${'x'.repeat(i)}`).join('\n') + '\n';
    await kcat(emu.kafkaBroker, ['-P', '-t', topic, '-p', '1', '-z', codec, '-K:', '-X', 'linger.ms=5'], input);
    const out = await kcat(emu.kafkaBroker, ['-C', '-t', topic, '-p', '1', '-o', 'beginning', '-e', '-f', '%k=%s@%o\n']);
    expect(out.trim().split('\n')).toEqual(Array.from({ length: 50 }, (_, i) => `key${i}=value ${i} ${'x'.repeat(i)}@${i}`));
  });

  it('lists metadata with one broker leading every partition of auto-created topics', async () => {
    await kcat(emu.kafkaBroker, ['-P', '-t', 'meta', '-p', '0'], 'm\n');
    const md = JSON.parse(await kcat(emu.kafkaBroker, ['-L', '-J', '-t', 'meta']));
    expect(md.brokers).toEqual([{ id: 1, name: emu.kafkaBroker }]);
    const topic = md.topics.find((t: { topic: string }) => t.topic === 'meta');
    expect(topic.partitions).toHaveLength(3);
    for (const p of topic.partitions) {
      expect(p.leader).toBe(1);
      expect(p.replicas).toEqual([{ id: 1 }]);
      expect(p.isrs).toEqual([{ id: 1 }]);
    }
  });

  it('consumes from an absolute offset, a relative one and the end, with keys, headers and timestamps', async () => {
    const topic = 'offsets';
    const lines = Array.from({ length: 10 }, (_, i) => `v${i}`).join('\n') + '\n';
    await kcat(emu.kafkaBroker, ['-P', '-t', topic, '-p', '0', '-H', 'trace=abc'], lines);
    const from7 = await kcat(emu.kafkaBroker, ['-C', '-t', topic, '-p', '0', '-o', '7', '-e', '-f', '%o %s %h\n']);
    expect(from7.trim().split('\n')).toEqual(['7 v7 trace=abc', '8 v8 trace=abc', '9 v9 trace=abc']);
    const last2 = await kcat(emu.kafkaBroker, ['-C', '-t', topic, '-p', '0', '-o', '-2', '-e', '-f', '%s\n']);
    expect(last2.trim().split('\n')).toEqual(['v8', 'v9']);
    const atEnd = await kcat(emu.kafkaBroker, ['-C', '-t', topic, '-p', '0', '-o', 'end', '-e', '-f', '%s\n']);
    expect(atEnd).toBe('');
    const ts = await kcat(emu.kafkaBroker, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '1', '-f', '%T\n']);
    expect(Number(ts.trim())).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });

  it('resets an out-of-range offset as the consumer is configured to', async () => {
    await kcat(emu.kafkaBroker, ['-P', '-t', 'oor', '-p', '0'], 'a\nb\n');
    const out = await kcat(emu.kafkaBroker, ['-C', '-t', 'oor', '-p', '0', '-o', '100', '-e', '-X', 'auto.offset.reset=earliest', '-f', '%o\n']);
    expect(out.trim().split('\n')).toEqual(['0', '1']);
  });
});
