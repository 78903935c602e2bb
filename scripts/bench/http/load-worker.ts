/**
 * The HTTP load generator, run in a worker thread so its CPU is not the event loop of the bench
 * (the servers under test are child processes). N keep-alive connections each run one operation
 * at a time; the run stops by itself at `durationMs` or `maxOps`, whichever comes first.
 *
 * Requests go over a minimal HTTP/1.1 client on raw sockets: with node:http's client (Agent with
 * keepAlive) the load generator saturated its core at ~3k req/s while the bare server it measured
 * used a third of one, so it measured the client. Responses must carry content-length (both the
 * emulator and the bare server always send it).
 */
import http from 'node:http';
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { Samples } from '../lib/stats.js';
import type { LoadResult, LoadSpec, ReqTemplate } from './load.js';

const spec = workerData as LoadSpec;
const base = new URL(spec.url);
const MAX_ERRORS = 50;
const HEADER_END = Buffer.from('\r\n\r\n');

interface Res {
  status: number;
  body: string;
}

/** One keep-alive connection, one request at a time. */
class Conn {
  /** Which request template the last operation used (latency per template). */
  tag = 0;
  private socket: net.Socket | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: Res) => void; reject: (e: Error) => void } | undefined;

  private connect(): net.Socket {
    const s = net.connect(Number(base.port), base.hostname);
    s.setNoDelay(true);
    s.on('data', (d: Buffer) => {
      if (this.socket !== s) return;
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.parse();
    });
    // Events of a socket already replaced (a server that closes after each response) are not this request's.
    const fail = (e: Error) => {
      if (this.socket !== s) return;
      this.socket = undefined;
      this.buf = Buffer.alloc(0);
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(e);
    };
    s.on('error', fail);
    s.on('close', () => fail(new Error('connection closed by server')));
    return s;
  }

  private parse(): void {
    const end = this.buf.indexOf(HEADER_END);
    if (end < 0 || !this.waiting) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m && /\r\ntransfer-encoding:\s*chunked/i.test(head)) return this.parseChunked(end + 4, status);
    if (!m) return this.waiting.reject(new Error(`response without content-length: ${head.slice(0, 200)}`));
    const total = end + 4 + Number(m[1]);
    if (this.buf.length < total) return;
    const body = this.buf.toString('utf8', end + 4, total);
    this.buf = this.buf.subarray(total);
    this.closeIfAsked(head);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve({ status, body });
  }

  /** moto's Werkzeug server answers `connection: close`: the next request opens a new connection. */
  private closeIfAsked(head: string): void {
    if (!/\r\nconnection:\s*close/i.test(head)) return;
    const s = this.socket;
    this.socket = undefined;
    this.buf = Buffer.alloc(0);
    s?.destroy();
  }

  /** Go's net/http (goaws) streams responses over 2 KiB chunked: decoded only when the whole body is in. */
  private parseChunked(start: number, status: number): void {
    const parts: Buffer[] = [];
    for (let at = start; ; ) {
      const eol = this.buf.indexOf('\r\n', at);
      if (eol < 0) return;
      const n = parseInt(this.buf.toString('latin1', at, eol), 16);
      if (this.buf.length < eol + 2 + n + 2) return;
      if (n === 0) {
        this.buf = this.buf.subarray(eol + 4);
        const w = this.waiting!;
        this.waiting = undefined;
        return w.resolve({ status, body: Buffer.concat(parts).toString('utf8') });
      }
      parts.push(this.buf.subarray(eol + 2, eol + 2 + n));
      at = eol + 2 + n + 2;
    }
  }

  request(path: string, headers: Record<string, string>, body: string): Promise<Res> {
    this.socket ??= this.connect();
    const payload = Buffer.from(body);
    let head = `POST ${path} HTTP/1.1\r\nhost: ${base.host}\r\ncontent-length: ${payload.length}\r\n`;
    for (const [k, v] of Object.entries({ ...headers, ...spec.headers })) head += `${k}: ${v}\r\n`;
    return new Promise<Res>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket!.write(Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), payload]));
    });
  }

  close(): void {
    this.socket?.destroy();
  }
}

let seq = 0;
function expand(t: ReqTemplate): string {
  const i = seq++;
  return t.body
    .replaceAll('{i}', String(i))
    .replaceAll('{r}', () => String(Math.floor(Math.random() * (t.randomRange ?? 1))));
}

const JSON_HEADERS = (action: string) => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `AmazonSQS.${action}`,
});

const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

const unescapeXml = (s: string) => s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
  ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e as 'lt'] ?? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))));

