/**
 * (Named *restart.test so the in-memory pass, which cannot restart on a data dir, leaves it out.)
 * Issue 11's proof: a Kafka Streams word count with processing.guarantee=exactly_once_v2
 * (KafkaStreamsEosRestartScenario.java) keeps running while this test kills Tandem with SIGKILL in
 * the middle of the stream and restarts it on the same data dir and Kafka port. The read_committed
 * output must end at every word's exact count, with no count repeated or going back. Tandem-only:
 * the oracle broker is not ours to kill.
 */
import { Emulator } from '../harness/emulator.js';
import { tandemOnly, unique } from '../harness/kafka-target.js';
import { javaScenario, JVM_TIMEOUT_MS } from './scenario.js';

tandemOnly('Kafka Streams exactly_once_v2 across a kill -9 of Tandem', () => {
  let emu: Emulator;
  let r: any;
  let killedAt = 0;
  let restartedAt = 0;

  beforeAll(async () => {
    emu = await Emulator.start({ realClock: true });
    const port = emu.kafkaPort;
    let restarting: Promise<void> | undefined;
    const run = javaScenario('kafka-streams-eos-restart', {
      bootstrap: emu.kafkaBroker,
      streamsInput: unique('java-streams-rs-in'),
      streamsOutput: unique('java-streams-rs-out'),
      streamsApp: unique('java-wordcount-rs'),
      streamsLines: '2000',
    }, (line, reply) => {
      if (line !== '{"phase":"kill"}' || restarting) return;
      restarting = (async () => {
        await emu.kill9();
        killedAt = Date.now();
        // The second half of the input goes out while Tandem is down and coming back.
        reply('killed');
        // Same data dir, same Kafka port: the clients reconnect to the address they know.
        emu = await emu.restart({ args: ['--kafka-port', String(port)] });
        restartedAt = Date.now();
      })();
    });
    r = await run.finally(() => restarting);
  }, JVM_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await emu?.stop();
  });

  it('Tandem was killed while the application had committed only part of its output', () => {
    expect(killedAt).toBeGreaterThan(0);
    expect(restartedAt).toBeGreaterThanOrEqual(killedAt);
    expect(r.outputBeforeKill).toBeGreaterThan(0);
    // Counts of fewer words than the whole input were committed: the application was mid-stream.
    expect(r.wordsBeforeKill).toBeLessThan(r.words);
  });

  it('the committed output holds each word exact count, and no count repeats or goes back', () => {
    expect(r.counts).toEqual(r.expected);
    expect(Object.keys(r.expected)).toHaveLength(13);
    expect(r.nonIncreasing).toEqual({});
  });
});
