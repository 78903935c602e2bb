/**
 * Kafka SASL (`--kafka-sasl-users`) and TLS (`--kafka-tls-cert/key`), with the clients users run:
 * kcat and confluent-kafka (librdkafka: SaslHandshake v1 + SaslAuthenticate), kafkajs, kafka-python
 * 2.0.2 (a v0 handshake, then raw tokens without Kafka headers) and 3.x (SaslAuthenticate), each
 * with PLAIN and SCRAM-SHA-256/512, right and wrong passwords; TLS with a certificate made here by
 * openssl; and the protocol's edges over a raw socket (requests before authentication, unknown
 * mechanisms, ILLEGAL_SASL_STATE, session lifetime on the manual clock).
 *
 * Tandem-only except the last suite: the oracle broker of scripts/oracle is one PLAINTEXT listener
 * shared by every test file, so it cannot also be a SASL/TLS broker with these users; what a
 * PLAINTEXT broker answers to SaslHandshake/SaslAuthenticate runs on both.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { Emulator } from '../harness/emulator.js';
import { KCAT, PYTHON, repoRoot, run } from '../harness/kafka-clients.js';
import { startKafkaTarget, tandemOnly, unique, type KafkaTarget } from '../harness/kafka-target.js';

const VENV_PYTHON = path.join(repoRoot(), '.venv', 'bin', 'python');
const SCRIPT = path.join(repoRoot(), 'compat-tests', 'security', 'kafka_sasl.py');
const USERS = 'alice:alice-secret,bob:b0b=pass';
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
const ILLEGAL_SASL_STATE = 34;
const UNSUPPORTED_SASL_MECHANISM = 33;
const SASL_AUTHENTICATION_FAILED = 58;

interface PyResult {
  ok: boolean;
  values?: string[];
  error?: string;
  errors?: string[];
  version?: string;
}

async function python(py: string, client: 'kafka-python' | 'confluent', bootstrap: string, protocol: string, mechanism: string, user: string, password: string, topic: string, ca?: string): Promise<PyResult> {
  const out = await run(py, [SCRIPT, client, bootstrap, protocol, mechanism, user, password, topic, ...(ca ? [ca] : [])], { timeoutMs: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as PyResult;
}

function kcatArgs(bootstrap: string, protocol: string, mechanism: string, user: string, password: string): string[] {
  return ['-b', bootstrap, '-X', `security.protocol=${protocol}`, '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`];
}

function kafkajs(bootstrap: string, sasl: SASLOptions | undefined, ssl?: { ca: string }): Kafka {
  return new Kafka({ clientId: 'sasl-test', brokers: [bootstrap], sasl, ssl: ssl ? { ca: [ssl.ca] } : undefined, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3000 });
}

function kafkajsMechanism(m: (typeof MECHANISMS)[number]): 'plain' | 'scram-sha-256' | 'scram-sha-512' {
  return m.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
}

/** Produce one record with kafkajs and read it back (a fresh group, from the beginning). */
async function roundTrip(kafka: Kafka, topic: string, value: string): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `g-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message.value!.toString());
        resolve();
      },
    });
  });
  await consumer.disconnect();
  return got;
}

tandemOnly('SASL_PLAINTEXT with real clients', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await Emulator.start({ args: ['--kafka-sasl-users', USERS] });
  });
  afterAll(async () => emu?.stop());

  it.each(MECHANISMS)('kcat %s: the right password produces and consumes; a wrong one is refused with Kafka\'s message', async (m) => {
    const topic = `kcat-${m}`;
    await run(KCAT, [...kcatArgs(emu.kafkaBroker, 'SASL_PLAINTEXT', m, 'alice', 'alice-secret'), '-t', topic, '-P'], { input: `hello ${m}\n`, timeoutMs: 30_000 });
    const out = await run(KCAT, [...kcatArgs(emu.kafkaBroker, 'SASL_PLAINTEXT', m, 'bob', 'b0b=pass'), '-t', topic, '-C', '-o', 'beginning', '-c', '1', '-q'], { timeoutMs: 30_000 });
    expect(out.trim()).toBe(`hello ${m}`);
    const wrong = await run(KCAT, [...kcatArgs(emu.kafkaBroker, 'SASL_PLAINTEXT', m, 'alice', 'nope'), '-L', '-m', '3'], { timeoutMs: 30_000 }).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(wrong).toContain(m === 'PLAIN' ? 'Authentication failed: Invalid username or password' : `Authentication failed during authentication due to invalid credentials with SASL mechanism ${m}`);
  });

  it.each(MECHANISMS)('kafkajs %s: right password round-trips, wrong password and unknown user fail', async (m) => {
    const mechanism = kafkajsMechanism(m);
    const got = await roundTrip(kafkajs(emu.kafkaBroker, { mechanism, username: 'alice', password: 'alice-secret' } as SASLOptions), `kafkajs-${m}`, `kafkajs ${m}`);
    expect(got).toEqual([`kafkajs ${m}`]);
    for (const [username, password] of [
      ['alice', 'wrong'],
      ['mallory', 'alice-secret'],
    ]) {
      const admin = kafkajs(emu.kafkaBroker, { mechanism, username, password } as SASLOptions).admin();
      const err = await admin.connect().then(
        () => undefined,
        (e: Error & { type?: string }) => e,
      );
      await admin.disconnect();
      expect(err?.name).toBe('KafkaJSSASLAuthenticationError');
      expect(err?.message).toContain(m === 'PLAIN' ? 'Authentication failed: Invalid username or password' : 'Authentication failed during authentication due to invalid credentials');
    }
  });

  it.each(MECHANISMS)('kafka-python 2.0.2 (v0 handshake, raw tokens) %s', async (m) => {
    const ok = await python(PYTHON, 'kafka-python', emu.kafkaBroker, 'SASL_PLAINTEXT', m, 'alice', 'alice-secret', `kp2-${m}`);
    expect(ok).toMatchObject({ ok: true, version: '2.0.2', values: ['via kafka-python ' + m] });
    const bad = await python(PYTHON, 'kafka-python', emu.kafkaBroker, 'SASL_PLAINTEXT', m, 'alice', 'wrong', `kp2-bad-${m}`);
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/NoBrokersAvailable|KafkaTimeoutError|AuthenticationFailed/);
  });

  it('kafka-python 3.x (SaslAuthenticate) SCRAM-SHA-512 and confluent-kafka SCRAM-SHA-256 / PLAIN, right and wrong', async () => {
    const kp3 = await python(VENV_PYTHON, 'kafka-python', emu.kafkaBroker, 'SASL_PLAINTEXT', 'SCRAM-SHA-512', 'bob', 'b0b=pass', 'kp3');
    expect(kp3.ok).toBe(true);
    expect(kp3.values).toContain('via kafka-python SCRAM-SHA-512');
    for (const m of ['SCRAM-SHA-256', 'PLAIN']) {
      const ok = await python(VENV_PYTHON, 'confluent', emu.kafkaBroker, 'SASL_PLAINTEXT', m, 'alice', 'alice-secret', `cf-${m}`);
      expect(ok).toMatchObject({ ok: true, values: [`via confluent ${m}`] });
    }
    const bad = await python(VENV_PYTHON, 'confluent', emu.kafkaBroker, 'SASL_PLAINTEXT', 'SCRAM-SHA-256', 'alice', 'wrong', 'cf-bad');
    expect(bad.ok).toBe(false);
    expect(bad.errors?.[0]).toContain('Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256');
  }, 60_000);

  it('a client without SASL is disconnected: its first request other than ApiVersions closes the connection', async () => {
    const c = await RawClient.connectTo(emu.kafkaBroker);
    const versions = await c.call(18, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    const keys = (versions.body.apiKeys as { apiKey: number }[]).map((k) => k.apiKey);
    expect(keys).toEqual(expect.arrayContaining([17, 36]));
    c.write(c.frame(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }).bytes);
    expect(await c.next()).toBeNull();
  });

  it('SaslHandshake: an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM and the enabled list, then the connection closes', async () => {
    const c = await RawClient.connectTo(emu.kafkaBroker);
    const r = await c.call(17, 1, { mechanism: 'GSSAPI' });
    expect(r.body).toEqual({ errorCode: UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    await c.closed;
  });

  it('SaslAuthenticate: a wrong password gets SASL_AUTHENTICATION_FAILED and a close; a right one, then ILLEGAL_SASL_STATE for another handshake', async () => {
    const bad = await RawClient.connectTo(emu.kafkaBroker);
    expect((await bad.call(17, 1, { mechanism: 'PLAIN' })).body.errorCode).toBe(0);
    const failed = await bad.call(36, 2, { authBytes: Buffer.from('\0alice\0wrong') });
    expect(failed.body).toMatchObject({ errorCode: SASL_AUTHENTICATION_FAILED, errorMessage: 'Authentication failed: Invalid username or password' });
    await bad.closed;

    const good = await RawClient.connectTo(emu.kafkaBroker);
    await good.call(17, 1, { mechanism: 'PLAIN' });
    const ok = await good.call(36, 2, { authBytes: Buffer.from('alice\0alice\0alice-secret') });
    expect(ok.body).toMatchObject({ errorCode: 0, sessionLifetimeMs: 0 });
    const meta = await good.call(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(meta.body.brokers).toHaveLength(1);
    expect((await good.call(17, 1, { mechanism: 'PLAIN' })).body.errorCode).toBe(ILLEGAL_SASL_STATE);
    expect((await good.call(36, 2, { authBytes: Buffer.alloc(0) })).body).toMatchObject({ errorCode: ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication' });
    good.close();
  });

  it('a v0 handshake switches to raw tokens: a size-prefixed PLAIN token, an empty token back, then Kafka requests', async () => {
    const c = await RawClient.connectTo(emu.kafkaBroker);
    expect((await c.call(17, 0, { mechanism: 'PLAIN' })).body.errorCode).toBe(0);
    const token = Buffer.from('\0bob\0b0b=pass');
    const frame = Buffer.alloc(4 + token.length);
    frame.writeInt32BE(token.length);
    token.copy(frame, 4);
    c.write(frame);
    expect((await c.next())?.length).toBe(0);
    const meta = await c.call(3, 1, { topics: null });
    expect(meta.body.brokers).toHaveLength(1);
    c.close();
  });

  it('a request before the handshake completes, other than ApiVersions/SaslHandshake, closes the connection (no answer)', async () => {
    const c = await RawClient.connectTo(emu.kafkaBroker);
    await c.call(17, 1, { mechanism: 'SCRAM-SHA-256' });
    c.write(c.frame(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }).bytes);
    expect(await c.next()).toBeNull();
  });
});

tandemOnly('SASL session lifetime (connections.max.reauth.ms) on the manual clock', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await Emulator.start({ args: ['--kafka-sasl-users', USERS, '--kafka-sasl-session-lifetime-ms', '60000'] });
  });
  afterAll(async () => emu?.stop());

  async function login(c: RawClient, user = 'alice', password = 'alice-secret'): Promise<any> {
    expect((await c.call(17, 1, { mechanism: 'PLAIN' })).body.errorCode).toBe(0);
    return (await c.call(36, 2, { authBytes: Buffer.from(`\0${user}\0${password}`) })).body;
  }

  it('the session ends after its lifetime unless re-authenticated; re-authentication keeps the principal', async () => {
    const c = await RawClient.connectTo(emu.kafkaBroker);
    expect(await login(c)).toMatchObject({ errorCode: 0, sessionLifetimeMs: 60000 });
    await emu.advance(50_000);
    // KIP-368: the same connection authenticates again and gets a new lifetime.
    expect(await login(c)).toMatchObject({ errorCode: 0, sessionLifetimeMs: 60000 });
    await emu.advance(50_000);
    expect((await c.call(3, 1, { topics: null })).body.brokers).toHaveLength(1);
    // Re-authenticating as someone else is refused.
    const other = await login(c, 'bob', 'b0b=pass');
    expect(other).toMatchObject({ errorCode: SASL_AUTHENTICATION_FAILED, errorMessage: 'Cannot change principals during re-authentication from User:alice: User:bob' });
    await c.closed;

    const idle = await RawClient.connectTo(emu.kafkaBroker);
    await login(idle);
    await emu.advance(60_001);
    idle.write(idle.frame(3, 1, { topics: null }).bytes);
    expect(await idle.next()).toBeNull();
  });
});

tandemOnly('TLS listeners (a self-signed certificate made by openssl)', () => {
  let dir: string;
  let cert: string;
  let ca: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-tls-'));
    cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    ca = readFileSync(cert, 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SASL_SSL: kcat, kafkajs and kafka-python authenticate over TLS; a plaintext client gets nothing', async () => {
    const emu = await Emulator.start({ args: ['--kafka-sasl-users', USERS, '--kafka-tls-cert', cert, '--kafka-tls-key', path.join(dir, 'key.pem')] });
    try {
      await run(KCAT, [...kcatArgs(emu.kafkaBroker, 'SASL_SSL', 'SCRAM-SHA-256', 'alice', 'alice-secret'), '-X', `ssl.ca.location=${cert}`, '-t', 'tls', '-P'], { input: 'over tls\n', timeoutMs: 30_000 });
      const got = await roundTrip(kafkajs(emu.kafkaBroker, { mechanism: 'scram-sha-512', username: 'bob', password: 'b0b=pass' }, { ca }), 'tls', 'kafkajs over tls');
      expect(got).toEqual(['over tls']);
      const kp = await python(PYTHON, 'kafka-python', emu.kafkaBroker, 'SASL_SSL', 'PLAIN', 'alice', 'alice-secret', 'tls-kp', cert);
      expect(kp.ok).toBe(true);
      expect(kp.values).toContain('via kafka-python PLAIN');
      const plain = await run(KCAT, [...kcatArgs(emu.kafkaBroker, 'SASL_PLAINTEXT', 'PLAIN', 'alice', 'alice-secret'), '-L', '-m', '2'], { timeoutMs: 30_000 }).then(
        () => 'connected',
        () => 'refused',
      );
      expect(plain).toBe('refused');
    } finally {
      await emu.stop();
    }
  }, 90_000);

  it('SSL without SASL: kcat lists metadata over TLS and a client that does not trust the certificate fails', async () => {
    const emu = await Emulator.start({ args: ['--kafka-tls-cert', cert, '--kafka-tls-key', path.join(dir, 'key.pem')] });
    try {
      const out = await run(KCAT, ['-b', emu.kafkaBroker, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${cert}`, '-L', '-J'], { timeoutMs: 30_000 });
      expect((JSON.parse(out) as { brokers: unknown[] }).brokers).toHaveLength(1);
      const untrusted = await run(KCAT, ['-b', emu.kafkaBroker, '-X', 'security.protocol=SSL', '-X', 'ssl.ca.location=/etc/ssl/certs/ca-certificates.crt', '-L', '-m', '2'], { timeoutMs: 30_000 }).then(
        () => 'connected',
        (e: Error) => e.message,
      );
      expect(untrusted).toMatch(/certificate verify failed|SSL handshake failed/);
    } finally {
      await emu.stop();
    }
  }, 60_000);
});

describe('a broker without SASL answers SaslHandshake and SaslAuthenticate with ILLEGAL_SASL_STATE', () => {
  let target: KafkaTarget;
  beforeAll(async () => {
    target = await startKafkaTarget();
  });
  afterAll(async () => target?.stop());

  it('both versions of each, and the connection stays usable', async () => {
    const c = await RawClient.connectTo(target.bootstrap);
    for (const v of [0, 1]) expect((await c.call(17, v, { mechanism: 'PLAIN' })).body.errorCode).toBe(ILLEGAL_SASL_STATE);
    const auth = await c.call(36, 2, { authBytes: Buffer.from('\0alice\0x') });
    expect(auth.body.errorCode).toBe(ILLEGAL_SASL_STATE);
    const meta = await c.call(3, 1, { topics: [{ name: unique('sasl-none') }] });
    expect(meta.body.topics).toHaveLength(1);
    c.close();
  });
});
