/** kcat (librdkafka) as the load generator, and librdkafka's mock cluster as the peer broker. */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { payload } from '../baselines/raw.js';
import { REPO_ROOT, WORK_DIR, startChild, stopChild, track, waitForLine } from '../lib/procs.js';

export const KCAT = process.env.KCAT ?? '/usr/bin/kcat';
/** librdkafka retries for minutes against a broker that never answers; the bench gives up sooner. */
const KILL_AFTER_MS = 180_000;

/** A file of `count` newline-separated printable records of `size` bytes, cached in .bench/. */
export async function recordsFile(size: number, count: number): Promise<string> {
  const file = path.join(WORK_DIR, `records-${size}x${count}.txt`);
  if (existsSync(file) && statSync(file).size === (size + 1) * count) return file;
  const out = createWriteStream(file);
  // A few distinct records, so values do not compress to nothing but the file is cheap to write.
  const lines = Array.from({ length: 64 }, (_, i) => Buffer.concat([payload(size, i), Buffer.from('\n')]));
  const perChunk = Math.max(1, Math.floor((1 << 20) / (size + 1)));
  for (let written = 0; written < count; ) {
    const n = Math.min(perChunk, count - written);
    const chunk = Buffer.concat(Array.from({ length: n }, (_, j) => lines[(written + j) % lines.length]));
    written += n;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  return file;
}

export interface KcatRun {
  ms: number;
  records: number;
  bytes: number;
}

/*
 * Runs are timed on librdkafka's own debug log (`-d protocol`, wall-clock timestamps): from the
 * first Produce or Fetch request to the last Produce response or the last record printed. Client
 * start-up is left out because librdkafka's internal timers add 0–0.7 s before the first request
 * at random (seen as idle gaps after Metadata with no request outstanding), which would swamp a
 * run of a few hundred milliseconds; the same window is used against the mock cluster.
 */
const DEBUG = ['-d', 'protocol'];

/** Epoch ms of the debug lines (`%7|<seconds.millis>|...`) containing `what`. */
function logTimes(stderr: string, what: string): number[] {
  const out: number[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.includes(what)) continue;
    const m = /^%\d\|(\d+\.\d+)\|/.exec(line);
    if (m) out.push(Number(m[1]) * 1000);
  }
  return out;
}

/** Lines that are not librdkafka debug output. */
const messages = (stderr: string) => stderr.split('\n').filter((l) => l && !l.startsWith('%7|')).join('\n');

/** `kcat -P` of a records file; kcat exits after every delivery report. */
export async function kcatProduce(broker: string, topic: string, file: string, count: number, size: number, props: string[]): Promise<KcatRun> {
  const args = ['-P', '-b', broker, '-t', topic, ...props.flatMap((p) => ['-X', p]), ...DEBUG, '-l', file];
  const { code, stderr } = await runKcat(args);
  const other = messages(stderr);
  if (code !== 0 || /Delivery failed|ERROR|Failed to produce/i.test(other)) throw new Error(`kcat produce ${topic}: exit ${code} ${other.slice(0, 300)}`);
  const sent = logTimes(stderr, 'Sent ProduceRequest');
  const acked = logTimes(stderr, 'Received ProduceResponse');
  if (!sent.length || !acked.length) throw new Error(`kcat produce ${topic}: no Produce requests in its debug log`);
  return { ms: Math.max(...acked) - Math.min(...sent), records: count, bytes: count * size };
}

/**
 * `kcat -C -o beginning -c expected -e` of a whole topic; counts the records it prints (one per
 * line). `-c` ends the run at the last expected record; without it kcat would idle out one more
 * long-poll fetch (fetch.wait.max.ms) to learn it reached the end, and `-e` still ends a short topic.
 */
export async function kcatConsume(broker: string, topic: string, expected: number): Promise<KcatRun> {
  const args = ['-C', '-b', broker, '-t', topic, '-o', 'beginning', '-c', String(expected), '-e', '-q', ...DEBUG];
  let records = 0;
  let bytes = 0;
  let last = 0;
  const { code, stderr } = await runKcat(args, (chunk) => {
    last = Date.now();
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) records++;
  });
  if (code !== 0) throw new Error(`kcat consume ${topic}: exit ${code} ${messages(stderr).slice(0, 300)}`);
  const fetched = logTimes(stderr, 'Sent FetchRequest');
  if (!fetched.length || !last) throw new Error(`kcat consume ${topic}: no Fetch requests or no records`);
  return { ms: last - Math.min(...fetched), records, bytes: bytes - records };
}

function runKcat(args: string[], onStdout?: (b: Buffer) => void): Promise<{ code: number | null; stderr: string }> {
  const p = track(spawn(KCAT, args, { stdio: ['ignore', onStdout ? 'pipe' : 'ignore', 'pipe'] }));
  let stderr = '';
  p.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (onStdout) p.stdout!.on('data', onStdout);
  const kill = setTimeout(() => p.kill('SIGKILL'), KILL_AFTER_MS);
  return new Promise((resolve, reject) => {
    p.once('error', reject);
    p.once('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stderr });
    });
  });
}

/** Compile the mock-cluster peer into .bench/ (needs librdkafka-dev). */
export function mockBinary(): string {
  const src = path.join(REPO_ROOT, 'scripts/bench/mock-cluster.c');
  const bin = path.join(WORK_DIR, 'mock-cluster');
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', bin, src, '-lrdkafka'], { stdio: 'pipe' });
  }
  return bin;
}

/** librdkafka's mock cluster with the given topics; it exits when its stdin closes. */
export async function startMock(topics: Record<string, number>): Promise<{ broker: string; stop: () => Promise<void> }> {
  const p = startChild(mockBinary(), Object.entries(topics).map(([t, n]) => `${t}:${n}`), { stdio: ['pipe', 'pipe', 'pipe'] });
  const broker = await waitForLine(p, (l) => (/^[\w.-]+:\d+/.test(l) ? l.split(',')[0] : undefined), 10_000, 'mock cluster');
  return {
    broker,
    stop: async () => {
      p.stdin!.end();
      await stopChild(p);
    },
  };
}
