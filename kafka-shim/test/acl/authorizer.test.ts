/**
 * The authorizer's rules (StandardAuthorizer's): DENY over ALLOW, LITERAL / PREFIXED / `*`
 * patterns, `User:*` and host matching, implied operations, ALL, super users,
 * allow.everyone.if.no.acl.found, authorizeByResourceType and KIP-430 bitfields. The bindings come
 * from a plain list: what is checked is the decision, not the store (tested in compat-tests/security).
 */
import { Authorizer, SUPPORTED_OPERATIONS } from '../../src/acl/authorizer.js';
import { type AclBinding, type AclStore, Operation as Op, PatternType, Permission, ResourceType as RT } from '../../src/acl/store.js';

const b = (over: Partial<AclBinding>): AclBinding => ({
  resourceType: RT.TOPIC,
  resourceName: 'orders',
  patternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.READ,
  permissionType: Permission.ALLOW,
  ...over,
});

const make = (bindings: AclBinding[], opts: { superUsers?: string[]; allowEveryoneIfNoAclFound?: boolean } = {}) =>
  new Authorizer({ list: () => bindings } as unknown as AclStore, { superUsers: opts.superUsers ?? [], allowEveryoneIfNoAclFound: opts.allowEveryoneIfNoAclFound ?? false });

const H = '10.0.0.1';

describe('Authorizer', () => {
  it('allows only what an ALLOW grants, to its principal and host', () => {
    const a = make([b({}), b({ resourceName: 'audit', host: '10.0.0.9' })]);
    expect(a.authorize('User:alice', H, Op.READ, RT.TOPIC, 'orders')).toBe(true);
    expect(a.authorize('User:alice', H, Op.WRITE, RT.TOPIC, 'orders')).toBe(false);
    expect(a.authorize('User:bob', H, Op.READ, RT.TOPIC, 'orders')).toBe(false);
    expect(a.authorize('User:alice', H, Op.READ, RT.TOPIC, 'audit')).toBe(false);
    expect(a.authorize('User:alice', '10.0.0.9', Op.READ, RT.TOPIC, 'audit')).toBe(true);
    expect(a.authorize('User:alice', H, Op.READ, RT.GROUP, 'orders')).toBe(false);
  });

  it('matches PREFIXED patterns, the LITERAL wildcard and the User:* principal', () => {
    const a = make([b({ resourceName: 'sales-', patternType: PatternType.PREFIXED }), b({ resourceName: '*', principal: 'User:*', operation: Op.DESCRIBE })]);
    expect(a.authorize('User:alice', H, Op.READ, RT.TOPIC, 'sales-eu')).toBe(true);
    expect(a.authorize('User:alice', H, Op.READ, RT.TOPIC, 'sales')).toBe(false);
    expect(a.authorize('User:bob', H, Op.DESCRIBE, RT.TOPIC, 'anything')).toBe(true);
    expect(a.authorize('User:bob', H, Op.READ, RT.TOPIC, 'anything')).toBe(false);
  });

  it('lets a DENY win over any ALLOW, and DENY ALL deny every operation', () => {
    const a = make([
      b({ resourceName: 'sales-', patternType: PatternType.PREFIXED, operation: Op.ALL }),
      b({ resourceName: 'sales-secret', operation: Op.READ, permissionType: Permission.DENY }),
      b({ resourceName: '*', operation: Op.ALL, permissionType: Permission.DENY, principal: 'User:mallory' }),
      b({ resourceName: 'x', principal: 'User:mallory', operation: Op.READ }),
    ]);
    expect(a.authorize('User:alice', H, Op.WRITE, RT.TOPIC, 'sales-secret')).toBe(true);
    expect(a.authorize('User:alice', H, Op.READ, RT.TOPIC, 'sales-secret')).toBe(false);
    // A DENY READ does not deny the DESCRIBE that ALL grants.
    expect(a.authorize('User:alice', H, Op.DESCRIBE, RT.TOPIC, 'sales-secret')).toBe(true);
    expect(a.authorize('User:mallory', H, Op.READ, RT.TOPIC, 'x')).toBe(false);
  });

  it('implies DESCRIBE from READ, WRITE, DELETE and ALTER, and DESCRIBE_CONFIGS from ALTER_CONFIGS', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) expect(make([b({ operation: op })]).authorize('User:alice', H, Op.DESCRIBE, RT.TOPIC, 'orders')).toBe(true);
    for (const op of [Op.CREATE, Op.DESCRIBE_CONFIGS, Op.IDEMPOTENT_WRITE]) expect(make([b({ operation: op })]).authorize('User:alice', H, Op.DESCRIBE, RT.TOPIC, 'orders')).toBe(false);
    expect(make([b({ operation: Op.ALTER_CONFIGS })]).authorize('User:alice', H, Op.DESCRIBE_CONFIGS, RT.TOPIC, 'orders')).toBe(true);
    expect(make([b({ operation: Op.DESCRIBE })]).authorize('User:alice', H, Op.READ, RT.TOPIC, 'orders')).toBe(false);
  });

  it('allows super users everything, even against a DENY', () => {
    const a = make([b({ principal: 'User:admin', operation: Op.ALL, permissionType: Permission.DENY })], { superUsers: ['User:admin'] });
    expect(a.authorize('User:admin', H, Op.READ, RT.TOPIC, 'orders')).toBe(true);
    expect(a.authorize('User:admin', H, Op.ALTER, RT.CLUSTER, 'kafka-cluster')).toBe(true);
  });

  it('applies allow.everyone.if.no.acl.found only to resources no binding covers', () => {
    const bindings = [b({})];
    expect(make(bindings).authorize('User:bob', H, Op.READ, RT.TOPIC, 'free')).toBe(false);
    const open = make(bindings, { allowEveryoneIfNoAclFound: true });
    expect(open.authorize('User:bob', H, Op.READ, RT.TOPIC, 'free')).toBe(true);
    // `orders` has a binding (for alice): bob is refused even so.
    expect(open.authorize('User:bob', H, Op.READ, RT.TOPIC, 'orders')).toBe(false);
  });

  it('authorizes by resource type (InitProducerId without a transactional id)', () => {
    expect(make([b({ operation: Op.WRITE })]).authorizeAny('User:alice', H, Op.WRITE, RT.TOPIC)).toBe(true);
    expect(make([b({ operation: Op.READ })]).authorizeAny('User:alice', H, Op.WRITE, RT.TOPIC)).toBe(false);
    expect(make([b({ operation: Op.WRITE }), b({ resourceName: '*', operation: Op.WRITE, permissionType: Permission.DENY })]).authorizeAny('User:alice', H, Op.WRITE, RT.TOPIC)).toBe(false);
    expect(make([b({ operation: Op.WRITE }), b({ resourceName: 'ord', patternType: PatternType.PREFIXED, operation: Op.WRITE, permissionType: Permission.DENY })]).authorizeAny('User:alice', H, Op.WRITE, RT.TOPIC)).toBe(false);
  });

  it('reports KIP-430 bitfields of the granted supported operations', () => {
    const a = make([b({ operation: Op.WRITE }), b({ operation: Op.ALL, resourceName: 'all' })]);
    expect(a.authorizedOperations('User:alice', H, RT.TOPIC, 'orders')).toBe((1 << Op.WRITE) | (1 << Op.DESCRIBE));
    expect(a.authorizedOperations('User:alice', H, RT.TOPIC, 'all')).toBe(SUPPORTED_OPERATIONS[RT.TOPIC].reduce((x, op) => x | (1 << op), 0));
    expect(a.authorizedOperations('User:bob', H, RT.TOPIC, 'orders')).toBe(0);
  });
});
