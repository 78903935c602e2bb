/**
 * Wire-level AWS behaviours of the second fidelity pass (issue 12): which protocol a request speaks
 * (the body's content type decides, as for the Perl SDK's form body with an X-Amz-Target header),
 * queue URLs for a Host header without a port (Ruby SDK v1), the containers AWS leaves out of JSON
 * responses, and a Query GET asking for JSON. Through boto3 (Debian 1.26: Query; pyenv: JSON), the
 * current @aws-sdk/client-sqs (JSON) and the pinned 3.445.0 client (Query); the JSON-GET shape is
 * AWS's as LocalStack's AWS-validated tests record it (test_sqs.py, `Accept: application/json`).
 * Also STS GetCallerIdentity on the same port (boto3's sts client, Query in both botocore versions).
 */
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import type { Emulator } from '../harness/emulator.js';
import { ACCOUNT, boto, PY_JSON, PY_QUERY, uniq, useSuite } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

describe('protocol by content type', () => {
  it('a form body with an X-Amz-Target header is a Query request (boto3 Query with the header the Perl SDK adds)', async () => {
    const name = uniq('perl');
    const r = await boto(emu.sqsEndpoint, [
      { op: 'create_queue', params: { QueueName: name }, headers: { 'X-Amz-Target': 'AmazonSQS.CreateQueue' } },
      { op: 'send_message', params: { QueueUrl: { $ref: '0.QueueUrl' }, MessageBody: 'hi' }, headers: { 'X-Amz-Target': 'AmazonSQS.SendMessage' } },
      { op: 'receive_message', params: { QueueUrl: { $ref: '0.QueueUrl' } }, headers: { 'X-Amz-Target': 'AmazonSQS.ReceiveMessage' } },
    ], PY_QUERY);
    expect(r[0].ok.QueueUrl).toBe(`${emu.sqsEndpoint}/${ACCOUNT}/${name}`);
    expect(r[1].ok.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r[2].ok.Messages[0].Body).toBe('hi');
  });
});

describe('a Host header without a port', () => {
  it('gives queue URLs with the port the request arrived on (it did not arrive on 80)', async () => {
    const name = uniq('noport');
    const [c, g] = await boto(emu.sqsEndpoint, [
      { op: 'create_queue', params: { QueueName: name }, headers: { Host: '127.0.0.1' } },
      { op: 'get_queue_url', params: { QueueName: name }, headers: { Host: 'localhost' } },
    ], PY_QUERY);
    expect(c.ok.QueueUrl).toBe(`http://127.0.0.1:${emu.sqsPort}/${ACCOUNT}/${name}`);
    expect(g.ok.QueueUrl).toBe(`http://localhost:${emu.sqsPort}/${ACCOUNT}/${name}`);
    // The URL reaches us: a client sends to it.
    await js.send(new SendMessageCommand({ QueueUrl: c.ok.QueueUrl, MessageBody: 'x' }));
  });
});

describe('JSON responses leave out empty containers', () => {
  it('no "Failed": [] / "Successful": [] in batch results, no "Attributes": {} (current v3 and boto3 JSON)', async () => {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('empty') }));
    const sent = await js.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'a' }] }));
    expect(sent.Successful).toHaveLength(1);
    expect(sent.Failed).toBeUndefined();
    const bad = await js.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', ReceiptHandle: 'garbage' }] }));
    expect(bad.Successful).toBeUndefined();
    expect(bad.Failed).toHaveLength(1);
    const m = (await js.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30 }))).Messages![0];
    const ok = await js.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: [{ Id: 'a', ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }] }));
    expect([ok.Successful, ok.Failed]).toEqual([[{ Id: 'a' }], undefined]);
    const attrs = await js.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
    expect(attrs.Attributes).toBeUndefined();

    const r = await boto(emu.sqsEndpoint, [
      { op: 'send_message_batch', params: { QueueUrl, Entries: [{ Id: 'b', MessageBody: 'b' }] } },
      { op: 'get_queue_attributes', params: { QueueUrl, AttributeNames: ['RedrivePolicy'] } },
    ], PY_JSON);
    expect(Object.keys(r[0].ok).sort()).toEqual(['Successful']);
    expect(r[1].ok).toEqual({});
    // Query (XML) answers are unchanged for the older SDKs.
    const q = await qs.send(new Q.SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'c', MessageBody: 'c' }] }));
    expect(q.Successful).toHaveLength(1);
  });
});

describe('a Query GET with Accept: application/json', () => {
  it('answers JSON: <Op>Response / <Op>Result, messages in lower camel case; without an action, the XML 404', async () => {
    const name = uniq('getjson');
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
    await js.send(new SendMessageCommand({ QueueUrl, MessageBody: 'json-get' }));
    const params = new URLSearchParams({ Action: 'ReceiveMessage', QueueUrl: QueueUrl!, Version: '2012-11-05', VisibilityTimeout: '0' });
    const res = await fetch(`${emu.sqsEndpoint}/?${params}`, { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.ReceiveMessageResponse.ReceiveMessageResult.messages[0].Body).toBe('json-get');
    expect(typeof doc.ReceiveMessageResponse.ResponseMetadata.RequestId).toBe('string');

    const list = await fetch(`${emu.sqsEndpoint}/?Action=ListQueues&Version=2012-11-05`, { headers: { Accept: 'application/json' } });
    expect(list.status).toBe(200);
    expect(Object.keys((await list.json()) as object)).toEqual(['ListQueuesResponse']);
    const xml = await fetch(`${emu.sqsEndpoint}/?Action=ListQueues&Version=2012-11-05`);
    expect(await xml.text()).toContain('<ListQueuesResponse');

    const bare = await fetch(QueueUrl!, { headers: { Accept: 'application/json' } });
    expect(bare.status).toBe(404);
    expect(await bare.text()).toContain('<UnknownOperationException');

    const err = await fetch(`${QueueUrl}?Action=ListQueues`, { headers: { Accept: 'application/json' } });
    expect(err.status).toBe(400);
    expect(((await err.json()) as any).Error).toEqual({ Type: 'Sender', Code: 'InvalidAction', Message: 'The action ListQueues is not valid for this endpoint.' });
  });
});

describe('STS GetCallerIdentity on the SQS port', () => {
  it('answers the account derived from the access key and its root ARN (boto3 1.26 and current)', async () => {
    for (const python of [PY_QUERY, PY_JSON]) {
      const r = await boto(emu.sqsEndpoint, [
        { op: 'get_caller_identity', service: 'sts' },
        { op: 'get_caller_identity', service: 'sts', accessKeyId: '111122223333', region: 'eu-west-1' },
      ], python);
      expect(r[0].ok).toEqual({ UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
      expect(r[1].ok).toEqual({ UserId: '111122223333', Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root' });
    }
    // The same account then owns the queues that key creates.
    const [c] = await boto(emu.sqsEndpoint, [{ op: 'create_queue', params: { QueueName: 'sts-owned' }, accessKeyId: '111122223333' }], PY_QUERY);
    expect(c.ok.QueueUrl).toBe(`${emu.sqsEndpoint}/111122223333/sts-owned`);
  });
});
