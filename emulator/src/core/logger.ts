/**
 * Structured logs: one JSON line per notable event on stderr. Quiet by default (warn and up);
 * `--log-level info|debug` shows more.
 */

export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export class Logger {
  constructor(
    private readonly level: Level = 'warn',
    private readonly fields: Record<string, unknown> = {},
    private readonly sink: (line: string) => void = (l) => process.stderr.write(l + '\n'),
  ) {}

  /** A logger that adds `fields` (e.g. `{ component: 'sqs' }`) to every line. */
  child(fields: Record<string, unknown>): Logger {
    return new Logger(this.level, { ...this.fields, ...fields }, this.sink);
  }

  enabled(level: Level): boolean {
    return ORDER[level] >= ORDER[this.level];
  }

  debug(event: string, fields?: Record<string, unknown>): void {
    this.log('debug', event, fields);
  }
  info(event: string, fields?: Record<string, unknown>): void {
    this.log('info', event, fields);
  }
  warn(event: string, fields?: Record<string, unknown>): void {
    this.log('warn', event, fields);
  }
  error(event: string, fields?: Record<string, unknown>): void {
    this.log('error', event, fields);
  }

  private log(level: Level, event: string, fields?: Record<string, unknown>): void {
    if (!this.enabled(level)) return;
    const line: Record<string, unknown> = { t: new Date().toISOString(), level, event, ...this.fields, ...fields };
    if (line.err instanceof Error) line.err = line.err.stack ?? line.err.message;
    this.sink(JSON.stringify(line));
  }
}
