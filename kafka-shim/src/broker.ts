/**
 * The broker's shared state, handed to every API handler: the core (store, clock, logs, config),
 * the partition logs, the group coordinator and the producer id manager. Where clients should connect depends on the
 * listener they came in on, so it is per connection (RequestContext.conn.advertised).
 */
import type { Core } from '../../emulator/src/core/core.js';
import type { Cluster } from './cluster/cluster.js';
import type { KafkaConfig } from './config.js';
import type { GroupCoordinator } from './groups/index.js';
import type { LogManager } from './log/index.js';
import type { AclStore } from './acl/store.js';
import type { Authorizer } from './acl/authorizer.js';
import type { ProducerIdManager } from './txn/producer-ids.js';
import type { ClientQuotas } from './quotas/index.js';
import type { TransactionCoordinator } from './txn/coordinator.js';

export interface Broker {
  readonly core: Core;
  /** The kafka section of the configuration. */
  readonly config: KafkaConfig;
  /** The first broker's node id (the one a single-broker Tandem has; broker configs describe it).
   * The broker a request came to is `RequestContext.conn.nodeId`. */
  readonly nodeId: number;
  /** The brokers, their liveness and who leads each partition (./cluster). */
  readonly cluster: Cluster;
  readonly clusterId: string;
  /** Partition logs and topics (./log). */
  readonly log: LogManager;
  /** Group coordinator (./groups). */
  readonly groups: GroupCoordinator;
  /** Producer ids and transactional ids (./txn). */
  readonly producerIds: ProducerIdManager;
  /** Client quotas, stored and described, never enforced (./quotas). */
  readonly quotas: ClientQuotas;
  /** The transaction coordinator (./txn/coordinator.ts). */
  readonly txn: TransactionCoordinator;
  /** ACL bindings, when an authorizer is configured (`kafka.authorizer`); absent: SECURITY_DISABLED. */
  readonly acls?: AclStore;
  /** Enforces the ACLs on every request (../acl/enforce.ts); set with `acls`. */
  readonly authorizer?: Authorizer;
  /** Told each answered request's API, error code (0: none) and time (metrics); unset, nothing is measured. */
  observe?: RequestObserver;
}

export type RequestObserver = (api: string, errorCode: number, ms: number) => void;
