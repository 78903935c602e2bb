/**
 * The docker-compose setup without Docker: Tandem in one network namespace (the "tandem" service),
 * a client in another (a container on the same Compose network) that knows Tandem by the name
 * `tandem`, and a client beside Tandem (the host). Each Kafka listener must tell its clients an
 * address they can reach: the internal one `tandem:<port>`, the external one `localhost:<port>`;
 * SQS queue URLs follow the Host header. Needs root and iproute2 (CI runs as root); the
 * namespaces, veth pair and hosts file are this test's own and are removed afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { KCAT, repoRoot, run } from './harness/kafka-clients.js';

const id = String(process.pid % 10000);
const SRV = `tnd-srv-${id}`;
const CLIENT = `tnd-cli-${id}`;
// TEST-NET-1 (RFC 5737): documentation addresses, here only inside this test's own namespaces.
const SRV_ADDR = '192.0.2.1';
const CLIENT_ADDR = '192.0.2.2';
const IP = '/usr/sbin/ip';

const sh = (args: string[]) => run(IP, args, { timeoutMs: 10_000 });
const inNs = (ns: string, cmd: string, args: string[], input?: string) => run(IP, ['netns', 'exec', ns, cmd, ...args], { timeoutMs: 30_000, input });

describe('Kafka listeners across network namespaces (docker-compose without Docker)', () => {
  let tandem: ChildProcess | undefined;
  let dataDir: string;

  beforeAll(async () => {
    await sh(['netns', 'add', SRV]);
    await sh(['netns', 'add', CLIENT]);
    await sh(['link', 'add', `tv-s-${id}`, 'type', 'veth', 'peer', 'name', `tv-c-${id}`]);
    await sh(['link', 'set', `tv-s-${id}`, 'netns', SRV]);
    await sh(['link', 'set', `tv-c-${id}`, 'netns', CLIENT]);
    for (const [ns, dev, addr] of [[SRV, `tv-s-${id}`, SRV_ADDR], [CLIENT, `tv-c-${id}`, CLIENT_ADDR]]) {
      await sh(['netns', 'exec', ns, IP, 'addr', 'add', `${addr}/24`, 'dev', dev]);
      await sh(['netns', 'exec', ns, IP, 'link', 'set', dev, 'up']);
      await sh(['netns', 'exec', ns, IP, 'link', 'set', 'lo', 'up']);
    }
    // The Compose network's DNS: the client knows Tandem as "tandem".
    mkdirSync(`/etc/netns/${CLIENT}`, { recursive: true });
    writeFileSync(`/etc/netns/${CLIENT}/hosts`, `127.0.0.1 localhost\n${SRV_ADDR} tandem\n`);

    dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-netns-'));
    const main = path.join(repoRoot(), 'dist', 'emulator', 'src', 'host', 'main.js');
    // The environment of docker-compose.yml, on fixed ports inside Tandem's own namespace.
    tandem = spawn(IP, ['netns', 'exec', SRV, process.execPath, main], {
      env: {
        ...process.env,
        TANDEM_HOST: '0.0.0.0',
        TANDEM_DATA_DIR: dataDir,
        TANDEM_SQS_PORT: '9324',
        TANDEM_KAFKA_PORT: '9092',
        TANDEM_KAFKA_ADVERTISED_HOST: 'localhost',
        TANDEM_KAFKA_INTERNAL_PORT: '29092',
        TANDEM_KAFKA_INTERNAL_ADVERTISED_HOST: 'tandem',
        TANDEM_ALLOWED_HOSTS: 'tandem',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      tandem!.once('exit', (code) => reject(new Error(`tandem exited with ${code}`)));
      createInterface({ input: tandem!.stdout! }).on('line', (l) => l.includes('"event":"ready"') && resolve());
    });
  });

  afterAll(async () => {
    if (tandem && tandem.exitCode === null) {
      const exited = new Promise((r) => tandem!.once('exit', r));
      tandem.kill('SIGTERM');
      await exited;
    }
    await sh(['netns', 'del', SRV]).catch(() => {});
    await sh(['netns', 'del', CLIENT]).catch(() => {});
    rmSync(`/etc/netns/${CLIENT}`, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a client in another namespace bootstraps from tandem:29092, is told tandem:29092, and produces and consumes', async () => {
    const md = await inNs(CLIENT, KCAT, ['-b', 'tandem:29092', '-L', '-m', '10']);
    expect(md).toMatch(/broker 1 at tandem:29092/);
    await inNs(CLIENT, KCAT, ['-b', 'tandem:29092', '-P', '-t', 'compose'], 'from another container\n');
    expect(await inNs(CLIENT, KCAT, ['-b', 'tandem:29092', '-C', '-t', 'compose', '-o', 'beginning', '-e', '-q'])).toBe('from another container\n');
  });

  it('a client beside Tandem bootstraps from localhost:9092 and is told localhost:9092', async () => {
    expect(await inNs(SRV, KCAT, ['-b', 'localhost:9092', '-L', '-m', '10'])).toMatch(/broker 1 at localhost:9092/);
    expect(await inNs(SRV, KCAT, ['-b', 'localhost:9092', '-C', '-t', 'compose', '-o', 'beginning', '-e', '-q'])).toBe('from another container\n');
  });

  it('SQS gives the other namespace queue URLs on the name it used', async () => {
    const post = "fetch('http://tandem:9324/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=CreateQueue&QueueName=compose' }).then((r) => r.text()).then((t) => process.stdout.write(t))";
    const body = await inNs(CLIENT, process.execPath, ['-e', post]);
    expect(body).toContain('<QueueUrl>http://tandem:9324/000000000000/compose</QueueUrl>');
  });
});
