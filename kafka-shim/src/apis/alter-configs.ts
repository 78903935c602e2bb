/**
 * The per-resource loop AlterConfigs (33) and IncrementalAlterConfigs (44) share. TOPIC: the topic
 * must exist and gets its new overrides. BROKER ("" = the cluster default, or our node id): the
 * dynamic broker configs (../log/broker-configs.ts), which every topic's unset configs follow.
 * BROKER_LOGGER (IncrementalAlterConfigs only, SET/DELETE): log levels checked as Kafka checks them and kept in memory, as
 * Kafka keeps them (Tandem's own logger is configured by its settings, so they change nothing).
 * Nothing is stored when validateOnly. The two APIs differ only in how they compute the new set.
 */
import { ResourceType } from '../log/describe.js';
import { catchKafkaError, ErrorCode, KafkaError } from '../errors.js';
import type { Broker } from '../broker.js';

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

/** ConfigResource.Type.BROKER_LOGGER. */
export const BROKER_LOGGER = 8;
const LOG_LEVELS = ['DEBUG', 'ERROR', 'FATAL', 'INFO', 'TRACE', 'WARN'];

/** Logger levels set through BROKER_LOGGER, per broker (Kafka does not persist them either). */
export const loggerLevels = new WeakMap<Broker, Map<string, string>>();

export function levelsOf(broker: Broker): Map<string, string> {
  let m = loggerLevels.get(broker);
  if (!m) loggerLevels.set(broker, (m = new Map([['root', 'INFO']])));
  return m;
}

export function checkBrokerId(broker: Broker, name: string, allowDefault: boolean): void {
  if (name === String(broker.nodeId) || (allowDefault && name === '')) return;
  throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${broker.nodeId}${allowDefault ? ' or empty string' : ''}, but received ${name}`);
}

export function alterConfigResources<R extends Resource>(
  broker: Broker,
  resources: R[],
  validateOnly: boolean,
  /** IncrementalAlterConfigs (which alone can change BROKER_LOGGER levels). */
  incremental: boolean,
  /** The resource's next complete set of configs, from its current one. */
  next: (r: R, current: ReadonlyMap<string, string>) => Map<string, string>,
): Promise<AlterResult[]> {
  const log = broker.log;
  const seen = new Map<string, number>();
  for (const r of resources) seen.set(`${r.resourceType}\0${r.resourceName}`, (seen.get(`${r.resourceType}\0${r.resourceName}`) ?? 0) + 1);
  return Promise.all(
    resources.map((r) => {
      const { resourceType, resourceName } = r;
      return catchKafkaError(
        async (): Promise<AlterResult> => {
          if (seen.get(`${resourceType}\0${resourceName}`)! > 1) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.');
          if (resourceType === ResourceType.TOPIC) {
            const topic = log.topic(resourceName);
            if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resourceName} does not exist.`);
            const overrides = next(r, topic.overrides);
            if (!validateOnly) await log.setConfigs(resourceName, overrides);
          } else if (resourceType === ResourceType.BROKER) {
            if (resourceName !== '' && resourceName !== String(broker.nodeId)) {
              throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${broker.nodeId}, but received ${resourceName}`);
            }
            const configs = log.brokerConfigs.validate(next(r, log.brokerConfigs.current(resourceName)));
            if (!validateOnly) await log.setBrokerConfigs(resourceName, configs);
          } else if (resourceType === BROKER_LOGGER && incremental) {
            if (!/^-?\d+$/.test(resourceName)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${resourceName}`);
            if (resourceName !== String(broker.nodeId)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected node id. Expected ${broker.nodeId}, but received ${resourceName}`);
            const levels = next(r, levelsOf(broker));
            for (const [logger, level] of levels) {
              if (!LOG_LEVELS.includes(level)) {
                throw new KafkaError(ErrorCode.INVALID_CONFIG, `Cannot set the log level of ${logger} to ${level} as it is not a supported log level. Valid log levels are ${LOG_LEVELS.join(', ')}`);
              }
            }
            if (!levels.has('root')) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Removing the log level of the root logger is not allowed');
            if (!validateOnly) loggerLevels.set(broker, levels);
          } else {
            // AlterConfigs (not incremental) has no BROKER_LOGGER either, as in Kafka.
            throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${resourceType}`);
          }
          return { errorCode: 0, errorMessage: null, resourceType, resourceName };
        },
        (err) => ({ errorCode: err.code, errorMessage: err.message, resourceType, resourceName }),
      );
    }),
  );
}
