/**
 * ACL bindings with an authorizer (`--kafka-authorizer`), through kafkajs's admin client: created
 * (duplicates stored once, invalid bindings refused with Kafka's INVALID_REQUEST text), described
 * with Kafka's filter semantics (ANY, MATCH over LITERAL / `*` / PREFIXED, principal, host,
 * operation, permission), deleted by filter, and kept across a restart.
 *
 * Tandem-only: the oracle broker of scripts/oracle runs without an authorizer (the default, whose
 * SECURITY_DISABLED answers compat-tests/kafka/acls.test.ts checks on both). The ACLs are enforced
 * (kafka-acl-enforce.test.ts): this anonymous admin is a super user, as Kafka's super.users.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes, type Admin } from 'kafkajs';
import { Emulator } from '../harness/emulator.js';
import { tandemOnly } from '../harness/kafka-target.js';

const binding = (over: Partial<Record<string, unknown>> = {}) => ({
  resourceType: AclResourceTypes.TOPIC,
  resourceName: 'orders',
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: AclOperationTypes.READ,
  permissionType: AclPermissionTypes.ALLOW,
  ...over,
});

const filter = (over: Partial<Record<string, unknown>> = {}) => ({
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
  ...over,
});

tandemOnly('ACLs with --kafka-authorizer', () => {
  let emu: Emulator;
  let admin: Admin;
  const connect = async () => {
    admin = new Kafka({ clientId: 'acls', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
  };
  // Its own data dir, even in the in-memory pass: the last test restarts on it.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-acls-'));
  beforeAll(async () => {
    emu = await Emulator.start({ args: ['--kafka-authorizer', '--kafka-super-users', 'User:ANONYMOUS'], dataDir });
    await connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await emu?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every binding a filter describes, flattened and sorted, as `type:name:pattern principal op perm`. */
  async function described(f: Record<string, unknown>): Promise<string[]> {
    const res = await admin.describeAcls(f as never);
    return res.resources
      .flatMap((r) => r.acls.map((a) => `${r.resourceType}:${r.resourceName}:${r.resourcePatternType} ${a.principal}@${a.host} ${a.operation} ${a.permissionType}`))
      .sort();
  }

  it('creates bindings (a duplicate once) and describes them with Kafka\'s filters', async () => {
    await admin.createAcls({
      acl: [
        binding(),
        binding(),
        binding({ resourceName: 'ord', resourcePatternType: ResourcePatternTypes.PREFIXED, principal: 'User:bob', operation: AclOperationTypes.WRITE }),
        binding({ resourceName: '*', principal: 'User:carol', permissionType: AclPermissionTypes.DENY }),
        binding({ resourceType: AclResourceTypes.GROUP, resourceName: 'billing', host: '10.0.0.1' }),
        binding({ resourceType: AclResourceTypes.CLUSTER, resourceName: 'kafka-cluster', operation: AclOperationTypes.DESCRIBE }),
      ] as never,
    });
    expect(await described(filter())).toHaveLength(5);
    // LITERAL filter: that exact pattern only.
    expect(await described(filter({ resourceType: AclResourceTypes.TOPIC, resourceName: 'orders', resourcePatternType: ResourcePatternTypes.LITERAL }))).toEqual([
      `${AclResourceTypes.TOPIC}:orders:${ResourcePatternTypes.LITERAL} User:alice@* ${AclOperationTypes.READ} ${AclPermissionTypes.ALLOW}`,
    ]);
    // MATCH: the literal name, the literal wildcard and every prefix of it.
    const match = await described(filter({ resourceType: AclResourceTypes.TOPIC, resourceName: 'orders', resourcePatternType: ResourcePatternTypes.MATCH }));
    expect(match.map((m) => m.split(' ')[1]).sort()).toEqual(['User:alice@*', 'User:bob@*', 'User:carol@*']);
    // ANY with a name: LITERAL and PREFIXED bindings of exactly that name.
    expect(await described(filter({ resourceName: 'ord' }))).toHaveLength(1);
    expect(await described(filter({ principal: 'User:alice', host: '10.0.0.1' }))).toEqual([
      `${AclResourceTypes.GROUP}:billing:${ResourcePatternTypes.LITERAL} User:alice@10.0.0.1 ${AclOperationTypes.READ} ${AclPermissionTypes.ALLOW}`,
    ]);
    expect(await described(filter({ operation: AclOperationTypes.WRITE }))).toHaveLength(1);
    expect(await described(filter({ permissionType: AclPermissionTypes.DENY }))).toHaveLength(1);
  });

  it('refuses bindings Kafka refuses with INVALID_REQUEST', async () => {
    for (const bad of [
      binding({ resourcePatternType: ResourcePatternTypes.MATCH }),
      binding({ operation: AclOperationTypes.ANY }),
      binding({ resourceType: AclResourceTypes.CLUSTER, resourceName: 'other' }),
      binding({ principal: 'alice' }),
    ]) {
      await expect(admin.createAcls({ acl: [bad] as never })).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
    }
    expect(await described(filter())).toHaveLength(5);
  });

  it('deletes by filter, lists what each filter matched, and keeps the rest across a restart', async () => {
    const res = await admin.deleteAcls({ filters: [filter({ resourceType: AclResourceTypes.TOPIC, resourceName: 'orders', resourcePatternType: ResourcePatternTypes.MATCH, permissionType: AclPermissionTypes.ALLOW })] as never });
    expect(res.filterResponses[0].errorCode).toBe(0);
    expect(res.filterResponses[0].matchingAcls.map((a) => a.principal).sort()).toEqual(['User:alice', 'User:bob']);
    expect(await described(filter())).toHaveLength(3);

    await admin.disconnect();
    emu = await emu.restart();
    await connect();
    const after = await described(filter());
    expect(after).toHaveLength(3);
    expect(after.join('\n')).toContain('User:carol@*');
    expect(after.join('\n')).toContain('kafka-cluster');
  });
});

tandemOnly('ACLs without --kafka-authorizer (the default)', () => {
  it('answer SECURITY_DISABLED as before', async () => {
    const emu = await Emulator.start();
    const admin = new Kafka({ clientId: 'acls', brokers: [emu.kafkaBroker], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await expect(admin.createAcls({ acl: [binding()] as never })).rejects.toMatchObject({ type: 'SECURITY_DISABLED' });
    } finally {
      await admin.disconnect();
      await emu.stop();
    }
  });
});
