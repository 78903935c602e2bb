/**
 * The process as users run it: the health endpoint, the flags that tell clients in other
 * containers where to connect (--sqs-base-url, --kafka-advertised-host/port), and a clean SIGTERM.
 */
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Emulator } from './harness/emulator.js';
import { KCAT, run } from './harness/kafka-clients.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await Emulator.start({
    args: ['--sqs-base-url', 'http://sqs.internal:4566', '--kafka-advertised-host', 'kafka.internal', '--kafka-advertised-port', '29092'],
  });
});
afterAll(() => emu.stop());

it('answers GET /health with 200 and a JSON status once ready', async () => {
  const res = await fetch(`${emu.sqsEndpoint}/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok' });
});

it('builds queue URLs on --sqs-base-url instead of the request Host header', async () => {
  const sqs = new SQSClient({
    endpoint: emu.sqsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const created = await sqs.send(new CreateQueueCommand({ QueueName: 'pinned' }));
  expect(created.QueueUrl).toBe('http://sqs.internal:4566/000000000000/pinned');
  const got = await sqs.send(new GetQueueUrlCommand({ QueueName: 'pinned' }));
  expect(got.QueueUrl).toBe(created.QueueUrl);
  sqs.destroy();
});

it('tells Kafka clients the advertised host and port in Metadata (kcat -L)', async () => {
  const out = await run(KCAT, ['-b', emu.kafkaBroker, '-L', '-m', '5'], { timeoutMs: 20_000 });
  expect(out).toMatch(/broker 1 at kafka\.internal:29092/);
});

it('exits 0 on SIGTERM after closing cleanly', async () => {
  const other = await Emulator.start();
  const exited = new Promise<number | null>((resolve) => other.proc.once('exit', (code) => resolve(code)));
  other.proc.kill('SIGTERM');
  expect(await exited).toBe(0);
  await other.stop();
});
