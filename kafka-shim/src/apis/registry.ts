/**
 * The one list of API handlers this broker serves, checked against the schemas at startup and
 * handed to the server. ApiVersions and the README's table (kafka-shim/test/readme.test.ts) are
 * derived from it: adding an API means adding its file and one line here.
 */
import { apiSpec } from '../protocol/messages.js';
import type { ApiCatalog, ApiHandler } from './api.js';
import { produce } from './00_produce.js';
import { fetch } from './01_fetch.js';
import { listOffsets } from './02_list_offsets.js';
import { metadata } from './03_metadata.js';
import { offsetCommit } from './08_offset_commit.js';
import { offsetFetch } from './09_offset_fetch.js';
import { findCoordinator } from './10_find_coordinator.js';
import { joinGroup } from './11_join_group.js';
import { heartbeat } from './12_heartbeat.js';
import { leaveGroup } from './13_leave_group.js';
import { syncGroup } from './14_sync_group.js';
import { describeGroups } from './15_describe_groups.js';
import { listGroups } from './16_list_groups.js';
import { saslHandshake } from './17_sasl_handshake.js';
import { apiVersions } from './18_api_versions.js';
import { createTopics } from './19_create_topics.js';
import { deleteTopics } from './20_delete_topics.js';
import { deleteRecords } from './21_delete_records.js';
import { initProducerId } from './22_init_producer_id.js';
import { addPartitionsToTxn } from './24_add_partitions_to_txn.js';
import { addOffsetsToTxn } from './25_add_offsets_to_txn.js';
import { endTxn } from './26_end_txn.js';
import { txnOffsetCommit } from './28_txn_offset_commit.js';
import { offsetForLeaderEpoch } from './23_offset_for_leader_epoch.js';
import { saslAuthenticate } from './36_sasl_authenticate.js';
import { describeAcls } from './29_describe_acls.js';
import { createAcls } from './30_create_acls.js';
import { deleteAcls } from './31_delete_acls.js';
import { describeConfigs } from './32_describe_configs.js';
import { alterConfigs } from './33_alter_configs.js';
import { describeLogDirs } from './35_describe_log_dirs.js';
import { createPartitions } from './37_create_partitions.js';
import { deleteGroups } from './42_delete_groups.js';
import { electLeaders } from './43_elect_leaders.js';
import { incrementalAlterConfigs } from './44_incremental_alter_configs.js';
import { alterPartitionReassignments } from './45_alter_partition_reassignments.js';
import { listPartitionReassignments } from './46_list_partition_reassignments.js';
import { offsetDelete } from './47_offset_delete.js';
import { describeClientQuotas } from './48_describe_client_quotas.js';
import { alterClientQuotas } from './49_alter_client_quotas.js';
import { describeCluster } from './60_describe_cluster.js';
import { describeProducers } from './61_describe_producers.js';
import { describeTransactions } from './65_describe_transactions.js';
import { listTransactions } from './66_list_transactions.js';
import { consumerGroupHeartbeat } from './68_consumer_group_heartbeat.js';
import { consumerGroupDescribe } from './69_consumer_group_describe.js';
import { describeTopicPartitions } from './75_describe_topic_partitions.js';

/** Every API we serve. */
export const KAFKA_APIS: readonly ApiHandler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  saslHandshake,
  apiVersions,
  createTopics,
  deleteTopics,
  deleteRecords,
  initProducerId,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  txnOffsetCommit,
  offsetForLeaderEpoch,
  describeAcls,
  createAcls,
  deleteAcls,
  describeConfigs,
  alterConfigs,
  describeLogDirs,
  saslAuthenticate,
  createPartitions,
  deleteGroups,
  electLeaders,
  incrementalAlterConfigs,
  alterPartitionReassignments,
  listPartitionReassignments,
  offsetDelete,
  describeClientQuotas,
  alterClientQuotas,
  describeCluster,
  describeProducers,
  describeTransactions,
  listTransactions,
  consumerGroupHeartbeat,
  consumerGroupDescribe,
  describeTopicPartitions,
];

/** Handlers by API key. Construction fails (at startup, not on the first request) if a key is
 * given twice or a handler claims versions the codec lacks. */
export class ApiRegistry implements ApiCatalog {
  private readonly byKey = new Map<number, ApiHandler>();
  private readonly sorted: readonly ApiHandler[];

  constructor(handlers: readonly ApiHandler[] = KAFKA_APIS) {
    for (const h of handlers) {
      if (this.byKey.has(h.key)) throw new Error(`API key ${h.key} registered twice`);
      const valid = apiSpec(h.key)?.request.valid;
      if (!valid || h.minVersion < valid[0] || h.maxVersion > valid[1] || h.minVersion > h.maxVersion) {
        throw new Error(`${h.name}: versions ${h.minVersion}-${h.maxVersion} outside the schema's ${valid ? valid.join('-') : 'none'}`);
      }
      this.byKey.set(h.key, h);
    }
    this.sorted = [...this.byKey.values()].sort((a, b) => a.key - b.key);
  }

  get(key: number): ApiHandler | undefined {
    return this.byKey.get(key);
  }

  list(): readonly ApiHandler[] {
    return this.sorted;
  }
}
