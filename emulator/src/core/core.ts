/**
 * What every engine (SQS, Kafka) is handed by the host: time, storage, logs and the fault rules.
 * Settings are not here: each engine gets only its own section of the configuration (host/config.ts).
 */
import type { Clock } from './clock.js';
import type { Faults } from './faults.js';
import type { Logger } from './logger.js';
import type { Store } from './storage/store.js';

export interface Core {
  readonly clock: Clock;
  readonly store: Store;
  readonly log: Logger;
  /** Fault injection rules (faults.ts); absent in engine unit tests, which then inject none. */
  readonly faults?: Faults;
}
