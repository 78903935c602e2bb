/**
 * Which operation on which resource each Kafka API needs, and how a refusal looks in that API's
 * response: the facts of apache/kafka's KafkaApis (and the group/transaction handlers it calls),
 * one entry per API key. An API with no entry is not checked (the SASL and ApiVersions handshake,
 * and the admin APIs listed as not enforced in README's ACL notes).
 */
import { ErrorCode } from '../errors.js';
import { ZERO_UUID } from '../protocol/spec.js';
import { NO_RESPONSE } from '../apis/api.js';
import { CLUSTER_NAME, Operation as Op, ResourceType as RT } from './authorizer.js';
import { andThen, type Caller, type Gate, type Rule, splitList } from './gate.js';

const TOPIC = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
const GROUP = ErrorCode.GROUP_AUTHORIZATION_FAILED;
const CLUSTER = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
const TXN = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;

const topicCode = (c: Caller, op: number) => (name: string) => (c.can(op, RT.TOPIC, name) ? 0 : TOPIC);
const cluster = (c: Caller, op: number) => c.can(op, RT.CLUSTER, CLUSTER_NAME);

/** A top-level refusal unless the caller may do `op` on the group. */
const groupRule =
  (op: number): Rule =>
  (req: { groupId: string }, c) =>
    c.can(op, RT.GROUP, req.groupId) ? undefined : c.refuse(GROUP);

const clusterRule =
  (op: number): Rule =>
  (_req, c) =>
    cluster(c, op) ? undefined : c.refuse(CLUSTER, 'Cluster authorization failed.');

const txnRule =
  (groupOp?: number): Rule =>
  (req: { transactionalId: string; groupId?: string }, c) => {
    if (!c.can(Op.WRITE, RT.TRANSACTIONAL_ID, req.transactionalId)) return c.refuse(TXN);
    if (groupOp !== undefined && req.groupId !== undefined && !c.can(groupOp, RT.GROUP, req.groupId)) return c.refuse(GROUP);
    return undefined;
  };

/** Per-partition topic refusals for `{ name, partitions: [{ partitionIndex }] }` shaped APIs. */
const partitioned = (req: any, c: Caller, op: number, reqParts: string, reqIndex: string, respParts: string, extra: object = {}): Gate =>
  // OffsetCommit v10+ names topics by id only: authorize the name the id stands for.
  splitList(req, 'topics', 'topics', req.topics as any[], (t) => topicCode(c, op)(t.name || (c.ctx.broker.log.topicById(t.topicId)?.name ?? '')), (t, code) => ({
    name: t.name,
    ...(t.topicId !== undefined ? { topicId: t.topicId } : {}),
    [respParts]: (t[reqParts] as any[]).map((p) => ({ partitionIndex: p[reqIndex], errorCode: code, ...extra })),
  }));

function produce(req: any, c: Caller): Gate {
  const code = (name: string) => (req.transactionalId !== null && !c.can(Op.WRITE, RT.TRANSACTIONAL_ID, req.transactionalId) ? TXN : topicCode(c, Op.WRITE)(name));
  const gate = splitList(req, 'topicData', 'responses', req.topicData as any[], (t) => code(t.name), (t, e) => ({
    name: t.name,
    partitionResponses: (t.partitionData as any[]).map((p) => ({ index: p.index, errorCode: e, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 })),
  }));
  // acks=0: the client reads no answer, whatever it would have said.
  if (gate && 'response' in gate && req.acks === 0) return { response: NO_RESPONSE };
  return gate;
}

function fetch(req: any, c: Caller): Gate {
  const nameOf = (t: any): string | undefined => (t.topic ? t.topic : c.ctx.broker.log.topicById(t.topicId)?.name);
  return splitList(
    req,
    'topics',
    'responses',
    req.topics as any[],
    // An unknown topic id is the handler's to answer (UNKNOWN_TOPIC_ID).
    (t) => {
      const name = nameOf(t);
      return name === undefined ? 0 : topicCode(c, Op.READ)(name);
    },
    (t, code) => ({
      topic: t.topic,
      topicId: t.topicId,
      partitions: (t.partitions as any[]).map((p) => ({ partitionIndex: p.partition, errorCode: code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null })),
    }),
    { errorCode: 0, sessionId: req.sessionId ?? 0 },
  );
}

