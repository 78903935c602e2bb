/**
 * The Kafka side of fault injection (core/faults.ts), used by the connection dispatcher: how a
 * request is described for matching (API, topics, partitions, client id) and how an injected
 * error is answered in the API's own response shape, as a broker that failed the request would.
 *
 * Error responses mirror the request: every partition the request names gets the error (Produce,
 * Fetch, ListOffsets, OffsetCommit, OffsetFetch), every coordinator key (FindCoordinator v4+), or
 * the top-level ErrorCode when the API has one in this version. An API with none of these
 * (Metadata, for one) cannot say "failed": the connection closes instead, which is what a client
 * would see of a broker going away.
 */
import type { FaultRenderer, FaultRequest } from '../../../emulator/src/core/faults.js';
import type { LogManager } from '../log/index.js';
import { hasTopLevelErrorCode } from './shapes.js';

/** Every error code of Kafka's Errors enum (clients/.../common/protocol/Errors.java), by name. */
const KAFKA_ERRORS: Record<string, number> = {
  UNKNOWN_SERVER_ERROR: -1,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_FETCH_SIZE: 4,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  REPLICA_NOT_AVAILABLE: 9,
  MESSAGE_TOO_LARGE: 10,
  STALE_CONTROLLER_EPOCH: 11,
  OFFSET_METADATA_TOO_LARGE: 12,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_COMMIT_OFFSET_SIZE: 28,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  NOT_CONTROLLER: 41,
  INVALID_REQUEST: 42,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  POLICY_VIOLATION: 44,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  INVALID_PRODUCER_ID_MAPPING: 49,
  INVALID_TRANSACTION_TIMEOUT: 50,
  CONCURRENT_TRANSACTIONS: 51,
  TRANSACTION_COORDINATOR_FENCED: 52,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  SECURITY_DISABLED: 54,
  OPERATION_NOT_ATTEMPTED: 55,
  KAFKA_STORAGE_ERROR: 56,
  LOG_DIR_NOT_FOUND: 57,
  SASL_AUTHENTICATION_FAILED: 58,
  UNKNOWN_PRODUCER_ID: 59,
  REASSIGNMENT_IN_PROGRESS: 60,
  DELEGATION_TOKEN_AUTH_DISABLED: 61,
  DELEGATION_TOKEN_NOT_FOUND: 62,
  DELEGATION_TOKEN_OWNER_MISMATCH: 63,
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: 64,
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: 65,
  DELEGATION_TOKEN_EXPIRED: 66,
  INVALID_PRINCIPAL_TYPE: 67,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  FETCH_SESSION_ID_NOT_FOUND: 70,
  INVALID_FETCH_SESSION_EPOCH: 71,
  LISTENER_NOT_FOUND: 72,
  TOPIC_DELETION_DISABLED: 73,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  STALE_BROKER_EPOCH: 77,
  OFFSET_NOT_AVAILABLE: 78,
  MEMBER_ID_REQUIRED: 79,
  PREFERRED_LEADER_NOT_AVAILABLE: 80,
  GROUP_MAX_SIZE_REACHED: 81,
  FENCED_INSTANCE_ID: 82,
  ELIGIBLE_LEADERS_NOT_AVAILABLE: 83,
  ELECTION_NOT_NEEDED: 84,
  NO_REASSIGNMENT_IN_PROGRESS: 85,
  GROUP_SUBSCRIBED_TO_TOPIC: 86,
  INVALID_RECORD: 87,
  UNSTABLE_OFFSET_COMMIT: 88,
  THROTTLING_QUOTA_EXCEEDED: 89,
  PRODUCER_FENCED: 90,
  RESOURCE_NOT_FOUND: 91,
  DUPLICATE_RESOURCE: 92,
  UNACCEPTABLE_CREDENTIAL: 93,
  INCONSISTENT_VOTER_SET: 94,
  INVALID_UPDATE_VERSION: 95,
  FEATURE_UPDATE_FAILED: 96,
  PRINCIPAL_DESERIALIZATION_FAILURE: 97,
  SNAPSHOT_NOT_FOUND: 98,
  UNKNOWN_TOPIC_ID: 100,
  DUPLICATE_BROKER_REGISTRATION: 101,
  BROKER_ID_NOT_REGISTERED: 102,
  INCONSISTENT_TOPIC_ID: 103,
  INCONSISTENT_CLUSTER_ID: 104,
  TRANSACTIONAL_ID_NOT_FOUND: 105,
  FETCH_SESSION_TOPIC_ID_ERROR: 106,
  INELIGIBLE_REPLICA: 107,
  NEW_LEADER_ELECTED: 108,
  OFFSET_MOVED_TO_TIERED_STORAGE: 109,
  FENCED_MEMBER_EPOCH: 110,
  UNRELEASED_INSTANCE_ID: 111,
  UNSUPPORTED_ASSIGNOR: 112,
  STALE_MEMBER_EPOCH: 113,
  MISMATCHED_ENDPOINT_TYPE: 114,
  UNSUPPORTED_ENDPOINT_TYPE: 115,
  UNKNOWN_CONTROLLER_ID: 116,
  UNKNOWN_SUBSCRIPTION_ID: 117,
  TELEMETRY_TOO_LARGE: 118,
  INVALID_REGISTRATION: 119,
  TRANSACTION_ABORTABLE: 120,
  INVALID_RECORD_STATE: 121,
  SHARE_SESSION_NOT_FOUND: 122,
  INVALID_SHARE_SESSION_EPOCH: 123,
  FENCED_STATE_EPOCH: 124,
  INVALID_VOTER_KEY: 125,
  DUPLICATE_VOTER: 126,
  VOTER_NOT_FOUND: 127,
  INVALID_REGULAR_EXPRESSION: 128,
};

