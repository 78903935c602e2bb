/**
 * ACL bindings (`kafka.authorizer`, Kafka's `authorizer.class.name=StandardAuthorizer`): stored,
 * described and deleted with Kafka's rules (facts read from apache/kafka 4.x AclControlManager,
 * ResourcePatternFilter and AccessControlEntryFilter):
 * - a new binding needs a concrete resource type, a LITERAL or PREFIXED pattern, a concrete
 *   operation, ALLOW or DENY, a non-empty name (CLUSTER's is `kafka-cluster`) and a
 *   `Type:name` principal, else INVALID_REQUEST with Kafka's message; a duplicate is a success
 *   that stores nothing;
 * - a filter's ANY matches every value; a null name, principal or host matches all; pattern type
 *   ANY matches LITERAL and PREFIXED bindings of exactly that name; MATCH also matches a LITERAL
 *   `*` and every PREFIXED binding the name starts with.
 *
 * Persistence: one key per binding under K/a/ (the binding itself, so equal bindings are one key),
 * written in one unit of work per request; loaded at startup.
 */
import type { Core } from '../../../emulator/src/core/core.js';
import { splitKey } from '../../../emulator/src/core/storage/keys.js';
import { aclKey, aclPrefix } from '../storage/keys.js';

export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const Operation = { UNKNOWN: 0, ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9, DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14, TWO_PHASE_COMMIT: 15 } as const;
export const Permission = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

const nameOf = (table: Record<string, number>, code: number): string => Object.keys(table).find((k) => table[k] === code) ?? 'UNKNOWN';

export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** A filter: null strings match everything (DescribeAcls and DeleteAcls use the same shape). */
export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

/** Why a binding cannot be created (Kafka's InvalidRequestException text), or undefined. */
export function invalidBinding(b: AclBinding): string | undefined {
  if (b.resourceType === ResourceType.UNKNOWN || b.resourceType === ResourceType.ANY || nameOf(ResourceType, b.resourceType) === 'UNKNOWN') return `Invalid resourceType ${nameOf(ResourceType, b.resourceType)}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `Invalid patternType ${nameOf(PatternType, b.patternType)}`;
  if (b.operation === Operation.UNKNOWN || b.operation === Operation.ANY || nameOf(Operation, b.operation) === 'UNKNOWN') return `Invalid operation ${nameOf(Operation, b.operation)}`;
  if (b.permissionType !== Permission.ALLOW && b.permissionType !== Permission.DENY) return `Invalid permissionType ${nameOf(Permission, b.permissionType)}`;
  if (b.resourceName === '') return 'Resource name should not be empty';
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== 'kafka-cluster') return 'The only valid name for the CLUSTER resource is kafka-cluster';
  const colon = b.principal.indexOf(':');
  if (colon <= 0) return `Could not parse principal from \`${b.principal}\` (no colon is present separating the principal type from the principal name)`;
  return undefined;
}

export function matches(f: AclFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== b.patternType) return false;
  if (f.resourceName !== null) {
    if (f.patternType === PatternType.ANY || f.patternType === b.patternType) {
      if (f.resourceName !== b.resourceName) return false;
    } else if (b.patternType === PatternType.LITERAL) {
      if (f.resourceName !== b.resourceName && b.resourceName !== '*') return false;
    } else if (!f.resourceName.startsWith(b.resourceName)) {
      return false;
    }
  }
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== Operation.ANY && f.operation !== b.operation) return false;
  return f.permissionType === Permission.ANY || f.permissionType === b.permissionType;
}

const encode = (b: AclBinding): string => JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType]);
const decode = (s: string): AclBinding => {
  const [resourceType, resourceName, patternType, principal, host, operation, permissionType] = JSON.parse(s) as [number, string, number, string, string, number, number];
  return { resourceType, resourceName, patternType, principal, host, operation, permissionType };
};

export class AclStore {
  private readonly bindings = new Map<string, AclBinding>();

  constructor(private readonly core: Core) {}

  async load(): Promise<void> {
    const prefix = aclPrefix();
    await this.core.store.forEach(prefix, (k) => {
      const id = splitKey(k, prefix.length, 1).parts[0];
      this.bindings.set(id, decode(id));
    });
  }

  list(): AclBinding[] {
    return [...this.bindings.values()];
  }

  /** Per binding: undefined when stored (or already there), else Kafka's INVALID_REQUEST message. */
  async create(bindings: AclBinding[]): Promise<(string | undefined)[]> {
    const uow = this.core.store.begin();
    const added = new Map<string, AclBinding>();
    const results = bindings.map((b) => {
      const invalid = invalidBinding(b);
      if (invalid) return invalid;
      const id = encode(b);
      if (!this.bindings.has(id) && !added.has(id)) {
        added.set(id, { ...b });
        uow.put(aclKey(id), Buffer.alloc(0));
      }
      return undefined;
    });
    if (added.size === 0) return results;
    uow.onCommit(() => {
      for (const [id, b] of added) this.bindings.set(id, b);
    });
    await uow.commit();
    return results;
  }

  /** Per filter, the bindings it matched, all deleted in one unit of work. */
  async delete(filters: AclFilter[]): Promise<AclBinding[][]> {
    const uow = this.core.store.begin();
    const gone = new Set<string>();
    const results = filters.map((f) => {
      const hit: AclBinding[] = [];
      for (const [id, b] of this.bindings) {
        if (!matches(f, b)) continue;
        hit.push(b);
        if (!gone.has(id)) {
          gone.add(id);
          uow.del(aclKey(id));
        }
      }
      return hit;
    });
    if (gone.size === 0) return results;
    uow.onCommit(() => {
      for (const id of gone) this.bindings.delete(id);
    });
    await uow.commit();
    return results;
  }

  describe(filter: AclFilter): AclBinding[] {
    return this.list().filter((b) => matches(filter, b));
  }
}
