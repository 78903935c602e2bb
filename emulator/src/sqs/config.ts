/** The SQS engine's section of the configuration (filled by host/config.ts from flags, env, file). */
export interface SqsConfig {
  port: number;
  /** Pin the scheme://host:port of queue URLs; by default they are built from each request's Host header. */
  baseUrl: string | undefined;
  region: string;
  accountId: string;
  /** Turn off the AWS-parity cooldowns (PurgeQueueInProgress, QueueDeletedRecently). */
  relaxedTimers: boolean;
}