function metadata(req: any, c: Caller): Gate {
  const log = c.ctx.broker.log;
  let gate: Gate;
  if (req.topics !== null) {
    const named = (req.topics as any[]).map((t) => ({ ...t, name: t.name ?? log.topicById(t.topicId)?.name ?? null }));
    const mayCreate = (name: string) => c.can(Op.CREATE, RT.CLUSTER, CLUSTER_NAME) || c.can(Op.CREATE, RT.TOPIC, name);
    const code = (t: any): number => {
      if (t.name === null) return 0;
      if (!c.can(Op.DESCRIBE, RT.TOPIC, t.name)) return TOPIC;
      // Kafka answers a topic it would auto-create but the caller may not create as unauthorized.
      return req.allowAutoTopicCreation && !log.topic(t.name) && !mayCreate(t.name) ? TOPIC : 0;
    };
    const errors = named.filter((t) => code(t) !== 0).map((t) => ({ name: t.name, topicId: t.topicId ?? ZERO_UUID, errorCode: code(t), isInternal: false, partitions: [] }));
    if (errors.length > 0) {
      const kept = named.filter((t) => code(t) === 0);
      // v0 reads an empty list as "every topic": then the answer is the refusals alone.
      const only = kept.length === 0 && c.ctx.apiVersion === 0;
      gate = { request: { ...req, topics: kept }, after: (res: any) => ({ ...res, topics: [...(only ? [] : res.topics ?? []), ...errors] }) };
    }
  } else {
    // A full listing shows only the topics the caller may describe.
    gate = { request: req, after: (res: any) => ({ ...res, topics: (res.topics ?? []).filter((t: any) => c.can(Op.DESCRIBE, RT.TOPIC, t.name)) }) };
  }
  if (!req.includeTopicAuthorizedOperations && !req.includeClusterAuthorizedOperations) return gate;
  return andThen(gate, req, (res: any) => ({
    ...res,
    topics: req.includeTopicAuthorizedOperations ? (res.topics ?? []).map((t: any) => (t.errorCode ? t : { ...t, topicAuthorizedOperations: c.operations(RT.TOPIC, t.name) })) : res.topics,
    ...(req.includeClusterAuthorizedOperations ? { clusterAuthorizedOperations: clusterOperations(c) } : {}),
  }));
}

function findCoordinator(req: any, c: Caller): Gate {
  const [type, op, code] = req.keyType === 1 ? [RT.TRANSACTIONAL_ID, Op.DESCRIBE, TXN] : [RT.GROUP, Op.DESCRIBE, GROUP];
  if (c.ctx.apiVersion < 4) return c.can(op, type, req.key) ? undefined : c.refuse(code);
  return splitList(req, 'coordinatorKeys', 'coordinators', req.coordinatorKeys as string[], (k) => (c.can(op, type, k) ? 0 : code), (key, e) => ({ key, nodeId: -1, host: '', port: -1, errorCode: e, errorMessage: null }));
}

function offsetCommit(req: any, c: Caller): Gate {
  if (!c.can(Op.READ, RT.GROUP, req.groupId)) return c.refuse(GROUP);
  return partitioned(req, c, Op.READ, 'partitions', 'partitionIndex', 'partitions');
}

function offsetFetch(req: any, c: Caller): Gate {
  const groups: string[] = c.ctx.apiVersion >= 8 ? (req.groups as any[]).map((g) => g.groupId) : [req.groupId];
  return groups.every((g) => c.can(Op.DESCRIBE, RT.GROUP, g)) ? undefined : c.refuse(GROUP);
}

/** Kafka's DescribeTopicPartitions: a listing hides what the caller may not describe, a named
 * topic it may not is TOPIC_AUTHORIZATION_FAILED; operations are always reported. */
