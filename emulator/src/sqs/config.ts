/** The SQS engine's section of the configuration (filled by host/config.ts from flags, env, file). */
export interface SqsConfig {
  port: number;
  /** Pin the scheme://host:port of queue URLs; by default they are built from each request's Host header. */
  baseUrl: string | undefined;
  region: string;
  accountId: string;
  /** Turn off the AWS-parity cooldowns (PurgeQueueInProgress, QueueDeletedRecently). */
  relaxedTimers: boolean;
  /**
   * How queue URLs name their region: `auto` (the default region's queues `<base>/<account>/<name>`,
   * other regions' `<base>/queue/<region>/<account>/<name>`), `path` (always the latter), `host`
   * (`http://sqs.<region>.<host>/<account>/<name>`) or `plain` (never: regions share URLs).
   */
  queueUrlStyle: string;
  /** In-flight messages per standard queue before ReceiveMessage answers OverLimit (AWS: 120,000); 0 = no cap. */
  maxInflight: number;
  /** In-flight messages per FIFO queue before ReceiveMessage returns nothing (AWS: 120,000 since AWS raised it from 20,000); 0 = no cap. */
  maxInflightFifo: number;
  /** `ACCESS_KEY_ID:SECRET` entries: when set, every request must carry a valid SigV4 signature of one of them. */
  auth: readonly string[] | undefined;
}

export const QUEUE_URL_STYLES = ['auto', 'path', 'host', 'plain'];
