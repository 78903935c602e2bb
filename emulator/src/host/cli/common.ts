/**
 * What every `tandem` subcommand group (queues.ts, topics.ts, groups.ts, control.ts) shares: the
 * command shape the runner (../cli.ts) reads, the HTTP client of a running Tandem, the error kinds
 * that become exit codes, and the table printer. One file per group keeps the groups independent.
 */
import type { ParseArgsConfig } from 'node:util';

export const EXIT = { OK: 0, REFUSED: 1, USAGE: 2, UNREACHABLE: 3 } as const;

export interface Command {
  usage: string;
  describe: string;
  options?: ParseArgsConfig['options'];
  /** Required positional arguments. */
  args: string[];
  /** Optional positional arguments after the required ones. */
  optional?: string[];
  /** Longer help: options and examples. */
  details?: string;
  run(c: Ctx, args: string[], opts: Record<string, unknown>): Promise<unknown>;
  /** Human rendering of the result. */
  show?(result: any): string;
}

export interface Ctx {
  endpoint: string;
}

/** Tandem answered with an error (exit 1). */
export class Refused extends Error {
  constructor(
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}
/** Tandem did not answer at all (exit 3). */
export class Unreachable extends Error {}
/** The command line is wrong (exit 2). */
export class UsageError extends Error {}

export async function http(c: Ctx, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(c.endpoint + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new Unreachable(`cannot reach Tandem at ${c.endpoint}: ${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}`);
  }
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    throw new Refused(`${res.status} ${res.statusText}: ${text.slice(0, 200)}`, res.status);
  }
  if (!res.ok) {
    const type = typeof json.__type === 'string' ? `${json.__type.split('#').pop()}: ` : '';
    throw new Refused(`${type}${String(json.message ?? json.error ?? res.statusText)}`, res.status);
  }
  return json;
}

/** An SQS operation through SQS's own JSON protocol. */
export const sqs = (c: Ctx, op: string, input: Record<string, unknown>) => http(c, 'POST', '/', input, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` });

export const pairs = (list: unknown, what: string): Record<string, string> =>
  Object.fromEntries(
    ((list as string[] | undefined) ?? []).map((kv) => {
      const i = kv.indexOf('=');
      if (i < 1) throw new UsageError(`${what} must be KEY=VALUE, got "${kv}"`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );

/** An integer option, or undefined when absent. */
export function intOption(v: unknown, name: string, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer >= ${min}, got "${String(v)}"`);
  return n;
}

/** A duration: milliseconds, or a number with ms, s, m, h or d. */
export function duration(v: string, name: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m) throw new UsageError(`${name} must be a duration like 1500, 30s, 5m or 2h, got "${v}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}

/** Columns padded to their widest cell, as kafka-consumer-groups prints them. */
export function table(header: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((v) => (v === null || v === undefined ? '-' : String(v))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]))).join('  ')).join('\n');
}

/** One line of a value for a table cell: newlines escaped, long values cut. */
export function cell(v: string | null | undefined, max = 60): string {
  if (v === null || v === undefined) return '-';
  const one = v.replace(/\n/g, '\\n');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}
