/** The classic group coordinator and committed offsets. (Stub: replaced by the implementation.) */
import type { Core } from '../../../emulator/src/core/core.js';
import type { LogManager } from '../log/index.js';

export class GroupCoordinator {
  constructor(
    readonly core: Core,
    readonly log: LogManager,
  ) {}

  async load(): Promise<void> {}

  async close(): Promise<void> {}
}