function describeTopicPartitions(req: any, c: Caller): Gate {
  const listing = (req.topics as unknown[]).length === 0;
  return {
    request: req,
    after: (res: any) => ({
      ...res,
      topics: (res.topics ?? []).flatMap((t: any) => {
        if (c.can(Op.DESCRIBE, RT.TOPIC, t.name)) return [t.errorCode ? t : { ...t, topicAuthorizedOperations: c.operations(RT.TOPIC, t.name) }];
        return listing ? [] : [{ name: t.name, topicId: ZERO_UUID, errorCode: TOPIC, isInternal: false, partitions: [], topicAuthorizedOperations: 0 }];
      }),
    }),
  };
}

/** DescribeGroups and ConsumerGroupDescribe: refused groups answered GROUP_AUTHORIZATION_FAILED. */
function describeGroups(req: any, c: Caller): Gate {
  return {
    request: req,
    after: (res: any) => ({
      ...res,
      groups: (res.groups ?? []).map((g: any) => {
        if (!c.can(Op.DESCRIBE, RT.GROUP, g.groupId)) return { groupId: g.groupId, errorCode: GROUP, members: [] };
        return req.includeAuthorizedOperations ? { ...g, authorizedOperations: c.operations(RT.GROUP, g.groupId) } : g;
      }),
    }),
  };
}

function listGroups(req: any, c: Caller): Gate {
  if (cluster(c, Op.DESCRIBE)) return undefined;
  return { request: req, after: (res: any) => ({ ...res, groups: (res.groups ?? []).filter((g: any) => c.can(Op.DESCRIBE, RT.GROUP, g.groupId)) }) };
}

function createTopics(req: any, c: Caller): Gate {
  if (cluster(c, Op.CREATE)) return undefined;
  return splitList(req, 'topics', 'topics', req.topics as any[], (t) => topicCode(c, Op.CREATE)(t.name), (t, e) => ({ name: t.name, errorCode: e, errorMessage: 'Authorization failed.', numPartitions: -1, replicationFactor: -1, configs: null }));
}

function deleteTopics(req: any, c: Caller): Gate {
  const log = c.ctx.broker.log;
  if (c.ctx.apiVersion < 6) {
    return splitList(req, 'topicNames', 'responses', req.topicNames as string[], topicCode(c, Op.DELETE), (name, e) => ({ name, errorCode: e, errorMessage: null }));
  }
  return splitList(
    req,
    'topics',
    'responses',
    req.topics as any[],
    (t) => {
      const name = t.name ?? log.topicById(t.topicId)?.name;
      return name === undefined ? 0 : topicCode(c, Op.DELETE)(name);
    },
    (t, e) => ({ name: t.name, topicId: t.topicId, errorCode: e, errorMessage: null }),
  );
}

function configs(op: number, responseField: string): Rule {
  return (req: any, c: Caller) =>
    splitList(
      req,
      'resources',
      responseField,
      req.resources as any[],
      (r) => (r.resourceType === RT.TOPIC ? topicCode(c, op)(r.resourceName) : r.resourceType === 4 || r.resourceType === 8 ? (cluster(c, op) ? 0 : CLUSTER) : 0),
      (r, e) => ({ errorCode: e, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }),
    );
}

function initProducerId(req: any, c: Caller): Gate {
  if (req.transactionalId !== null) return c.can(Op.WRITE, RT.TRANSACTIONAL_ID, req.transactionalId) ? undefined : c.refuse(TXN);
  return cluster(c, Op.IDEMPOTENT_WRITE) || c.canAny(Op.WRITE, RT.TOPIC) ? undefined : c.refuse(CLUSTER);
}

