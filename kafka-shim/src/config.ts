/** The Kafka engine's section of the configuration (filled by the host's config from flags, env, file). */
export interface KafkaConfig {
  port: number;
  /** Host and port clients are told to connect to (Metadata); default the bind address and port. */
  advertisedHost: string | undefined;
  advertisedPort: number | undefined;
  /** Optional second listener (e.g. for other containers of a Docker network), advertising its own host. */
  internalPort: number | undefined;
  internalAdvertisedHost: string | undefined;
  /** Brokers presented by this one process (1: the single broker Tandem always was). */
  brokers?: number;
  /** Their node ids, comma-separated (default 0..N-1; a single broker is 1). */
  brokerIds?: string;
  /** Their ports, comma-separated (default consecutive from `port`). */
  brokerPorts?: string;
  /** Their advertised host[:port]s, comma-separated (default the advertised host and each bound port). */
  brokerAdvertised?: string;
  /** Partitions of auto-created topics (Kafka's num.partitions). */
  defaultPartitions: number;
  /** Largest request frame (Kafka's socket.request.max.bytes); larger closes the connection. */
  maxFrameBytes: number;
  /** Per connection: requests read and not yet answered before reading pauses. */
  maxQueuedRequests: number;
  /** Per connection: response bytes waiting to be sent before reading pauses. */
  maxUnsentBytes: number;
  /** `user:password` entries: when set, every listener requires SASL authentication as one of them. */
  saslUsers: readonly string[] | undefined;
  /** Mechanisms offered with saslUsers (comma-separated; Kafka's sasl.enabled.mechanisms). */
  saslMechanisms: string;
  /** Kafka's connections.max.reauth.ms: sessions end after this long unless re-authenticated; 0: never. */
  saslSessionLifetimeMs: number;
  /** PEM certificate and key files: every listener speaks TLS. */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** Store and serve ACLs (Kafka's authorizer.class.name=StandardAuthorizer); off: SECURITY_DISABLED. */
  authorizer: boolean;
  /** All connections together: bytes of half-received frames before reading pauses (Kafka's queued.max.request.bytes). */
  maxBufferedRequestBytes: number;
  /** Principals (`User:name`) the authorizer allows everything (Kafka's super.users). */
  superUsers?: readonly string[];
  /** Kafka's allow.everyone.if.no.acl.found: a resource no ACL covers is open to all. */
  allowEveryoneIfNoAclFound?: boolean;
  /** Kafka's group.initial.rebalance.delay.ms. */
  groupInitialRebalanceDelayMs: number;
  /** Kafka's log.cleaner.backoff.ms: how often the log cleaner looks for compacted logs to clean. */
  logCleanerBackoffMs: number;
  /** Kafka's group.consumer.session.timeout.ms, group.consumer.heartbeat.interval.ms and
   * group.consumer.assignors (comma-separated), for KIP-848 consumer groups. */
  groupConsumerSessionTimeoutMs: number;
  groupConsumerHeartbeatIntervalMs: number;
  groupConsumerAssignors: string;
}
