/**
 * The process as users run it: the health endpoint, the flags that tell clients in other
 * containers where to connect (--sqs-base-url, --kafka-advertised-host/port), a clean SIGTERM,
 * the command line (--help, --version, bad flags), the data-dir format check and --in-memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { key, PREFIX_META } from '../emulator/src/core/storage/keys.js';
import { Store } from '../emulator/src/core/storage/store.js';
import { Emulator } from './harness/emulator.js';
import { KCAT, repoRoot, run } from './harness/kafka-clients.js';

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

describe('the command line', () => {
  const MAIN = path.join(repoRoot(), 'dist', 'emulator', 'src', 'host', 'main.js');
  const tandem = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });

  it('prints --help to stdout and exits 0', () => {
    const r = tandem(['--help']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^usage: tandem \[serve\] \[options\]/);
    expect(r.stdout).toMatch(/--in-memory/);
  });

  it('prints --version from package.json and exits 0', () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
    const r = tandem(['--version']);
    expect([r.status, r.stdout.trim()]).toEqual([0, `tandem ${version}`]);
  });

  it('exits 2 with a message on stderr for an unknown flag', () => {
    const r = tandem(['--sqs-prot', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^tandem: Unknown option '--sqs-prot'/);
  });

  it('refuses a data dir written by a newer Tandem, naming it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-newer-'));
    const store = await Store.open({ dir });
    await store.begin().put(key(PREFIX_META), Buffer.from('{"format":99}')).commit();
    await store.close();
    const r = tandem(['--data-dir', dir, '--sqs-port', '0', '--kafka-port', '0']);
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`data dir ${dir} has format version 99`);
  });
});

it('--in-memory serves SQS and Kafka and writes nothing to the data dir', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-mem-'));
  const mem = await Emulator.start({ args: ['--in-memory', '--data-dir', path.join(dir, 'unused')] });
  expect(await (await fetch(`${mem.sqsEndpoint}/health`)).json()).toMatchObject({ status: 'ok', storage: 'memory' });
  const sqs = new SQSClient({ endpoint: mem.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await sqs.send(new CreateQueueCommand({ QueueName: 'mem' }));
  sqs.destroy();
  await run(KCAT, ['-b', mem.kafkaBroker, '-P', '-t', 'mem'], { input: 'x\n', timeoutMs: 20_000 });
  await mem.stop();
  expect(readdirSync(dir)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});
