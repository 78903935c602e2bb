/**
 * Collects the numbers of a run: each row is an absolute value, optionally a baseline measured in
 * the same run (so noise from a shared machine cancels out) and a target judged PASS/MISS.
 */
import os from 'node:os';

export interface Target {
  /** What is compared: the row's ratio to its baseline, or its absolute value. */
  on: 'ratio' | 'value';
  op: '>=' | '<=';
  limit: number;
  text: string;
}

export interface Row {
  section: string;
  name: string;
  value: number | null;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  target?: Target;
  status?: 'PASS' | 'MISS' | 'ERROR' | 'SKIP';
  note?: string;
}

export class Report {
  readonly rows: Row[] = [];
  readonly started = new Date();
  private readonly load0 = os.loadavg();
  private step = 0;

  constructor(private readonly tty = process.stderr.isTTY) {}

  add(row: Omit<Row, 'ratio' | 'status'> & { status?: Row['status'] }): Row {
    const r: Row = { ...row };
    if (r.value !== null && r.baseline && r.baseline.value > 0) r.ratio = r.value / r.baseline.value;
    if (r.target && !r.status) {
      const x = r.target.on === 'ratio' ? r.ratio : r.value;
      r.status = x === undefined || x === null || !Number.isFinite(x) ? 'ERROR'
        : (r.target.op === '>=' ? x >= r.target.limit : x <= r.target.limit) ? 'PASS' : 'MISS';
    }
    this.rows.push(r);
    return r;
  }

  error(section: string, name: string, err: unknown, target?: Target): void {
    const msg = err instanceof Error ? err.message : String(err);
    this.add({ section, name, value: null, unit: '', target, status: 'ERROR', note: msg.split('\n')[0].slice(0, 160) });
    this.progress(`ERROR ${section}/${name}: ${msg}`);
    // Kept on screen: the next progress line would overwrite it on a terminal.
    if (this.tty) process.stderr.write('\n');
  }

  /** One progress line per step on stderr (stdout carries only the table). */
  progress(text: string): void {
    this.step++;
    const t = ((Date.now() - this.started.getTime()) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`${this.tty ? '\r\x1b[K' : ''}[${t}s #${this.step}] ${text}${this.tty ? '' : '\n'}`);
  }

  endProgress(): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
  }

  table(): string {
    const head = ['metric', 'value', 'unit', 'baseline', 'ratio', 'target', 'status'];
    const lines: string[][] = [];
    let section = '';
    const out: string[] = [];
    const flush = () => {
      if (!lines.length) return;
      const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
      out.push(`\n== ${section} ==`);
      out.push(head.map((h, i) => h.padEnd(w[i])).join('  '));
      for (const l of lines) out.push(l.map((c, i) => (i === 1 || i === 4 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd());
      lines.length = 0;
    };
    for (const r of this.rows) {
      if (r.section !== section) {
        flush();
        section = r.section;
      }
      lines.push([
        r.name,
        r.value === null ? '-' : fmt(r.value),
        r.unit,
        r.baseline ? `${r.baseline.name} ${fmt(r.baseline.value)}` : '',
        r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
        r.target?.text ?? '',
        (r.status ?? '') + (r.note ? ` (${r.note})` : ''),
      ]);
    }
    flush();
    const judged = this.rows.filter((r) => r.target);
    const pass = judged.filter((r) => r.status === 'PASS').length;
    out.push(`\ntargets: ${pass}/${judged.length} PASS`);
    return out.join('\n') + '\n';
  }

  json(flags: unknown): unknown {
    return {
      started: this.started.toISOString(),
      finished: new Date().toISOString(),
      flags,
      machine: machine(),
      loadavg: { start: this.load0, end: os.loadavg() },
      rows: this.rows,
    };
  }
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memMB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100_000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

export const atLeast = (limit: number, text: string, on: Target['on'] = 'ratio'): Target => ({ on, op: '>=', limit, text });
export const atMost = (limit: number, text: string, on: Target['on'] = 'value'): Target => ({ on, op: '<=', limit, text });
