/**
 * Shared plumbing for the SQS compatibility suite: real clients pointed at a spawned emulator,
 * a runner for the Debian boto3 (Query) / .venv boto3 (JSON) step scripts and for the Debian
 * aws CLI, error capture, and the AWS MD5-of-attributes algorithm (checked against the vectors
 * recorded from real AWS in vectors below).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SQSClient as QuerySQSClient } from 'sqs-query-sdk';
import AWS from 'aws-sdk';
import { Emulator, type EmulatorOptions } from '../harness/emulator.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The repo root: the first ancestor of this (compiled) file holding compat-tests/sqs/python. */
export const REPO_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'compat-tests', 'sqs', 'python')) && existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repo root not found');
    dir = up;
  }
})();

let counter = 0;
/** A queue name unique within the suite run (AWS names: [A-Za-z0-9_-], <= 80 chars). */
export function uniq(prefix: string, fifo = false): string {
  const name = `${prefix}-${process.pid}-${++counter}-${randomBytes(3).toString('hex')}`;
  return fifo ? `${name}.fifo` : name;
}

export function queueUrl(endpoint: string, name: string): string {
  return `${endpoint}/${ACCOUNT}/${name}`;
}

export function queueArn(name: string, region = REGION): string {
  return `arn:aws:sqs:${region}:${ACCOUNT}:${name}`;
}

// ---------------------------------------------------------------------------------------------
// JS clients