async function jsonCall(conn: Conn, action: string, payload: unknown): Promise<Record<string, unknown>> {
  const r = await conn.request('/', JSON_HEADERS(action), JSON.stringify(payload));
  if (r.status !== 200) throw new Error(`${action} -> ${r.status} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body) as Record<string, unknown>;
}

/** Resolves with the messages the operation moved. */
type Op = (conn: Conn) => Promise<number>;

async function makeOp(): Promise<Op> {
  const sc = spec.scenario;
  switch (sc.kind) {
    case 'requests': {
      let k = 0;
      return async (conn) => {
        conn.tag = k++ % sc.requests.length;
        const t = sc.requests[conn.tag];
        const r = await conn.request(t.path, t.headers, expand(t));
        if (r.status < 200 || r.status > 299) throw new Error(`${r.status} ${r.body.slice(0, 300)}`);
        return t.messages ?? 1;
      };
    }
    case 'sqs-cycle': {
      const entries = Array.from({ length: sc.batch }, (_, j) => ({ Id: `m${j}`, MessageBody: sc.body }));
      return async (conn) => {
        await jsonCall(conn, 'SendMessageBatch', { QueueUrl: sc.queueUrl, Entries: entries });
        const got = await jsonCall(conn, 'ReceiveMessage', { QueueUrl: sc.queueUrl, MaxNumberOfMessages: sc.batch, VisibilityTimeout: 60, WaitTimeSeconds: 0 });
        const msgs = (got.Messages ?? []) as { ReceiptHandle: string }[];
        if (msgs.length === 0) return 0;
        const del = await jsonCall(conn, 'DeleteMessageBatch', {
          QueueUrl: sc.queueUrl,
          Entries: msgs.map((m, j) => ({ Id: `d${j}`, ReceiptHandle: m.ReceiptHandle })),
        });
        const failed = (del.Failed ?? []) as unknown[];
        if (failed.length) throw new Error(`DeleteMessageBatch failed ${failed.length}: ${JSON.stringify(failed[0])}`);
        return msgs.length;
      };
    }
    case 'sqs-cycle-query': {
      // The same cycle in the Query protocol (form in, XML out), for peers without the JSON one (goaws).
      const q = `Version=2012-11-05&QueueUrl=${encodeURIComponent(sc.queueUrl)}`;
      const body = encodeURIComponent(sc.body);
      const send = Array.from({ length: sc.batch }, (_, j) => `&SendMessageBatchRequestEntry.${j + 1}.Id=m${j}&SendMessageBatchRequestEntry.${j + 1}.MessageBody=${body}`).join('');
      const call = async (conn: Conn, form: string) => {
        const r = await conn.request('/', FORM_HEADERS, form);
        if (r.status !== 200) throw new Error(`${form.slice(0, 40)} -> ${r.status} ${r.body.slice(0, 200)}`);
        return r.body;
      };
      return async (conn) => {
        await call(conn, `Action=SendMessageBatch&${q}${send}`);
        const got = await call(conn, `Action=ReceiveMessage&${q}&MaxNumberOfMessages=${sc.batch}&VisibilityTimeout=60&WaitTimeSeconds=0`);
        const handles = [...got.matchAll(/<ReceiptHandle>([^<]*)<\/ReceiptHandle>/g)].map((m) => unescapeXml(m[1]));
        if (handles.length === 0) return 0;
        const del = await call(conn, `Action=DeleteMessageBatch&${q}` + handles.map((h, j) => `&DeleteMessageBatchRequestEntry.${j + 1}.Id=d${j}&DeleteMessageBatchRequestEntry.${j + 1}.ReceiptHandle=${encodeURIComponent(h)}`).join(''));
        if (del.includes('<BatchResultErrorEntry>')) throw new Error(`DeleteMessageBatch failed: ${del.slice(0, 300)}`);
        return handles.length;
      };
    }
    case 'sdk-send': {
      // The SDK's notice about future Node versions would interleave with the bench's progress lines.
      process.removeAllListeners('warning');
      const { SQSClient, SendMessageCommand } = await import('@aws-sdk/client-sqs');
      // The SDK brings its own HTTP stack: node:http with a keep-alive agent, as applications run it.
      const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
      const client = new SQSClient({
        endpoint: spec.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
        requestHandler: { httpAgent: agent },
      });
      return async () => {
        await client.send(new SendMessageCommand({ QueueUrl: sc.queueUrl, MessageBody: sc.body }));
        return 1;
      };
    }
  }
}

async function main(): Promise<LoadResult> {
  const op = await makeOp();
  const templates = spec.scenario.kind === 'requests' ? spec.scenario.requests.length : 1;
  const latencies = spec.latency ? Array.from({ length: templates }, () => new Samples(Math.min(spec.maxOps, 1 << 20))) : undefined;
  let started = 0;
  let ops = 0;
  let messages = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + spec.durationMs;
  const loop = async () => {
    const conn = new Conn();
    while (started < spec.maxOps && errors < MAX_ERRORS && performance.now() < deadline) {
      started++;
      const s = performance.now();
      try {
        // Not `messages += await op()`: that reads `messages` before the await, losing the other loops' counts.
        const m = await op(conn);
        messages += m;
        ops++;
        latencies?.[conn.tag].add(performance.now() - s);
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
    conn.close();
  };
  await Promise.all(Array.from({ length: spec.connections }, loop));
  const ms = performance.now() - t0;
  return {
    ops,
    errors,
    ms,
    opsPerSec: (ops / ms) * 1000,
    messages,
    messagesPerSec: (messages / ms) * 1000,
    samples: latencies?.map((l) => l.values().slice()),
    firstError,
  };
}

main().then(
  (r) => parentPort!.postMessage(r, r.samples?.map((x) => x.buffer as ArrayBuffer) ?? []),
  (e) => parentPort!.postMessage({ fatal: e instanceof Error ? e.stack : String(e) }),
);
