/**
 * ACL admin calls on a broker without an authorizer (Tandem's default; --kafka-authorizer is
 * compat-tests/security/kafka-acls.test.ts): kafkajs's describe, create
 * and delete all fail with SECURITY_DISABLED, on Tandem as on a default Apache Kafka broker.
 */
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes, type Admin } from 'kafkajs';
import { startKafkaTarget, unique, type KafkaTarget } from '../harness/kafka-target.js';

describe('ACLs without an authorizer', () => {
  let target: KafkaTarget;
  let admin: Admin;
  beforeAll(async () => {
    target = await startKafkaTarget();
    admin = new Kafka({ clientId: 'acls', brokers: [target.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await target.stop();
  });

  const acl = {
    resourceType: AclResourceTypes.TOPIC,
    resourceName: unique('acl-topic'),
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: AclOperationTypes.READ,
    permissionType: AclPermissionTypes.ALLOW,
  };
  const disabled = { type: 'SECURITY_DISABLED' };

  it('describeAcls is refused with SECURITY_DISABLED', async () => {
    await expect(admin.describeAcls({ ...acl })).rejects.toMatchObject(disabled);
  });

  it('createAcls is refused with SECURITY_DISABLED', async () => {
    await expect(admin.createAcls({ acl: [acl] })).rejects.toMatchObject(disabled);
  });

  it('deleteAcls is refused with SECURITY_DISABLED', async () => {
    await expect(admin.deleteAcls({ filters: [acl] })).rejects.toMatchObject(disabled);
  });
});
