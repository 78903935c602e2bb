/** The Kafka engine's section of the configuration (filled by the host's config from flags, env, file). */
export interface KafkaConfig {
  port: number;
  /** Host and port clients are told to connect to (Metadata); default the bind address and port. */
  advertisedHost: string | undefined;
  advertisedPort: number | undefined;
  /** Optional second listener (e.g. for other containers of a Docker network), advertising its own host. */
  internalPort: number | undefined;
  internalAdvertisedHost: string | undefined;
  /** Partitions of auto-created topics (Kafka's num.partitions). */
  defaultPartitions: number;
  /** Largest request frame (Kafka's socket.request.max.bytes); larger closes the connection. */
  maxFrameBytes: number;
  /** Per connection: requests read and not yet answered before reading pauses. */
  maxQueuedRequests: number;
  /** Per connection: response bytes waiting to be sent before reading pauses. */
  maxUnsentBytes: number;
  /** All connections together: bytes of half-received frames before reading pauses (Kafka's queued.max.request.bytes). */
  maxBufferedRequestBytes: number;
  /** Kafka's group.initial.rebalance.delay.ms. */
  groupInitialRebalanceDelayMs: number;
}
