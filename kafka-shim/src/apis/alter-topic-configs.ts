/**
 * The per-resource loop AlterConfigs (33) and IncrementalAlterConfigs (44) share: only topics can
 * be altered (broker configs are read-only here), the topic must exist, and the new overrides are
 * stored unless validateOnly. The two APIs differ only in how they compute those overrides.
 */
import { ResourceType } from '../log/describe.js';
import { catchKafkaError, ErrorCode, KafkaError } from '../errors.js';
import type { LogManager, Topic } from '../log/index.js';

interface Resource {
  resourceType: number;
  resourceName: string;
}

export interface AlterResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

export function alterTopicConfigs<R extends Resource>(
  log: LogManager,
  resources: R[],
  validateOnly: boolean,
  nextOverrides: (r: R, topic: Topic) => Map<string, string>,
): Promise<AlterResult[]> {
  return Promise.all(
    resources.map((r) => {
      const { resourceType, resourceName } = r;
      return catchKafkaError(
        async (): Promise<AlterResult> => {
          if (resourceType !== ResourceType.TOPIC) {
            throw new KafkaError(ErrorCode.INVALID_REQUEST, resourceType === ResourceType.BROKER ? 'Broker configs cannot be altered.' : `Unsupported resource type ${resourceType}`);
          }
          const topic = log.topic(resourceName);
          if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resourceName} does not exist.`);
          const next = nextOverrides(r, topic);
          if (!validateOnly) await log.setConfigs(resourceName, next);
          return { errorCode: 0, errorMessage: null, resourceType, resourceName };
        },
        (err) => ({ errorCode: err.code, errorMessage: err.message, resourceType, resourceName }),
      );
    }),
  );
}
