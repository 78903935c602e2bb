/** What the coordinator needs from the partition logs: topic existence and high watermarks. */
import type { LogManager } from '../log/index.js';

export interface TopicLookup {
  /** Number of partitions, or undefined when the topic does not exist. */
  partitionCount(topic: string): number | undefined;
  /** Log end offset (high watermark) of a partition, or undefined when it does not exist. */
  highWatermark(topic: string, partition: number): number | undefined;
}

export function topicLookup(log: LogManager): TopicLookup {
  return log as unknown as TopicLookup;
}
