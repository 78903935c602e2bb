/**
 * Client quotas (DescribeClientQuotas / AlterClientQuotas): stored per entity, one key each, and
 * described with Kafka's filter semantics. Quotas are recorded, not enforced: Tandem never
 * throttles (README, "Differences"). Validation and messages follow Apache Kafka 4.4 (checked
 * against a real broker in compat-tests/kafka/admin-quotas.test.ts).
 *
 * An entity is a set of (type, name) with type user, client-id or ip, at most one of each, name
 * null for "the default". ip cannot be combined with the other two.
 */
import { isIP } from 'node:net';
import type { Core } from '../../../emulator/src/core/core.js';
import { splitKey } from '../../../emulator/src/core/storage/keys.js';
import { ErrorCode, KafkaError } from '../errors.js';
import { PREFIX, quotaKey } from '../storage/keys.js';

export type EntityPart = { entityType: string; entityName: string | null };
export type Entity = EntityPart[];

/** How Kafka lists an entity's parts (its HashMap order for these three names). */
const TYPE_ORDER = ['client-id', 'user', 'ip'];
const CLIENT_KEYS: Record<string, 'long' | 'double'> = {
  producer_byte_rate: 'long',
  consumer_byte_rate: 'long',
  request_percentage: 'double',
  controller_mutation_rate: 'double',
};
const IP_KEYS: Record<string, 'int'> = { connection_creation_rate: 'int' };

export const MatchType = { EXACT: 0, DEFAULT: 1, ANY: 2 } as const;

interface Stored {
  entity: Entity;
  values: Map<string, number>;
}

const invalidRequest = (message: string) => new KafkaError(ErrorCode.INVALID_REQUEST, message);

/** One canonical string per entity (the storage key and the map key). */
function entityId(entity: Entity): string {
  return entity.map((p) => `${p.entityType}\u0001${p.entityName === null ? '\u0002' : `=${p.entityName}`}`).join('\u0000');
}

export class ClientQuotas {
  private readonly byEntity = new Map<string, Stored>();

  constructor(private readonly core: Core) {}

  async load(): Promise<void> {
    const prefix = Buffer.from(PREFIX.quota, 'latin1');
    await this.core.store.forEach(prefix, (k, v) => {
      const id = splitKey(k, prefix.length, 1).parts[0];
      const rec = JSON.parse(v.toString()) as { entity: Entity; values: Record<string, number> };
      this.byEntity.set(id, { entity: rec.entity, values: new Map(Object.entries(rec.values)) });
    });
  }

  /** The entity in Kafka's order, after Kafka's entity checks. */
  normalize(entity: Entity): Entity {
    if (entity.length === 0) throw invalidRequest('Invalid empty client quota entity');
    const byType = new Map<string, string | null>();
    for (const p of entity) {
      if (!TYPE_ORDER.includes(p.entityType)) throw invalidRequest(`Unhandled client quota entity type: ${p.entityType}`);
      byType.set(p.entityType, p.entityName);
    }
    if (byType.has('ip') && byType.size > 1) throw invalidRequest('Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId');
    const ip = byType.get('ip');
    if (ip !== undefined && ip !== null && isIP(ip) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(ip)) {
      throw invalidRequest(`${ip} is not a valid IP or resolvable host.`);
    }
    return TYPE_ORDER.filter((t) => byType.has(t)).map((t) => ({ entityType: t, entityName: byType.get(t)! }));
  }

  /** Apply one AlterClientQuotas entry (validated first; nothing stored when validateOnly). */
  async alter(entity: Entity, ops: { key: string; value: number; remove: boolean }[], validateOnly: boolean): Promise<void> {
    const keys = entity.some((p) => p.entityType === 'ip') ? IP_KEYS : CLIENT_KEYS;
    const seen = new Set<string>();
    for (const op of ops) {
      if (seen.has(op.key)) {
        const shown = entity.map((p) => `${p.entityType}=${p.entityName}`).join(', ');
        throw invalidRequest(`Ignoring duplicate entity ClientQuotaEntity(entries={${shown}})`);
      }
      seen.add(op.key);
      const kind = (keys as Record<string, string>)[op.key];
      if (!kind) throw invalidRequest(`Invalid configuration key ${op.key}`);
      if (op.remove) continue;
      if (kind !== 'double' && !Number.isInteger(op.value)) throw invalidRequest(`${op.key} cannot be a fractional value.`);
      if (!(op.value > 0)) throw invalidRequest(`Quota ${op.key} must be greater than 0`);
    }
    if (validateOnly) return;
    const id = entityId(entity);
    const values = new Map(this.byEntity.get(id)?.values ?? []);
    for (const op of ops) {
      if (op.remove) values.delete(op.key);
      else values.set(op.key, op.value);
    }
    const uow = this.core.store.begin();
    if (values.size === 0) uow.del(quotaKey(id));
    else uow.put(quotaKey(id), Buffer.from(JSON.stringify({ entity, values: Object.fromEntries(values) })));
    uow.onCommit(() => {
      if (values.size === 0) this.byEntity.delete(id);
      else this.byEntity.set(id, { entity, values });
    });
    await uow.commit();
  }

  /** DescribeClientQuotas: entities matching every component (and, when strict, nothing else). */
  describe(components: { entityType: string; matchType: number; match: string | null }[], strict: boolean): { entity: Entity; values: { key: string; value: number }[] }[] {
    const seen = new Set<string>();
    for (const c of components) {
      if (seen.has(c.entityType)) throw invalidRequest(`Entity type ${c.entityType} cannot appear more than once in the filter.`);
      seen.add(c.entityType);
      if (!TYPE_ORDER.includes(c.entityType)) throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, `Unsupported entity type ${c.entityType}`);
      if (c.matchType === MatchType.EXACT && c.match === null) throw invalidRequest('Request specified MATCH_TYPE_EXACT, but set match string to null.');
      if (c.matchType === MatchType.DEFAULT && c.match !== null) throw invalidRequest('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.');
      if (c.matchType !== MatchType.EXACT && c.matchType !== MatchType.DEFAULT && c.matchType !== MatchType.ANY) throw invalidRequest(`Unknown match type ${c.matchType}`);
    }
    const out = [];
    for (const { entity, values } of this.byEntity.values()) {
      if (strict && entity.length !== components.length) continue;
      const ok = components.every((c) => {
        const part = entity.find((p) => p.entityType === c.entityType);
        if (!part) return false;
        if (c.matchType === MatchType.EXACT) return part.entityName === c.match;
        if (c.matchType === MatchType.DEFAULT) return part.entityName === null;
        return true;
      });
      if (ok) out.push({ entity, values: [...values].map(([key, value]) => ({ key, value })) });
    }
    return out;
  }
}
