/**
 * Two Kafka listeners (--kafka-internal-port): clients in other containers of a Docker network
 * must be told an address they can reach, clients on the host another. Each connection is
 * answered with the address of the listener it came in on, in Metadata, FindCoordinator and
 * DescribeCluster; real clients (kcat, kafkajs) bootstrapped on either listener then produce and
 * consume through the address they were told. Tandem-only: these are Tandem's own flags.
 */
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { Emulator } from '../../../compat-tests/harness/emulator.js';
import { KCAT, run } from '../../../compat-tests/harness/kafka-clients.js';
import { tandemOnly } from '../../../compat-tests/harness/kafka-target.js';
import { RawClient } from '../protocol/wire.js';

/** A port free right now (the listener binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

tandemOnly('two Kafka listeners', () => {
  let emu: Emulator;
  let internalPort: number;
  // Both names reach this machine; what matters is that each listener reports its own.
  const INTERNAL_HOST = 'localhost';
  beforeAll(async () => {
    internalPort = await freePort();
    emu = await Emulator.start({ realClock: true, args: ['--kafka-internal-port', String(internalPort), '--kafka-internal-advertised-host', INTERNAL_HOST] });
  });
  afterAll(() => emu.stop());

  const listeners = () => [
    { name: 'external', port: emu.kafkaPort, host: '127.0.0.1' },
    { name: 'internal', port: internalPort, host: INTERNAL_HOST },
  ];

  it('answers Metadata, FindCoordinator and DescribeCluster with the address of the listener asked', async () => {
    for (const l of listeners()) {
      const c = await RawClient.connect(l.port);
      try {
        const md = (await c.call(3, 12, { topics: [], allowAutoTopicCreation: false })).body;
        expect({ listener: l.name, brokers: md.brokers }).toEqual({ listener: l.name, brokers: [{ nodeId: 1, host: l.host, port: l.port, rack: null }] });
        const fc = (await c.call(10, 6, { keyType: 0, coordinatorKeys: ['g'] })).body.coordinators[0];
        expect({ listener: l.name, host: fc.host, port: fc.port }).toEqual({ listener: l.name, host: l.host, port: l.port });
        const fcOld = (await c.call(10, 3, { key: 'g', keyType: 0 })).body;
        expect({ listener: l.name, host: fcOld.host, port: fcOld.port }).toEqual({ listener: l.name, host: l.host, port: l.port });
        const dc = (await c.call(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 })).body;
        expect({ listener: l.name, brokers: dc.brokers }).toEqual({ listener: l.name, brokers: [{ brokerId: 1, host: l.host, port: l.port, rack: null, isFenced: false }] });
      } finally {
        c.close();
      }
    }
  });

  it('kcat -L on each listener is told that listener\'s address; kcat produces on one and consumes on the other', async () => {
    const [ext, int] = listeners();
    expect(await run(KCAT, ['-b', `127.0.0.1:${ext.port}`, '-L', '-m', '5'], { timeoutMs: 20_000 })).toContain(`broker 1 at 127.0.0.1:${ext.port}`);
    expect(await run(KCAT, ['-b', `127.0.0.1:${int.port}`, '-L', '-m', '5'], { timeoutMs: 20_000 })).toContain(`broker 1 at ${INTERNAL_HOST}:${int.port}`);
    await run(KCAT, ['-b', `127.0.0.1:${int.port}`, '-P', '-t', 'two-listeners'], { timeoutMs: 20_000, input: 'a\nb\n' });
    const out = await run(KCAT, ['-b', `127.0.0.1:${ext.port}`, '-C', '-t', 'two-listeners', '-o', 'beginning', '-e', '-q'], { timeoutMs: 20_000 });
    expect(out.trim().split('\n')).toEqual(['a', 'b']);
  });

  it('a kafkajs consumer group works through either listener', async () => {
    for (const l of listeners()) {
      const kafka = new Kafka({ clientId: `kl-${l.name}`, brokers: [`127.0.0.1:${l.port}`], logLevel: logLevel.NOTHING });
      const topic = `kl-${l.name}`;
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ value: `via ${l.name}` }] });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: `kl-${l.name}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got = new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
      expect(await got).toBe(`via ${l.name}`);
      await consumer.disconnect();
    }
  });
});
