/**
 * The peers users would otherwise run (issue 15), as the bench starts them beside Tandem: each one
 * is installed by its own pinned, idempotent script in this folder (run here, never by npm test),
 * started on loopback, judged ready by an answer on its port, and stopped (with everything it
 * spawned) afterwards. A peer that cannot be installed or started is reported, not fatal: the
 * suite turns it into a SKIP row with the reason.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT, WORK_DIR, track } from '../lib/procs.js';

export interface RunningPeer {
  /** Kafka bootstrap (host:port) or SQS endpoint URL. */
  address: string;
  /** The process whose RSS is the peer's (the JVM, the Python or Go server). */
  pid: number;
  /** spawn → first answer on its port, measured here. */
  readyMs: number;
  note?: string;
  stop(): Promise<void>;
}

export interface Peer {
  name: string;
  kind: 'kafka' | 'sqs';
  /** SQS protocol the peer speaks: Tandem is measured in the same one beside it. */
  protocol?: 'json' | 'query';
  /** Why the peer cannot run here at all (checked before installing). */
  unavailable?: () => string | undefined;
  /** Sent with every SQS request to this peer. */
  headers?: Record<string, string>;
  install?: string;
  start(): Promise<RunningPeer>;
}

const PEERS_DIR = path.join(WORK_DIR, 'peers');
const BIN = path.join(PEERS_DIR, 'bin');
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a peer's install script; rejects with the tail of its output. */
export function install(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = execFile('bash', [path.join(REPO_ROOT, 'scripts/bench/peers', script)], { cwd: REPO_ROOT, timeout: 15 * 60_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${script}: ${(stderr || stdout || err.message).trim().split('\n').slice(-2).join(' ')}`));
      else resolve();
    });
    track(p);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** Spawned in its own process group so a stop reaches a launcher's children too. */
function spawnPeer(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { proc: ChildProcess; log: () => string } {
  let out = '';
  const proc = track(spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-4000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  return { proc, log: () => out };
}

async function stopGroup(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  try {
    process.kill(-proc.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }, 15_000);
  await exited;
  clearTimeout(t);
}

/** Polls `probe` until it resolves true; rejects when the process exits or after `timeoutMs`. */
async function until(proc: ChildProcess, log: () => string, probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!(await probe().catch(() => false))) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${what} exited (${proc.exitCode ?? proc.signalCode}): ${log().trim().split('\n').slice(-3).join(' ')}`);
    if (performance.now() - t0 > timeoutMs) throw new Error(`${what} not ready in ${timeoutMs} ms`);
    await settle(20);
  }
}

/**
 * moto serves every AWS service on one port and tells them apart by the credential scope of the
 * SigV4 Authorization header (it does not check the signature): without one, SQS calls get XML errors.
 */
export const MOTO_AUTH = { authorization: 'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0' };

const sqsProbe = (url: string, protocol: 'json' | 'query', extra: Record<string, string>) => async () => {
  const res = await fetch(url, protocol === 'json'
    ? { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues', ...extra }, body: '{}' }
    : { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra }, body: 'Action=ListQueues&Version=2012-11-05' });
  await res.arrayBuffer();
  return res.status === 200;
};

async function startSqs(name: string, protocol: 'json' | 'query', cmd: string, args: (port: number) => string[], extra: Record<string, string> = {}): Promise<RunningPeer> {
  const port = await freePort();
  const t0 = performance.now();
  const { proc, log } = spawnPeer(cmd, args(port));
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(proc, log, sqsProbe(url, protocol, extra), 120_000, name);
  } catch (e) {
    await stopGroup(proc);
    throw e;
  }
  return { address: url, pid: proc.pid!, readyMs: performance.now() - t0, stop: () => stopGroup(proc) };
}

