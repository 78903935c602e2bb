/** Topics and partition logs. (Stub: replaced by the log implementation.) */
import type { Core } from '../../../emulator/src/core/core.js';

export interface LogOptions {
  /** Partitions of auto-created topics. */
  defaultPartitions: number;
}

export class LogManager {
  constructor(
    readonly core: Core,
    readonly options: LogOptions,
  ) {}

  async load(): Promise<void> {}

  async close(): Promise<void> {}
}
