/** What every subsystem (SQS, Kafka, admin) is handed: settings, time, storage and logs. */
import type { Clock } from './clock.js';
import type { Config } from '../host/config.js';
import type { Logger } from './logger.js';
import type { Store } from './storage/store.js';

export interface Core {
  readonly config: Config;
  readonly clock: Clock;
  readonly store: Store;
  readonly log: Logger;
}