function elasticmqConf(port: number, persist: boolean): string {
  const dir = path.join(PEERS_DIR, 'elasticmq', `run-${port}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'elasticmq.conf');
  writeFileSync(file, `include classpath("application.conf")
node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
messages-storage { enabled = ${persist}, uri = "jdbc:h2:${dir}/elasticmq" }
`);
  return file;
}

export const PEERS: Peer[] = [
  {
    name: 'Apache Kafka 4.4.0 (KRaft, 1 node)',
    kind: 'kafka',
    install: 'install-kafka.sh',
    async start() {
      const [port, cport] = [await freePort(), await freePort()];
      const run = path.join(PEERS_DIR, 'kafka-run');
      const env = {
        ...process.env,
        TANDEM_ORACLE_PORT: String(port),
        TANDEM_ORACLE_CONTROLLER_PORT: String(cport),
        TANDEM_ORACLE_RUN: run,
        // kafka-server-start.sh's defaults (KAFKA_HEAP_OPTS, G1), not the oracle's small test JVM.
        TANDEM_ORACLE_JVM: '-Xmx1G -Xms1G -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true',
      };
      const script = path.join(REPO_ROOT, 'scripts/oracle/kafka.sh');
      const t0 = performance.now();
      const out = await new Promise<string>((resolve, reject) => {
        track(execFile('bash', [script, 'start'], { env, timeout: 150_000 }, (err, _stdout, stderr) => (err ? reject(new Error(`kafka.sh start: ${stderr.trim().split('\n').slice(-2).join(' ')}`)) : resolve(stderr))));
      });
      const readyMs = performance.now() - t0;
      const pid = Number(readFileSync(path.join(run, 'kafka.pid'), 'utf8'));
      const stop = () => new Promise<void>((resolve) => track(execFile('bash', [script, 'stop'], { env }, () => resolve())));
      return { address: `127.0.0.1:${port}`, pid, readyMs, note: /ready in .*\)/.exec(out)?.[0], stop };
    },
  },
  {
    name: 'franz-go kfake',
    kind: 'kafka',
    install: 'install-kfake.sh',
    async start() {
      const port = await freePort();
      const t0 = performance.now();
      const { proc, log } = spawnPeer(path.join(BIN, 'kfake'), [String(port)]);
      try {
        await until(proc, log, async () => log().includes('ready'), 30_000, 'kfake');
      } catch (e) {
        await stopGroup(proc);
        throw e;
      }
      return { address: `127.0.0.1:${port}`, pid: proc.pid!, readyMs: performance.now() - t0, stop: () => stopGroup(proc) };
    },
  },
  ...[false, true].map((persist): Peer => ({
    name: `ElasticMQ 1.7.1 (persistence ${persist ? 'on, H2' : 'off'})`,
    kind: 'sqs',
    protocol: 'json',
    install: 'install-elasticmq.sh',
    start: () => {
      const lib = path.join(PEERS_DIR, 'elasticmq', 'lib');
      return startSqs('elasticmq', 'json', '/usr/bin/java', (port) => [`-Dconfig.file=${elasticmqConf(port, persist)}`, '-cp', `${lib}/*`, 'org.elasticmq.server.Main']);
    },
  })),
  {
    name: 'moto server 5.2.5',
    kind: 'sqs',
    protocol: 'json',
    install: 'install-moto.sh',
    headers: MOTO_AUTH,
    start: () => startSqs('moto', 'json', path.join(PEERS_DIR, 'moto/bin/moto_server'), (port) => ['-H', '127.0.0.1', '-p', String(port)], MOTO_AUTH),
  },
  {
    name: 'goaws v0.4.5',
    kind: 'sqs',
    protocol: 'query',
    install: 'install-goaws.sh',
    start: () =>
      startSqs('goaws', 'query', path.join(BIN, 'goaws'), (port) => {
        const conf = path.join(PEERS_DIR, `goaws-${port}.yaml`);
        writeFileSync(conf, `Local:\n  Host: 127.0.0.1\n  Port: ${port}\n  Region: us-east-1\n  AccountId: "100010001000"\n  LogToFile: false\n  QueueAttributeDefaults:\n    VisibilityTimeout: 30\n    ReceiveMessageWaitTimeSeconds: 0\n    MaximumMessageSize: 262144\n`);
        return ['-config', conf, 'Local'];
      }),
  },
  {
    name: 'LocalStack',
    kind: 'sqs',
    unavailable: () =>
      // LocalStack 2+ runs only inside its container image (host mode was removed), and the image comes from a registry this machine cannot reach.
      existsSync('/var/run/docker.sock')
        ? 'LocalStack runs only as its Docker image, which this machine cannot pull'
        : 'LocalStack 2+ runs only inside its Docker container (host mode removed); no Docker daemon here',
    start: () => Promise.reject(new Error('unavailable')),
  },
];
