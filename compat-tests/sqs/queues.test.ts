/**
 * Queue lifecycle through real clients: create/get/list/delete, queue URLs from the Host header,
 * regions from the credential scope, default attributes, attribute ranges and their error texts,
 * tags, permissions (Policy), PurgeQueue and the 60 s cooldowns (QueueDeletedRecently,
 * PurgeQueueInProgress, and --relaxed-timers switching them off).
 */
import {
  AddPermissionCommand,
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import { Emulator } from '../harness/emulator.js';
import { ACCOUNT, boto, caught, cli, CLI_TIMEOUT, PY_JSON, queueArn, queueUrl, uniq, v3, useSuite } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

async function getAttrs(url: string, names: string[] = ['All']): Promise<Record<string, string>> {
  const r = await js.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names as any }));
  return r.Attributes ?? {};
}

describe('create, get, list, delete', () => {
  it('JSON (v3) and Query (v3 3.445) clients create queues at http://<host>/<account>/<name> and see each other', async () => {
    const a = uniq('life-a');
    const b = uniq('life-b');
    const ca = await js.send(new CreateQueueCommand({ QueueName: a }));
    expect(ca.QueueUrl).toBe(queueUrl(emu.sqsEndpoint, a));
    const cb = await qs.send(new Q.CreateQueueCommand({ QueueName: b }));
    expect(cb.QueueUrl).toBe(queueUrl(emu.sqsEndpoint, b));

    expect((await qs.send(new Q.GetQueueUrlCommand({ QueueName: a }))).QueueUrl).toBe(ca.QueueUrl);
    expect((await js.send(new GetQueueUrlCommand({ QueueName: b }))).QueueUrl).toBe(cb.QueueUrl);

    // CreateQueue is idempotent when the attributes are the same.
    expect((await js.send(new CreateQueueCommand({ QueueName: b }))).QueueUrl).toBe(cb.QueueUrl);
    expect((await qs.send(new Q.CreateQueueCommand({ QueueName: a }))).QueueUrl).toBe(ca.QueueUrl);

    await js.send(new DeleteQueueCommand({ QueueUrl: ca.QueueUrl }));
    await qs.send(new Q.DeleteQueueCommand({ QueueUrl: cb.QueueUrl }));
    const e1 = await caught(() => js.send(new GetQueueUrlCommand({ QueueName: a })));
    expect(e1.name).toBe('QueueDoesNotExist');
    expect(e1.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
    const e2 = await caught(() => qs.send(new Q.GetQueueUrlCommand({ QueueName: b })));
    expect(e2.name).toBe('QueueDoesNotExist');
    expect(e2.status).toBe(400);
  });

  it('the queue URL echoes the Host the client used (localhost vs 127.0.0.1)', async () => {
    const name = uniq('host');
    const local = `http://localhost:${emu.sqsPort}`;
    const viaLocalhost = v3(emu, { endpoint: local });
    try {
      const r = await viaLocalhost.send(new CreateQueueCommand({ QueueName: name }));
      expect(r.QueueUrl).toBe(`${local}/${ACCOUNT}/${name}`);
      // The same queue seen through 127.0.0.1 gets a 127.0.0.1 URL.
      expect((await js.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(queueUrl(emu.sqsEndpoint, name));
    } finally {
      viaLocalhost.destroy();
    }
    // boto3 (Query) through localhost too.
    const [res] = await boto(local, [{ op: 'get_queue_url', params: { QueueName: name } }]);
    expect(res.ok.QueueUrl).toBe(`${local}/${ACCOUNT}/${name}`);
  });

  it('the region in ARNs comes from the SigV4 credential scope', async () => {
    const name = uniq('region');
    const eu = v3(emu, { region: 'eu-west-1' });
    try {
      const r = await eu.send(new CreateQueueCommand({ QueueName: name }));
      const a = await eu.send(new GetQueueAttributesCommand({ QueueUrl: r.QueueUrl, AttributeNames: ['QueueArn'] }));
      expect(a.Attributes?.QueueArn).toBe(queueArn(name, 'eu-west-1'));
    } finally {
      eu.destroy();
    }
    const name2 = uniq('region-q');
    const res = await boto(emu.sqsEndpoint, [
      { op: 'create_queue', params: { QueueName: name2 }, region: 'ap-southeast-2' },
      { op: 'get_queue_attributes', params: { QueueUrl: { $ref: '0.QueueUrl' }, AttributeNames: ['QueueArn'] }, region: 'ap-southeast-2' },
    ]);
    expect(res[1].ok.Attributes.QueueArn).toBe(queueArn(name2, 'ap-southeast-2'));
  });

  it('queues are regional: a queue made in one region does not exist for callers in another (JSON, Query)', async () => {
    const name = uniq('regional');
    const eu = v3(emu, { region: 'eu-west-1' });
    try {
      const { QueueUrl } = await eu.send(new CreateQueueCommand({ QueueName: name }));
      // Another region's queue URL names its region (default --sqs-queue-url-style auto).
      expect(QueueUrl).toBe(`${emu.sqsEndpoint}/queue/eu-west-1/000000000000/${name}`);
      expect((await eu.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls).toEqual([QueueUrl]);
      expect((await js.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls ?? []).toEqual([]);
      const e = await caught(() => js.send(new GetQueueUrlCommand({ QueueName: name })));
      expect([e.name, e.status]).toEqual(['QueueDoesNotExist', 400]);
      // The same name can exist independently in us-east-1, under another URL.
      const us = (await js.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
      expect(us).toBe(`${emu.sqsEndpoint}/000000000000/${name}`);
      // A queue URL addresses its own region, whatever region the client is in (as in AWS).
      await qs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'to-eu' }));
      const arns = await Promise.all(
        [[eu, us], [js, QueueUrl]].map(async ([c, url]) => (await (c as typeof js).send(new GetQueueAttributesCommand({ QueueUrl: url as string, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn),
      );
      expect(arns).toEqual([queueArn(name), queueArn(name, 'eu-west-1')]);
      const got = await eu.send(new ReceiveMessageCommand({ QueueUrl }));
      expect(got.Messages?.map((m) => m.Body)).toEqual(['to-eu']);
    } finally {
      eu.destroy();
    }
  });


  it('a 12-digit access key id selects the account: its URLs/ARNs carry it and other accounts do not see its queues', async () => {
    const name = uniq('acct');
    const other = new SQSClient({ region: 'us-east-1', endpoint: emu.sqsEndpoint, credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      const { QueueUrl } = await other.send(new CreateQueueCommand({ QueueName: name }));
      expect(QueueUrl).toBe(`${emu.sqsEndpoint}/111122223333/${name}`);
      const a = await other.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      expect(a.Attributes?.QueueArn).toBe(`arn:aws:sqs:us-east-1:111122223333:${name}`);
      expect((await js.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls ?? []).toEqual([]);
    } finally {
      other.destroy();
    }
  });

  it('ListQueues filters by prefix and paginates with MaxResults/NextToken (JSON and Query)', async () => {
    const prefix = uniq('lst');
    const names = [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`);
    for (const n of names) await js.send(new CreateQueueCommand({ QueueName: n }));
    await js.send(new CreateQueueCommand({ QueueName: uniq('other') }));
    const expected = names.map((n) => queueUrl(emu.sqsEndpoint, n)).sort();

    const all = await js.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    expect([...(all.QueueUrls ?? [])].sort()).toEqual(expected);
    expect(all.NextToken).toBeUndefined();

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await js.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken: token }));
      expect((page.QueueUrls ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...(page.QueueUrls ?? []));
      token = page.NextToken;
      pages++;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual(expected);

    const none = await js.send(new ListQueuesCommand({ QueueNamePrefix: `${prefix}-zzz` }));
    expect(none.QueueUrls ?? []).toEqual([]);
    for (const MaxResults of [0, 1001]) {
      const e = await caught(() => js.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults })));
      expect([MaxResults, e.Code, e.status]).toEqual([MaxResults, 'InvalidParameterValue', 400]);
    }
    // GetQueueUrl with the owner account id.
    expect((await js.send(new GetQueueUrlCommand({ QueueName: names[0], QueueOwnerAWSAccountId: ACCOUNT }))).QueueUrl).toBe(queueUrl(emu.sqsEndpoint, names[0]));

    // Query protocol through boto3: same pages.
    const res = await boto(emu.sqsEndpoint, [
      { op: 'list_queues', params: { QueueNamePrefix: prefix, MaxResults: 2 } },
      { op: 'list_queues', params: { QueueNamePrefix: prefix, MaxResults: 2, NextToken: { $ref: '0.NextToken' } } },
      { op: 'list_queues', params: { QueueNamePrefix: prefix, MaxResults: 2, NextToken: { $ref: '1.NextToken' } } },
      { op: 'list_queues', params: { QueueNamePrefix: prefix } },
    ]);
    const pyUrls = [...res[0].ok.QueueUrls, ...res[1].ok.QueueUrls, ...res[2].ok.QueueUrls];
    expect(pyUrls.sort()).toEqual(expected);
    expect(res[2].ok.NextToken).toBeUndefined();
    expect([...res[3].ok.QueueUrls].sort()).toEqual(expected);
  });
});

describe('attributes', () => {
  it('a new standard queue has the AWS defaults (JSON and Query)', async () => {
    const name = uniq('defaults');
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
    const nowSec = (await emu.now()) / 1000;
    const a = await getAttrs(QueueUrl!);
    expect(a).toMatchObject({
      QueueArn: queueArn(name),
      VisibilityTimeout: '30',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      DelaySeconds: '0',
      ReceiveMessageWaitTimeSeconds: '0',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
      SqsManagedSseEnabled: 'true',
    });
    for (const absent of ['FifoQueue', 'ContentBasedDeduplication', 'RedrivePolicy', 'Policy', 'DeduplicationScope']) {
      expect(a).not.toHaveProperty(absent);
    }
    // Timestamps are epoch seconds.
    expect(Math.abs(Number(a.CreatedTimestamp) - nowSec)).toBeLessThan(5);
    expect(Math.abs(Number(a.LastModifiedTimestamp) - nowSec)).toBeLessThan(5);

    // Only the named attributes come back.
    expect(Object.keys(await getAttrs(QueueUrl!, ['VisibilityTimeout', 'DelaySeconds'])).sort()).toEqual(['DelaySeconds', 'VisibilityTimeout']);

    const [py] = await boto(emu.sqsEndpoint, [{ op: 'get_queue_attributes', params: { QueueUrl, AttributeNames: ['All'] } }]);
    expect(py.ok.Attributes).toMatchObject({ VisibilityTimeout: '30', MaximumMessageSize: '1048576', MessageRetentionPeriod: '345600', QueueArn: queueArn(name) });
  });

  it('a new FIFO queue has the FIFO defaults', async () => {
    const name = uniq('fdefaults', true);
    const { QueueUrl } = await qs.send(new Q.CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true' } }));
    const r = await qs.send(new Q.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(r.Attributes).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
      QueueArn: queueArn(name),
      VisibilityTimeout: '30',
    });
  });

  it('SetQueueAttributes stores values and moves LastModifiedTimestamp', async () => {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('set') }));
    const before = await getAttrs(QueueUrl!);
    await emu.advance(10_000);
    const values = {
      VisibilityTimeout: '43200',
      DelaySeconds: '900',
      MaximumMessageSize: '1024',
      MessageRetentionPeriod: '60',
      ReceiveMessageWaitTimeSeconds: '20',
    };
    await js.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: values }));
    const after = await getAttrs(QueueUrl!);
    expect(after).toMatchObject(values);
    expect(Number(after.LastModifiedTimestamp)).toBeGreaterThanOrEqual(Number(before.LastModifiedTimestamp) + 10);
    expect(after.CreatedTimestamp).toBe(before.CreatedTimestamp);

    // The other end of each range, through the Query protocol.
    const low = { VisibilityTimeout: '0', DelaySeconds: '0', MaximumMessageSize: '1048576', MessageRetentionPeriod: '1209600', ReceiveMessageWaitTimeSeconds: '0' };
    await qs.send(new Q.SetQueueAttributesCommand({ QueueUrl, Attributes: low }));
    expect(await getAttrs(QueueUrl!)).toMatchObject(low);
  });

  it.each([
    ['VisibilityTimeout', '43201'],
    ['VisibilityTimeout', '-1'],
    ['DelaySeconds', '901'],
    ['MaximumMessageSize', '1023'],
    ['MaximumMessageSize', '1048577'],
    ['MessageRetentionPeriod', '59'],
    ['MessageRetentionPeriod', '1209601'],
    ['ReceiveMessageWaitTimeSeconds', '21'],
    ['VisibilityTimeout', 'abc'],
  ])('%s=%s is rejected with InvalidAttributeValue (JSON SetQueueAttributes, Query CreateQueue)', async (attr, value) => {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('range') }));
    const e = await caught(() => js.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { [attr]: value } })));
    expect(e.name).toBe('InvalidAttributeValue');
    expect(e.Code).toBe('InvalidAttributeValue');
    expect(e.status).toBe(400);
    expect(e.message).toBe(`Invalid value for the parameter ${attr}.`);

    const q = await caught(() => qs.send(new Q.CreateQueueCommand({ QueueName: uniq('range-q'), Attributes: { [attr]: value } })));
    expect(q.name).toBe('InvalidAttributeValue');
    expect(q.status).toBe(400);
    expect(q.message).toBe(`Invalid value for the parameter ${attr}.`);
  });

  it('unknown attribute names are rejected with InvalidAttributeName (JSON, Query)', async () => {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('unk') }));
    const e = await caught(() => js.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Colour: 'blue' } as Record<string, string> })));
    expect(e.name).toBe('InvalidAttributeName');
    expect(e.status).toBe(400);
    expect(e.message).toBe('Unknown Attribute Colour.');
    const res = await boto(emu.sqsEndpoint, [
      { op: 'set_queue_attributes', params: { QueueUrl, Attributes: { Colour: 'blue' } } },
      { op: 'create_queue', params: { QueueName: uniq('unk-c'), Attributes: { Colour: 'blue' } } },
    ]);
    for (const r of res) {
      expect(r.error?.Code).toBe('InvalidAttributeName');
      expect(r.error?.HTTPStatusCode).toBe(400);
    }
  });

  it('CreateQueue with a different attribute value than the existing queue fails with QueueAlreadyExists', async () => {
    const name = uniq('exists');
    await js.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '40' } }));
    const e = await caught(() => js.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '50' } })));
    expect(e.name).toBe('QueueNameExists');
    expect(e.Code).toBe('QueueAlreadyExists');
    expect(e.status).toBe(400);
    expect(e.message).toBe('A queue already exists with the same name and a different value for attribute VisibilityTimeout');
    const [py] = await boto(emu.sqsEndpoint, [{ op: 'create_queue', params: { QueueName: name, Attributes: { VisibilityTimeout: '50' } } }]);
    expect(py.error?.Code).toBe('QueueAlreadyExists');
    expect(py.error?.HTTPStatusCode).toBe(400);
  });

  it('queue names are validated: characters, length, .fifo suffix for FIFO queues', async () => {
    for (const QueueName of ['has space', 'bad!name', 'x'.repeat(81), 'dot.name']) {
      const e = await caught(() => js.send(new CreateQueueCommand({ QueueName })));
      expect([QueueName, e.Code, e.status]).toEqual([QueueName, 'InvalidParameterValue', 400]);
    }
    // 80 characters is fine.
    const eighty = `${uniq('n')}-`.padEnd(80, 'x');
    expect((await js.send(new CreateQueueCommand({ QueueName: eighty }))).QueueUrl).toBe(queueUrl(emu.sqsEndpoint, eighty));
    // FifoQueue=true needs the .fifo suffix.
    const e = await caught(() => qs.send(new Q.CreateQueueCommand({ QueueName: uniq('nofifo'), Attributes: { FifoQueue: 'true' } })));
    expect(e.name).toBe('InvalidParameterValue');
    expect(e.status).toBe(400);
  });
});

describe('tags', () => {
  it('CreateQueue tags, TagQueue, ListQueueTags, UntagQueue through JSON, Query (v3, boto3) and the aws CLI', async () => {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('tags'), tags: { team: 'core', env: 'test' } }));
    expect((await js.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({ team: 'core', env: 'test' });
    await qs.send(new Q.TagQueueCommand({ QueueUrl, Tags: { cost: '42', env: 'prod' } }));
    expect((await qs.send(new Q.ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({ team: 'core', env: 'prod', cost: '42' });
    await js.send(new UntagQueueCommand({ QueueUrl, TagKeys: ['team'] }));
    await js.send(new TagQueueCommand({ QueueUrl, Tags: { a: '1' } }));

    const res = await boto(emu.sqsEndpoint, [
      { op: 'list_queue_tags', params: { QueueUrl } },
      { op: 'untag_queue', params: { QueueUrl, TagKeys: ['a', 'cost'] } },
      { op: 'list_queue_tags', params: { QueueUrl } },
    ]);
    expect(res[0].ok.Tags).toEqual({ env: 'prod', cost: '42', a: '1' });
    expect(res[2].ok.Tags).toEqual({ env: 'prod' });

    const tagged = await cli(emu.sqsEndpoint, ['tag-queue', '--queue-url', QueueUrl!, '--tags', 'owner=cli']);
    expect(tagged.code).toBe(0);
    const listed = await cli(emu.sqsEndpoint, ['list-queue-tags', '--queue-url', QueueUrl!]);
    expect(listed.code).toBe(0);
    expect(listed.json.Tags).toEqual({ env: 'prod', owner: 'cli' });

    // Create with tags through the Query protocol.
    const q = await qs.send(new Q.CreateQueueCommand({ QueueName: uniq('tags-q'), tags: { k: 'v' } }));
    expect((await js.send(new ListQueueTagsCommand({ QueueUrl: q.QueueUrl }))).Tags).toEqual({ k: 'v' });
  }, CLI_TIMEOUT);
});

describe('permissions', () => {
  const statements = (policy: string | undefined): any[] => (policy ? JSON.parse(policy).Statement ?? [] : []);
  const arr = (v: unknown) => (Array.isArray(v) ? v : [v]);

  it('AddPermission/RemovePermission are reflected in the Policy attribute (JSON and Query)', async () => {
    const name = uniq('perm');
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
    await js.send(
      new AddPermissionCommand({ QueueUrl, Label: 'send-only', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] }),
    );
    await qs.send(
      new Q.AddPermissionCommand({
        QueueUrl,
        Label: 'readers',
        AWSAccountIds: ['111122223333', '444455556666'],
        Actions: ['ReceiveMessage', 'DeleteMessage'],
      }),
    );
    const policy = JSON.parse((await getAttrs(QueueUrl!, ['Policy'])).Policy);
    expect(policy.Version).toBe('2008-10-17'); // the version AWS writes (LocalStack's AWS-validated test_sqs_permission_lifecycle)
    const st = policy.Statement as any[];
    expect(st.map((s) => s.Sid).sort()).toEqual(['readers', 'send-only']);
    const send = st.find((s) => s.Sid === 'send-only');
    expect(send.Effect).toBe('Allow');
    expect(arr(send.Principal.AWS)).toEqual(['arn:aws:iam::111122223333:root']);
    expect(arr(send.Action)).toEqual(['SQS:SendMessage']);
    expect(send.Resource).toBe(queueArn(name));
    const readers = st.find((s) => s.Sid === 'readers');
    expect(arr(readers.Principal.AWS).sort()).toEqual(['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:root']);
    expect(arr(readers.Action).sort()).toEqual(['SQS:DeleteMessage', 'SQS:ReceiveMessage']);

    // A label can only be used once.
    const dup = await caught(() =>
      js.send(new AddPermissionCommand({ QueueUrl, Label: 'send-only', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] })),
    );
    expect([dup.Code, dup.status]).toEqual(['InvalidParameterValue', 400]);

    await js.send(new RemovePermissionCommand({ QueueUrl, Label: 'send-only' }));
    expect(statements((await getAttrs(QueueUrl!, ['Policy'])).Policy).map((s) => s.Sid)).toEqual(['readers']);

    const res = await boto(emu.sqsEndpoint, [
      { op: 'remove_permission', params: { QueueUrl, Label: 'readers' } },
      { op: 'remove_permission', params: { QueueUrl, Label: 'readers' } },
      { op: 'get_queue_attributes', params: { QueueUrl, AttributeNames: ['Policy'] } },
    ]);
    expect(res[0].ok).toBeDefined();
    expect(res[1].error?.Code).toBe('InvalidParameterValue');
    expect(statements(res[2].ok.Attributes?.Policy)).toEqual([]);
  });
});

describe('PurgeQueue and DeleteQueue cooldowns', () => {
  it('PurgeQueue empties the queue; a second purge within 60 s is 403 PurgeQueueInProgress (JSON, Query, CLI)', async () => {
    const name = uniq('purge');
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
    for (let i = 0; i < 3; i++) await js.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
    await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    await js.send(new PurgeQueueCommand({ QueueUrl }));
    await emu.advance(1_000);
    const a = await getAttrs(QueueUrl!);
    expect([a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesNotVisible]).toEqual(['0', '0']);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();

    const e = await caught(() => js.send(new PurgeQueueCommand({ QueueUrl })));
    expect(e.name).toBe('PurgeQueueInProgress');
    expect(e.Code).toBe('AWS.SimpleQueueService.PurgeQueueInProgress');
    expect(e.status).toBe(403);
    expect(e.message).toBe(`Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`);
    const q = await caught(() => qs.send(new Q.PurgeQueueCommand({ QueueUrl })));
    expect(q.name).toBe('PurgeQueueInProgress');
    expect(q.status).toBe(403);
    const [py] = await boto(emu.sqsEndpoint, [{ op: 'purge_queue', params: { QueueUrl } }]);
    expect(py.error?.Code).toBe('AWS.SimpleQueueService.PurgeQueueInProgress');
    expect(py.error?.HTTPStatusCode).toBe(403);
    const c = await cli(emu.sqsEndpoint, ['purge-queue', '--queue-url', QueueUrl!]);
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('(AWS.SimpleQueueService.PurgeQueueInProgress)');

    // The cooldown is per queue.
    const { QueueUrl: other } = await js.send(new CreateQueueCommand({ QueueName: uniq('purge-other') }));
    await js.send(new PurgeQueueCommand({ QueueUrl: other }));

    await emu.advance(60_000);
    await qs.send(new Q.PurgeQueueCommand({ QueueUrl }));
  }, CLI_TIMEOUT);

  it('after DeleteQueue the name cannot be reused for 60 s (QueueDeletedRecently), then it can, empty', async () => {
    const name = uniq('deleted');
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'old' }));
    await js.send(new DeleteQueueCommand({ QueueUrl }));
    const e = await caught(() => js.send(new CreateQueueCommand({ QueueName: name })));
    expect(e.name).toBe('QueueDeletedRecently');
    expect(e.Code).toBe('AWS.SimpleQueueService.QueueDeletedRecently');
    expect(e.status).toBe(400);
    expect(e.message).toBe('You must wait 60 seconds after deleting a queue before you can create another with the same name.');
    const [py] = await boto(emu.sqsEndpoint, [{ op: 'create_queue', params: { QueueName: name } }]);
    expect(py.error?.Code).toBe('AWS.SimpleQueueService.QueueDeletedRecently');

    await emu.advance(61_000);
    const again = await qs.send(new Q.CreateQueueCommand({ QueueName: name }));
    expect(again.QueueUrl).toBe(QueueUrl);
    expect((await js.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
  });

  it('--relaxed-timers switches both cooldowns off', async () => {
    const relaxed = await Emulator.start({ args: ['--relaxed-timers'] });
    const c = v3(relaxed);
    try {
      const name = uniq('relaxed');
      const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: name }));
      await c.send(new PurgeQueueCommand({ QueueUrl }));
      await c.send(new PurgeQueueCommand({ QueueUrl }));
      await c.send(new DeleteQueueCommand({ QueueUrl }));
      expect((await c.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl).toBe(QueueUrl);
      // boto3 JSON (.venv) too.
      const res = await boto(relaxed.sqsEndpoint, [
        { op: 'purge_queue', params: { QueueUrl } },
        { op: 'delete_queue', params: { QueueUrl } },
        { op: 'create_queue', params: { QueueName: name } },
      ], PY_JSON);
      expect(res.map((r) => r.error ?? r.exception)).toEqual([undefined, undefined, undefined]);
    } finally {
      c.destroy();
      await relaxed.stop();
    }
  });
});
