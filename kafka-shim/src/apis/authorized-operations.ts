/**
 * Authorized-operations bitfields (KIP-430) for Metadata, DescribeCluster and DescribeGroups.
 * There are no ACLs here, so when a client asks, it is told every operation the resource supports.
 */

/** Kafka's value for "not requested". */
export const NO_OPERATIONS = -(2 ** 31);

const bits = (ops: number[]): number => ops.reduce((a, op) => a | (1 << op), 0);

/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
export const ALL_TOPIC_OPERATIONS = bits([3, 4, 5, 6, 7, 8, 10, 11]);
/** CREATE, CLUSTER_ACTION, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
export const ALL_CLUSTER_OPERATIONS = bits([5, 7, 8, 9, 10, 11, 12]);
/** READ, DELETE, DESCRIBE: the operations Kafka defines on a group resource. */
export const ALL_GROUP_OPERATIONS = bits([3, 6, 8]);
