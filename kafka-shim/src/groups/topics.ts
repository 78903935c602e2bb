/** What the coordinator needs from the partition logs: topic existence and high watermarks. */
import type { LogManager } from '../log/index.js';

export type TopicLookup = Pick<LogManager, 'partitionCount' | 'highWatermark'>;