function addPartitionsToTxn(req: any, c: Caller): Gate {
  if (c.ctx.apiVersion >= 4) {
    // v4 and up come from brokers verifying transactions: Kafka asks for CLUSTER_ACTION.
    return cluster(c, Op.CLUSTER_ACTION) ? undefined : c.refuse(CLUSTER);
  }
  const txnOk = c.can(Op.WRITE, RT.TRANSACTIONAL_ID, req.v3AndBelowTransactionalId);
  const bad = (req.v3AndBelowTopics as any[]).filter((t) => !c.can(Op.WRITE, RT.TOPIC, t.name));
  if (txnOk && bad.length === 0) return undefined;
  // Kafka: refused topics get TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED.
  const result = (t: any, e: number) => ({ name: t.name, resultsByPartition: (t.partitions as number[]).map((p) => ({ partitionIndex: p, partitionErrorCode: e })) });
  const topics = req.v3AndBelowTopics as any[];
  return { response: { resultsByTopicV3AndBelow: topics.map((t) => result(t, !txnOk ? TXN : bad.includes(t) ? TOPIC : ErrorCode.OPERATION_NOT_ATTEMPTED)) } };
}

function aclResults(field: string, items: (req: any) => unknown[]): Rule {
  return (req: any, c: Caller) => (cluster(c, Op.ALTER) ? undefined : { response: { [field]: items(req).map(() => ({ errorCode: CLUSTER, errorMessage: 'Cluster authorization failed.' })) } });
}

/** Kafka reports the cluster's operations only to whom may describe it (0 to the others). */
const clusterOperations = (c: Caller): number => (cluster(c, Op.DESCRIBE) ? c.operations(RT.CLUSTER, CLUSTER_NAME) : 0);

/** DescribeCluster is never refused (Kafka's AuthHelper): only its operations depend on the ACLs. */
function describeCluster(req: any, c: Caller): Gate {
  if (!req.includeClusterAuthorizedOperations) return undefined;
  return { request: req, after: (res: any) => ({ ...res, clusterAuthorizedOperations: clusterOperations(c) }) };
}

export const RULES: Readonly<Partial<Record<number, Rule>>> = {
  0: produce,
  1: fetch,
  2: (req, c) => partitioned(req, c, Op.DESCRIBE, 'partitions', 'partitionIndex', 'partitions', { timestamp: -1, offset: -1, leaderEpoch: -1 }),
  3: metadata,
  8: offsetCommit,
  9: offsetFetch,
  10: findCoordinator,
  11: groupRule(Op.READ),
  12: groupRule(Op.READ),
  13: groupRule(Op.READ),
  14: groupRule(Op.READ),
  15: describeGroups,
  16: listGroups,
  19: createTopics,
  20: deleteTopics,
  21: (req, c) => partitioned(req, c, Op.DELETE, 'partitions', 'partitionIndex', 'partitions', { lowWatermark: -1 }),
  22: initProducerId,
  24: addPartitionsToTxn,
  25: txnRule(Op.READ),
  26: txnRule(),
  28: txnRule(Op.READ),
  29: clusterRule(Op.DESCRIBE),
  30: aclResults('results', (req) => req.creations),
  31: aclResults('filterResults', (req) => req.filters),
  32: configs(Op.DESCRIBE_CONFIGS, 'results'),
  33: configs(Op.ALTER_CONFIGS, 'responses'),
  37: (req, c) => splitList(req, 'topics', 'results', req.topics as any[], (t) => topicCode(c, Op.ALTER)(t.name), (t, e) => ({ name: t.name, errorCode: e, errorMessage: null })),
  42: (req, c) => splitList(req, 'groupsNames', 'results', req.groupsNames as string[], (g) => (c.can(Op.DELETE, RT.GROUP, g) ? 0 : GROUP), (groupId, e) => ({ groupId, errorCode: e })),
  43: clusterRule(Op.ALTER),
  44: configs(Op.ALTER_CONFIGS, 'responses'),
  45: clusterRule(Op.ALTER),
  46: clusterRule(Op.DESCRIBE),
  47: groupRule(Op.DELETE),
  48: clusterRule(Op.DESCRIBE_CONFIGS),
  49: (req, c) => (cluster(c, Op.ALTER_CONFIGS) ? undefined : { response: { entries: (req.entries as any[]).map((e) => ({ errorCode: CLUSTER, errorMessage: 'Cluster authorization failed.', entity: e.entity })) } }),
  60: describeCluster,
  68: groupRule(Op.READ),
  69: describeGroups,
  75: describeTopicPartitions,
};
