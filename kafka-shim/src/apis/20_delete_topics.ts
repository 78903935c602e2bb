/**
 * DeleteTopics: v1-6 (flexible from v4).
 *
 * Behaviour: removes the topic, its partitions and every stored batch in one LevelDB write;
 * pending fetches on it are answered at once. Unknown names are UNKNOWN_TOPIC_OR_PARTITION,
 * unknown ids UNKNOWN_TOPIC_ID; a v6 entry with both or neither of name and id is INVALID_REQUEST.
 *
 * Version notes: v0 is not served, as in Kafka 4 (KIP-896); v1-5 name topics in topicNames; v6 in topics[] by name or id; v5+ errorMessage.
 */
import type { DeleteTopicsResponse } from '../protocol/generated/types.js';
import { catchKafkaError, ErrorCode, KafkaError } from '../errors.js';
import { ZERO_UUID } from '../protocol/spec.js';
import { defineApi } from './api.js';

type Result = NonNullable<DeleteTopicsResponse['responses']>[number];

export const deleteTopics = defineApi({
  key: 20,
  name: 'DeleteTopics',
  minVersion: 1,
  maxVersion: 6,
  async handle(req, ctx) {
    const { log } = ctx.broker;
    const wanted = ctx.apiVersion >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses = await Promise.all(
      wanted.map(({ name, topicId }) =>
        catchKafkaError(
          async (): Promise<Result> => {
            if ((name === null) === (topicId === ZERO_UUID)) {
              throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Give either a topic name or a topic id.');
            }
            const topic = name !== null ? log.topic(name) : log.topicById(topicId);
            if (!topic) {
              throw name !== null
                ? new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `This server does not host this topic: ${name}`)
                : new KafkaError(ErrorCode.UNKNOWN_TOPIC_ID, `This server does not host this topic ID: ${topicId}`);
            }
            await log.deleteTopic(topic.name);
            return { name: topic.name, topicId: topic.id, errorCode: 0, errorMessage: null };
          },
          (err): Result => ({ name: ctx.apiVersion >= 6 ? name : (name ?? ''), topicId, errorCode: err.code, errorMessage: err.message }),
        ),
      ),
    );
    return { throttleTimeMs: 0, responses };
  },
});
