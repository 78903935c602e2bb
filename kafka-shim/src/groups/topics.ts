/** What the coordinator needs from the partition logs: topics, their ids, high watermarks and last stable offsets. */
import type { LogManager } from '../log/index.js';
import type { CommittedOffset } from './group.js';

export type TopicLookup = Pick<LogManager, 'partitionCount' | 'highWatermark' | 'lastStableOffset' | 'topic'>;

/** The committed offset if it belongs to the topic that exists now under that name. Kafka drops a
 * group's offsets when their topic is deleted; comparing topic ids has the same effect. */
export function liveOffset(topics: TopicLookup, topic: string, o: CommittedOffset | undefined): CommittedOffset | undefined {
  return o && topics.topic(topic)?.id === o.topicId ? o : undefined;
}
