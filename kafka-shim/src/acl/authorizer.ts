/**
 * The one place that decides whether a principal may do an operation on a resource, with the
 * rules of Kafka's StandardAuthorizer (facts read from apache/kafka StandardAuthorizerData):
 * - a super user (`kafka.superUsers`, Kafka's super.users) may do everything;
 * - the bindings that apply are those whose pattern covers the resource (LITERAL of its name,
 *   LITERAL `*`, PREFIXED of a prefix of its name), whose principal is the caller's or `User:*`,
 *   and whose host is the caller's or `*`;
 * - one applicable DENY of the operation (or of ALL) refuses, whatever ALLOWs say;
 * - else an applicable ALLOW of the operation, of ALL, or of an operation implying it (DESCRIBE is
 *   implied by READ, WRITE, DELETE and ALTER; DESCRIBE_CONFIGS by ALTER_CONFIGS) grants it;
 * - else, when no binding at all covers the resource, `kafka.allowEveryoneIfNoAclFound` decides
 *   (Kafka's allow.everyone.if.no.acl.found, default false); otherwise refused.
 * Which operation each request needs is ./enforce.ts's table.
 */
import { type AclBinding, type AclStore, Operation, PatternType, Permission, ResourceType } from './store.js';

export const CLUSTER_NAME = 'kafka-cluster';

export interface AuthorizerOptions {
  /** Principals (`User:alice`) allowed everything. */
  superUsers: readonly string[];
  allowEveryoneIfNoAclFound: boolean;
}

const IMPLIES_DESCRIBE: ReadonlySet<number> = new Set([Operation.DESCRIBE, Operation.READ, Operation.WRITE, Operation.DELETE, Operation.ALTER]);
const IMPLIES_DESCRIBE_CONFIGS: ReadonlySet<number> = new Set([Operation.DESCRIBE_CONFIGS, Operation.ALTER_CONFIGS]);

/** The operations KIP-430 reports per resource type (Kafka's supportedOperations). */
export const SUPPORTED_OPERATIONS: Readonly<Record<number, readonly number[]>> = {
  [ResourceType.TOPIC]: [Operation.READ, Operation.WRITE, Operation.CREATE, Operation.DELETE, Operation.ALTER, Operation.DESCRIBE, Operation.DESCRIBE_CONFIGS, Operation.ALTER_CONFIGS],
  [ResourceType.GROUP]: [Operation.READ, Operation.DELETE, Operation.DESCRIBE],
  [ResourceType.CLUSTER]: [Operation.CREATE, Operation.CLUSTER_ACTION, Operation.ALTER, Operation.DESCRIBE, Operation.DESCRIBE_CONFIGS, Operation.ALTER_CONFIGS, Operation.IDEMPOTENT_WRITE],
};

function coversResource(b: AclBinding, resourceType: number, name: string): boolean {
  if (b.resourceType !== resourceType) return false;
  if (b.patternType === PatternType.LITERAL) return b.resourceName === name || b.resourceName === '*';
  return b.patternType === PatternType.PREFIXED && name.startsWith(b.resourceName);
}

function allowGrants(aclOp: number, op: number): boolean {
  if (aclOp === op || aclOp === Operation.ALL) return true;
  if (op === Operation.DESCRIBE) return IMPLIES_DESCRIBE.has(aclOp);
  if (op === Operation.DESCRIBE_CONFIGS) return IMPLIES_DESCRIBE_CONFIGS.has(aclOp);
  return false;
}

export class Authorizer {
  private readonly superUsers: ReadonlySet<string>;

  constructor(
    private readonly store: AclStore,
    private readonly options: AuthorizerOptions,
  ) {
    this.superUsers = new Set(options.superUsers.map((s) => s.trim()).filter((s) => s !== ''));
  }

  authorize(principal: string, host: string, operation: number, resourceType: number, name: string): boolean {
    if (this.superUsers.has(principal)) return true;
    let covered = false;
    let allowed = false;
    for (const b of this.store.list()) {
      if (!coversResource(b, resourceType, name)) continue;
      covered = true;
      if (b.principal !== principal && b.principal !== 'User:*') continue;
      if (b.host !== host && b.host !== '*') continue;
      if (b.permissionType === Permission.DENY) {
        if (b.operation === operation || b.operation === Operation.ALL) return false;
      } else if (allowGrants(b.operation, operation)) {
        allowed = true;
      }
    }
    return allowed || (!covered && this.options.allowEveryoneIfNoAclFound);
  }

  /** Kafka's authorizeByResourceType (InitProducerId without a transactional id): may the principal
   * do `operation` on at least one resource of the type? An ALLOW on any pattern that no DENY on a
   * covering pattern (LITERAL `*`, or a PREFIXED prefix of it) cancels; with no binding of the type
   * at all, allow.everyone.if.no.acl.found decides. */
  authorizeAny(principal: string, host: string, operation: number, resourceType: number): boolean {
    if (this.superUsers.has(principal)) return true;
    const applies = (b: AclBinding) => b.resourceType === resourceType && (b.principal === principal || b.principal === 'User:*') && (b.host === host || b.host === '*') && (b.operation === operation || b.operation === Operation.ALL);
    const all = this.store.list();
    const denies = all.filter((b) => applies(b) && b.permissionType === Permission.DENY);
    const deniedEverywhere = (b: AclBinding) =>
      denies.some((d) => (d.patternType === PatternType.LITERAL && (d.resourceName === '*' || (b.patternType === PatternType.LITERAL && d.resourceName === b.resourceName))) || (d.patternType === PatternType.PREFIXED && b.resourceName.startsWith(d.resourceName)));
    if (all.some((b) => applies(b) && b.permissionType === Permission.ALLOW && !deniedEverywhere(b))) return true;
    return this.options.allowEveryoneIfNoAclFound && !all.some((b) => b.resourceType === resourceType);
  }

  /** KIP-430's bitfield: bit `op` set for each supported operation the principal is granted. */
  authorizedOperations(principal: string, host: string, resourceType: number, name: string): number {
    let bits = 0;
    for (const op of SUPPORTED_OPERATIONS[resourceType] ?? []) if (this.authorize(principal, host, op, resourceType, name)) bits |= 1 << op;
    return bits;
  }
}

export { Operation, ResourceType };