const BY_CODE = new Map(Object.entries(KAFKA_ERRORS).map(([k, v]) => [String(v), k]));

export const KAFKA_FAULTS: FaultRenderer = {
  error: (name) => (Object.hasOwn(KAFKA_ERRORS, name.toUpperCase()) ? name.toUpperCase() : BY_CODE.get(name.trim())),
  errors: ['NOT_LEADER_OR_FOLLOWER', 'REQUEST_TIMED_OUT', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'LEADER_NOT_AVAILABLE', '... any name or code of Kafka\'s Errors'],
};

export function faultErrorCode(name: string): number {
  return KAFKA_ERRORS[name] ?? -1;
}

type Obj = Record<string, unknown>;
const PARTITION_ARRAYS = ['partitionData', 'partitions', 'partitionIndexes'];

/** The request as fault rules see it: topics and partitions from its top-level topic arrays. */
export function describeRequest(name: string, key: number, request: unknown, clientId: string | null, log: LogManager): FaultRequest {
  const names: string[] = [];
  const partitions: [string, number][] = [];
  const visitTopics = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const t of list as Obj[]) {
      if (!t || typeof t !== 'object') continue;
      let topic = typeof t.name === 'string' ? t.name : typeof t.topic === 'string' ? t.topic : '';
      if (topic === '' && typeof t.topicId === 'string') topic = log.topicById(t.topicId)?.name ?? '';
      if (topic === '') continue;
      names.push(topic);
      for (const field of PARTITION_ARRAYS) {
        const ps = t[field];
        if (!Array.isArray(ps)) continue;
        for (const p of ps as unknown[]) {
          const n = typeof p === 'number' ? p : ((p as Obj)?.index ?? (p as Obj)?.partition ?? (p as Obj)?.partitionIndex);
          if (typeof n === 'number') partitions.push([topic, n]);
        }
      }
    }
  };
  if (request && typeof request === 'object') {
    const r = request as Obj;
    visitTopics(r.topicData);
    visitTopics(r.topics);
    if (Array.isArray(r.groups)) for (const g of r.groups as Obj[]) visitTopics(g?.topics);
  }
  return { action: name, key, names, partitions, clientId };
}

const partitionsOf = (t: Obj, field: string): number[] =>
  ((t[field] as unknown[] | null) ?? []).map((p) => (typeof p === 'number' ? p : (((p as Obj).index ?? (p as Obj).partition ?? (p as Obj).partitionIndex) as number)));

/** The response failing every part of `request` with `code`, or undefined when the API has no way to say so. */
export function faultResponse(key: number, version: number, request: unknown, code: number): object | undefined {
  const r = request as Obj;
  switch (key) {
    case 0: // Produce
      return {
        responses: (r.topicData as Obj[]).map((t) => ({
          name: t.name,
          partitionResponses: partitionsOf(t, 'partitionData').map((index) => ({ index, errorCode: code, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 })),
        })),
      };
    case 1: // Fetch
      return {
        errorCode: 0,
        sessionId: 0,
        responses: (r.topics as Obj[]).map((t) => ({
          topic: t.topic,
          topicId: t.topicId,
          partitions: partitionsOf(t, 'partitions').map((partitionIndex) => ({ partitionIndex, errorCode: code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, records: null })),
        })),
      };
    case 2: // ListOffsets
      return { topics: (r.topics as Obj[]).map((t) => ({ name: t.name, partitions: partitionsOf(t, 'partitions').map((partitionIndex) => ({ partitionIndex, errorCode: code, timestamp: -1, offset: -1, leaderEpoch: -1 })) })) };
    case 8: // OffsetCommit
      return { topics: (r.topics as Obj[]).map((t) => ({ name: t.name, partitions: partitionsOf(t, 'partitions').map((partitionIndex) => ({ partitionIndex, errorCode: code })) })) };
    case 9: // OffsetFetch: top-level error (v2-7), per group (v8+)
      return { errorCode: code, topics: [], groups: ((r.groups as Obj[] | undefined) ?? []).map((g) => ({ groupId: g.groupId, errorCode: code, topics: [] })) };
    case 10: // FindCoordinator: top-level (v0-3), per key (v4+)
      return {
        errorCode: code,
        nodeId: -1,
        host: '',
        port: -1,
        coordinators: ((r.coordinatorKeys as string[] | undefined) ?? []).map((k) => ({ key: k, nodeId: -1, host: '', port: -1, errorCode: code })),
      };
  }
  return hasTopLevelErrorCode(key, version) ? { errorCode: code } : undefined;
}