/** Current @aws-sdk/client-sqs: AWS JSON 1.0 protocol. */
export function v3(emu: Emulator, opts: { region?: string; endpoint?: string } = {}): SQSClient {
  return new SQSClient({
    region: opts.region ?? REGION,
    endpoint: opts.endpoint ?? emu.sqsEndpoint,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
}

/** @aws-sdk/client-sqs 3.445.0: the Query (form/XML) protocol. */
export function v3q(emu: Emulator, opts: { region?: string; endpoint?: string } = {}): QuerySQSClient {
  return new QuerySQSClient({
    region: opts.region ?? REGION,
    endpoint: opts.endpoint ?? emu.sqsEndpoint,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
}

/** aws-sdk v2 (JSON protocol since 2.1491). */
export function v2(emu: Emulator, opts: { region?: string } = {}): AWS.SQS {
  return new AWS.SQS({
    region: opts.region ?? REGION,
    endpoint: emu.sqsEndpoint,
    credentials: new AWS.Credentials(CREDENTIALS),
    maxRetries: 0,
  });
}

export interface Suite {
  emu: Emulator;
  /** Current @aws-sdk/client-sqs (JSON). */
  js: SQSClient;
  /** @aws-sdk/client-sqs 3.445.0 (Query). */
  qs: QuerySQSClient;
}

/**
 * One emulator and a JSON and a Query client shared by every test of the file: started in beforeAll,
 * closed in afterAll together with the file's boto3 workers. `use` gets them once they are started,
 * so a file keeps plain variables: `useSuite((s) => ({ emu, js, qs } = s))`.
 */
export function useSuite(use: (s: Suite) => void, opts?: EmulatorOptions): void {
  let suite: Suite | undefined;
  beforeAll(async () => {
    const emu = await Emulator.start(opts);
    suite = { emu, js: v3(emu), qs: v3q(emu) };
    use(suite);
  });
  afterAll(async () => {
    await closeBotoWorkers();
    suite?.js.destroy();
    suite?.qs.destroy();
    await suite?.emu.stop();
  });
}

/** A new standard queue named `<prefix>-<unique>`; its URL. */
export async function newQueue(js: SQSClient, prefix: string, Attributes?: Record<string, string>): Promise<string> {
  return (await js.send(new CreateQueueCommand({ QueueName: uniq(prefix), Attributes }))).QueueUrl!;
}

/** [ApproximateNumberOfMessages, ...NotVisible, ...Delayed] of a queue. */
export async function counts(js: SQSClient, QueueUrl: string): Promise<[number, number, number]> {
  const r = await js.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = r.Attributes ?? {};
  return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible), Number(a.ApproximateNumberOfMessagesDelayed)];
}

/** A client error, as each JS client surfaces it. */
export interface CaughtError {
  name?: string;
  /** v3: the Query code copied from x-amzn-query-error (JSON) / the XML Code; v2: err.code. */
  Code?: string;
  code?: string;
  message: string;
  /**
   * The error text as the client exposes it: err.message, or for the 3.445 Query client's modelled
   * exceptions (whose shapes have no message member, so err.message is "UnknownError") err.Error.Message.
   */
  text: string;
  status?: number;
  raw: any;
}

/** Runs `fn`, which must fail; returns the error in a uniform shape. */
export async function caught(fn: () => Promise<unknown>): Promise<CaughtError> {
  try {
    await fn();
  } catch (e: any) {
    return {
      name: e?.name,
      Code: e?.Code ?? e?.Error?.Code,
      code: e?.code,
      message: e?.message,
      text: e?.Error?.Message ?? e?.message,
      status: e?.$metadata?.httpStatusCode ?? e?.statusCode,
      raw: e,
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

// ---------------------------------------------------------------------------------------------
// Python (boto3) step runner

/** Debian python3-boto3 1.26 (botocore 1.29: Query protocol). */
export const PY_QUERY = '/usr/bin/python3';
/** The repo's .venv (scripts/setup/20-python.sh) with PyPI's boto3 1.44 (JSON protocol). */
export const PY_JSON = path.join(REPO_ROOT, '.venv', 'bin', 'python');

export const CLIENT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: REGION,
  AWS_REGION: REGION,
  AWS_PAGER: '',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_MAX_ATTEMPTS: '1',
  AWS_RETRY_MODE: 'standard',
  PYTHONDONTWRITEBYTECODE: '1',
};

/**
 * One boto3 call. Params may hold `{"$b64": "..."}` for bytes and `{"$ref": "2.Messages.0.ReceiptHandle"}`
 * for a value from an earlier step's result. `_advance` moves the emulator clock (`ms`).
 */
export interface PyStep {
  op: string;
  params?: Record<string, unknown>;
  region?: string;
  /** Extra HTTP headers to add to this request. */
  headers?: Record<string, string>;
  /** The boto3 service (default sqs; sts for GetCallerIdentity). */
  service?: string;
  /** The access key id (default test); a 12-digit one selects that account. */
  accessKeyId?: string;
  ms?: number;
}

export interface PyResult {
  ok?: any;
  error?: { Code: string; Message: string; HTTPStatusCode: number; QueryErrorCode?: string; Type?: string };
  exception?: string;
}

function run(cmd: string, args: string[], input = '', timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env: CLIENT_ENV, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin!.end(input);
  });
}

const BOTO_STEPS = path.join(REPO_ROOT, 'compat-tests', 'sqs', 'python', 'boto_steps.py');

interface BotoAnswer {
  protocol: string;
  botocore: string;
  results: PyResult[];
}

/**
 * One long-lived `boto_steps.py --serve` process per interpreter (per test file), so the ~0.5 s
 * interpreter + boto3 start-up is paid once, not per call. Requests are answered in order.
 */
class BotoWorker {
  private readonly proc: ChildProcess;
  private readonly pending: Array<{ resolve: (a: BotoAnswer) => void; reject: (e: Error) => void }> = [];
  private stderr = '';
  dead = false;

  constructor(python: string) {
    this.proc = spawn(python, [BOTO_STEPS, '--serve'], { env: CLIENT_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = createInterface({ input: this.proc.stdout! });
    lines.on('line', (line) => {
      const p = this.pending.shift();
      if (!p) return;
      try {
        p.resolve(JSON.parse(line) as BotoAnswer);
      } catch (e) {
        p.reject(new Error(`bad answer from boto_steps.py: ${line}`));
      }
      this.idle();
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.proc.on('exit', (code) => {
      this.dead = true;
      for (const p of this.pending.splice(0)) p.reject(new Error(`boto_steps.py exited with ${code}: ${this.stderr}`));
    });
    this.idle();
  }

  /** Keep the jest worker alive only while a request is outstanding. */
  private idle(): void {
    const handles = [this.proc, this.proc.stdin, this.proc.stdout, this.proc.stderr] as Array<{ ref(): void; unref(): void } | null>;
    for (const h of handles) (this.pending.length ? h?.ref() : h?.unref());
  }

  /** Ends the process (EOF on its stdin) and waits for it. */
  close(): Promise<void> {
    if (this.dead) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.stdin!.end();
    });
  }

  request(endpoint: string, steps: PyStep[]): Promise<BotoAnswer> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.idle();
      this.proc.stdin!.write(JSON.stringify({ endpoint, steps }) + '\n');
    });
  }
}

const workers = new Map<string, BotoWorker>();

function worker(python: string): BotoWorker {
  let w = workers.get(python);
  if (!w || w.dead) {
    w = new BotoWorker(python);
    workers.set(python, w);
  }
  return w;
}

/** Stops this test file's boto3 workers (call from afterAll). */
export async function closeBotoWorkers(): Promise<void> {
  const all = [...workers.values()];
  workers.clear();
  await Promise.all(all.map((w) => w.close()));
}

/** Runs the steps through boto3; returns one result per step (a failing step does not stop later ones). */
export async function boto(endpoint: string, steps: PyStep[], python = PY_QUERY): Promise<PyResult[]> {
  return (await worker(python).request(endpoint, steps)).results;
}

/** The protocol botocore uses for SQS with the given interpreter ('query' or 'json'). */
export async function botoProtocol(python: string): Promise<string> {
  return (await worker(python).request('http://127.0.0.1:1', [])).protocol;
}

/** Debian awscli 2.9 (Query protocol). */
export const AWS_CLI = '/usr/bin/aws';
/** Jest timeout for tests that start the aws CLI several times (each start costs 1-3 s on a loaded machine). */
export const CLI_TIMEOUT = 90_000;

export interface CliResult {
  code: number;
  json: any;
  stdout: string;
  stderr: string;
}

export async function cli(endpoint: string, args: string[], region = REGION): Promise<CliResult> {
  const r = await run(AWS_CLI, ['--endpoint-url', endpoint, '--region', region, '--output', 'json', 'sqs', ...args]);
  let json: any = undefined;
  if (r.stdout.trim()) {
    try {
      json = JSON.parse(r.stdout);
    } catch {
      /* not JSON */
    }
  }
  return { ...r, json };
}

// ---------------------------------------------------------------------------------------------
// MD5s as AWS computes them

export function md5(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

export interface Attr {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

/** AWS's MD5OfMessageAttributes: sorted names; len-prefixed name, type, transport byte (1 string/number, 2 binary), value. */
export function md5OfAttributes(attrs: Record<string, Attr>): string {
  const h = createHash('md5');
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const lp = (b: Buffer) => Buffer.concat([u32(b.length), b]);
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name];
    h.update(lp(Buffer.from(name, 'utf8')));
    h.update(lp(Buffer.from(a.DataType, 'utf8')));
    if (a.DataType.startsWith('Binary')) {
      h.update(Buffer.from([2]));
      h.update(lp(Buffer.from(a.BinaryValue!)));
    } else {
      h.update(Buffer.from([1]));
      h.update(lp(Buffer.from(a.StringValue!, 'utf8')));
    }
  }
  return h.digest('hex');
}

/** Test vectors recorded from real AWS (see the SQS reference notes). */
export const VECTORS = {
  bodyTest: { body: 'test', md5: '098f6bcd4621d373cade4e832627b4f6' },
  numberAttr: {
    attrs: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } } as Record<string, Attr>,
    md5: '235c5c510d26fb653d073faed50ae77c',
  },
  binaryAttr: {
    attrs: {
      attr1: {
        DataType: 'Binary',
        BinaryValue: Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1'),
      },
    } as Record<string, Attr>,
    md5: '8cbe4db156db8a94db8b801b7addb984',
  },
};

/** Resolves true if `p` settles within `ms` real milliseconds. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (t = setTimeout(() => r(false), ms)));
  const done = p.then(
    () => true,
    () => true,
  );
  const res = await Promise.race([done, timeout]);
  clearTimeout(t);
  return res;
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
