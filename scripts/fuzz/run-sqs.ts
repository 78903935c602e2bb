/**
 * Runs the SQS fuzzer against a spawned Tandem: a fixture of queues and receipt handles, then
 * concurrent HTTP requests (./sqs.ts) judged by AWS's response shapes; a process exit is a crash,
 * a request unanswered by its deadline is checked against /health, and `sqs.internal_failure` log
 * lines (AWS's InternalFailure) are counted as internal errors.
 */
import http from 'node:http';
import { Emulator } from '../../compat-tests/harness/emulator.js';
import { Report } from './common.js';
import type { RunOptions } from './run-kafka.js';
import { checkSqs, sqsInput, type Fixture, type SqsInput } from './sqs.js';

async function json(endpoint: string, op: string, body: object): Promise<any> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` },
    body: JSON.stringify(body),
  });
  const out = (await res.json()) as any;
  if (!res.ok) throw new Error(`${op}: ${JSON.stringify(out)}`);
  return out;
}

async function fixture(endpoint: string): Promise<Fixture> {
  const std = (await json(endpoint, 'CreateQueue', { QueueName: 'fuzz-std' })).QueueUrl;
  const fifo = (await json(endpoint, 'CreateQueue', { QueueName: 'fuzz-q.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } })).QueueUrl;
  const dlq = (await json(endpoint, 'CreateQueue', { QueueName: 'fuzz-dlq' })).QueueUrl;
  const dlqArn = (await json(endpoint, 'GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] })).Attributes.QueueArn;
  const receipts: string[] = [];
  for (let i = 0; i < 20; i++) await json(endpoint, 'SendMessage', { QueueUrl: std, MessageBody: `m${i}` });
  const got = await json(endpoint, 'ReceiveMessage', { QueueUrl: std, MaxNumberOfMessages: 10 });
  for (const m of got.Messages ?? []) receipts.push(m.ReceiptHandle);
  receipts.push('not-a-receipt-handle');
  return { endpoint, std, fifo, dlqArn, receipts };
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

function send(agent: http.Agent, port: number, input: SqsInput, deadlineMs: number): Promise<Answer | 'timeout' | 'reset'> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: input.method, path: input.path, headers: { ...input.headers, 'content-length': String(input.body.length) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode!, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => resolve('reset'));
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('timeout');
    }, deadlineMs);
    req.on('error', () => {
      clearTimeout(timer);
      resolve('reset');
    });
    req.end(input.body);
  });
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

export async function runSqs(opts: RunOptions): Promise<Report> {
  const report = new Report('sqs', opts.seed, opts.outDir);
  let stopping = false;
  let crashed = false;
  const inFlight = new Set<number>();
  const start = async () => {
    const e = await Emulator.start({ realClock: true, readyTimeoutMs: 120_000, args: ['--log-level', 'error', '--relaxed-timers'] });
    e.proc.stderr!.on('data', (d: Buffer | string) => {
      for (const line of String(d).split('\n')) {
        if (line.includes('"error"')) report.find({ kind: 'internal', input: Math.min(...inFlight), detail: line.slice(0, 2000), sample: [...inFlight] });
      }
    });
    e.proc.once('exit', (code, sig) => {
      if (stopping) return;
      crashed = true;
      report.find({ kind: 'crash', input: Math.min(...inFlight), detail: `exit ${code} ${sig}: ${e.stderr.join('').slice(-2000)}`, sample: [...inFlight] });
    });
    return { emu: e, fix: await fixture(e.sqsEndpoint) };
  };
  let { emu, fix } = await start();
  report.sampleRss(emu.proc.pid!);
  const inputs = opts.only ?? Array.from({ length: opts.count }, (_, i) => i);
  let next = 0;
  let restarting: Promise<void> | undefined;

  const worker = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (next < inputs.length) {
      if (restarting) await restarting;
      const i = inputs[next++];
      const input = sqsInput(opts.seed, i, fix);
      report.inputs++;
      inFlight.add(i);
      // A ReceiveMessage may legitimately wait up to 20 s.
      const ans = await send(agent, emu.sqsPort, input, 30_000);
      inFlight.delete(i);
      const sample = { method: input.method, path: input.path.slice(0, 4000), headers: input.headers, body: input.body.length <= 100_000 ? input.body.toString('base64') : `<${input.body.length} bytes>` };
      if (ans === 'timeout') {
        report.count('timeout');
        const ok = await healthy(emu.sqsPort);
        report.find({ kind: 'hang', input: i, detail: `${input.op} (${input.protocol} ${input.method}) unanswered in 30 s; /health ${ok ? 'ok' : 'NOT ok'}`, sample });
      } else if (ans === 'reset') {
        report.count('reset');
        if (!crashed) report.find({ kind: 'non-protocol', input: i, detail: `${input.op} (${input.protocol} ${input.method}): connection reset without an answer`, sample });
      } else {
        report.answered++;
        report.count(`${input.label}:${ans.status}`);
        const bad = checkSqs(input, ans.status, ans.contentType, ans.body);
        if (bad) report.find({ kind: 'non-protocol', input: i, detail: `${input.op} (${input.protocol} ${input.method} ${input.label}): ${bad}`, sample });
      }
      if (crashed && !restarting) {
        restarting = (async () => {
          ({ emu, fix } = await start());
          crashed = false;
          restarting = undefined;
        })();
      }
      if (report.inputs % 1000 === 0) report.sampleRss(emu.proc.pid!);
      if (report.inputs % 10_000 === 0) console.error(`[sqs] ${report.inputs} inputs, rss ${Math.round(report.rssEnd)} MiB, findings ${report.findings.length}`);
    }
    agent.destroy();
  };
  try {
    await Promise.all(Array.from({ length: opts.workers }, worker));
    report.sampleRss(emu.proc.pid!);
  } finally {
    stopping = true;
    await emu.stop();
  }
  return report;
}
