/**
 * Errors exactly as each real client surfaces them: v3 (JSON) err.name / err.Code /
 * $metadata.httpStatusCode, v3 3.445 (Query) err.name, aws-sdk v2 err.code / statusCode, boto3
 * (Query and JSON) e.response['Error'], the aws CLI's message, sqs-consumer's error event; plus the
 * wire shape clients depend on (__type, x-amzn-query-error: <code>;Sender, Query ErrorResponse).
 */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import { Consumer } from 'sqs-consumer';
import type { Emulator } from '../harness/emulator.js';
import { boto, caught, cli, CLI_TIMEOUT, md5, PY_JSON, PY_QUERY, queueUrl, uniq, v2, v3, useSuite } from './helpers.js';

let emu: Emulator;
let js: SQSClient;
let qs: Q.SQSClient;
useSuite((s) => ({ emu, js, qs } = s));

const NON_EXISTENT = 'AWS.SimpleQueueService.NonExistentQueue';

describe('QueueDoesNotExist / AWS.SimpleQueueService.NonExistentQueue', () => {
  it('v3 JSON: err.name QueueDoesNotExist, err.Code the legacy code, 400, AWS text', async () => {
    const e = await caught(() => js.send(new GetQueueUrlCommand({ QueueName: uniq('nope') })));
    expect(e.name).toBe('QueueDoesNotExist');
    expect(e.Code).toBe(NON_EXISTENT);
    expect(e.raw.Type).toBe('Sender');
    expect(e.status).toBe(400);
    expect(e.message).toBe('The specified queue does not exist.');
    // Queue-scoped operations on a missing queue URL fail the same way.
    const s = await caught(() => js.send(new SendMessageCommand({ QueueUrl: queueUrl(emu.sqsEndpoint, uniq('gone')), MessageBody: 'x' })));
    expect([s.name, s.Code, s.status]).toEqual(['QueueDoesNotExist', NON_EXISTENT, 400]);
  });

  it('v3 Query (3.445): err.name QueueDoesNotExist, 400, the Query text', async () => {
    const e = await caught(() => qs.send(new Q.GetQueueUrlCommand({ QueueName: uniq('nope') })));
    expect(e.name).toBe('QueueDoesNotExist');
    expect(e.status).toBe(400);
    expect(e.text).toBe('The specified queue does not exist for this wsdl version.');
    // 3.445's model does not list QueueDoesNotExist among ReceiveMessage's errors, so this client names
    // the error after the Query code itself.
    const r = await caught(() => qs.send(new Q.ReceiveMessageCommand({ QueueUrl: queueUrl(emu.sqsEndpoint, uniq('gone')) })));
    expect([r.name, r.Code, r.status]).toEqual([NON_EXISTENT, NON_EXISTENT, 400]);
  });

  it('aws-sdk v2: err.code is the legacy code (from x-amzn-query-error), statusCode 400', async () => {
    const e = await caught(() => v2(emu).getQueueUrl({ QueueName: uniq('nope') }).promise());
    expect(e.code).toBe(NON_EXISTENT);
    expect(e.status).toBe(400);
    const r = await caught(() => v2(emu).receiveMessage({ QueueUrl: queueUrl(emu.sqsEndpoint, uniq('gone')) }).promise());
    expect([r.code, r.status]).toEqual([NON_EXISTENT, 400]);
  });

  it('boto3 Query (Debian 1.26) and boto3 JSON (1.43): Error.Code is the legacy code', async () => {
    const steps = [
      { op: 'get_queue_url', params: { QueueName: uniq('nope') } },
      { op: 'send_message', params: { QueueUrl: queueUrl(emu.sqsEndpoint, uniq('gone')), MessageBody: 'x' } },
    ];
    const [q, j] = await Promise.all([boto(emu.sqsEndpoint, steps, PY_QUERY), boto(emu.sqsEndpoint, steps, PY_JSON)]);
    for (const r of [...q, ...j]) {
      expect(r.error?.Code).toBe(NON_EXISTENT);
      expect(r.error?.HTTPStatusCode).toBe(400);
      expect(r.error?.Type).toBe('Sender');
    }
    expect(q[0].error?.Message).toBe('The specified queue does not exist for this wsdl version.');
    expect(j[0].error?.Message).toBe('The specified queue does not exist.');
    // botocore's query-compatible JSON parsing keeps the shape name here.
    expect(j[0].error?.QueryErrorCode).toBe('QueueDoesNotExist');
  });

  it('aws CLI (Debian 2.9): exit 254 and the legacy code in the message', async () => {
    const name = uniq('nope');
    const r = await cli(emu.sqsEndpoint, ['get-queue-url', '--queue-name', name]);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation');
    expect(r.stderr).toContain(': The specified queue does not exist for this wsdl version.');
  }, CLI_TIMEOUT);

  it('sqs-consumer: the error event carries code QueueDoesNotExist and status 400', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    const consumer = Consumer.create({
      queueUrl: queueUrl(emu.sqsEndpoint, uniq('gone')),
      region: 'us-east-1',
      handleMessage: async () => undefined,
      authenticationErrorTimeout: 60_000,
    });
    const err = await new Promise<any>((resolve) => {
      consumer.on('error', (e) => resolve(e));
      consumer.start();
    });
    consumer.stop({ abort: true });
    expect(err.code).toBe('QueueDoesNotExist');
    expect(err.statusCode).toBe(400);
  });
});

describe('other errors through every client', () => {
  it('PurgeQueueInProgress is 403 everywhere', async () => {
    const name = uniq('purge');
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
    await js.send(new PurgeQueueCommand({ QueueUrl }));
    const o = await caught(() => v2(emu).purgeQueue({ QueueUrl: QueueUrl! }).promise());
    expect([o.code, o.status]).toEqual(['AWS.SimpleQueueService.PurgeQueueInProgress', 403]);
    const [pj] = await boto(emu.sqsEndpoint, [{ op: 'purge_queue', params: { QueueUrl } }], PY_JSON);
    expect([pj.error?.Code, pj.error?.HTTPStatusCode, pj.error?.Message]).toEqual([
      'AWS.SimpleQueueService.PurgeQueueInProgress',
      403,
      `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
    ]);
  });

  it('InvalidParameterValue for out-of-range receive parameters, with the AWS texts', async () => {
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: uniq('params') }));
    const m = await caught(() => js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })));
    expect([m.name, m.Code, m.status, m.message]).toEqual([
      'InvalidParameterValue',
      'InvalidParameterValue',
      400,
      'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    ]);
    const zero = await caught(() => qs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 0 })));
    expect([zero.name, zero.status, zero.message]).toEqual([
      'InvalidParameterValue',
      400,
      'Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    ]);
    const w = await caught(() => js.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 21 })));
    expect([w.Code, w.status, w.message]).toEqual([
      'InvalidParameterValue',
      400,
      'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.',
    ]);
    const vt = await caught(() => js.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 43201 })));
    expect([vt.Code, vt.status]).toEqual(['InvalidParameterValue', 400]);
    const o = await caught(() => v2(emu).receiveMessage({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 11 }).promise());
    expect([o.code, o.status]).toEqual(['InvalidParameterValue', 400]);
    const res = await boto(emu.sqsEndpoint, [
      { op: 'receive_message', params: { QueueUrl, MaxNumberOfMessages: 11 } },
      { op: 'receive_message', params: { QueueUrl, WaitTimeSeconds: 21 } },
    ]);
    expect(res.map((r) => [r.error?.Code, r.error?.HTTPStatusCode])).toEqual([
      ['InvalidParameterValue', 400],
      ['InvalidParameterValue', 400],
    ]);
    const c = await cli(emu.sqsEndpoint, ['receive-message', '--queue-url', QueueUrl!, '--max-number-of-messages', '11']);
    expect(c.code).toBe(254);
    expect(c.stderr).toContain('An error occurred (InvalidParameterValue) when calling the ReceiveMessage operation');
    expect(c.stderr).toContain(': Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.');
  }, CLI_TIMEOUT);
});

describe('wire shape', () => {
  it('JSON errors: __type, message and x-amzn-query-error: <code>;Sender', async () => {
    const res = await fetch(`${emu.sqsEndpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl', 'x-amzn-query-mode': 'true' },
      body: JSON.stringify({ QueueName: uniq('wire') }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/x-amz-json-1.0');
    expect(res.headers.get('x-amzn-query-error')).toBe(`${NON_EXISTENT};Sender`);
    const body = (await res.json()) as Record<string, string>;
    expect(body.__type.split('#').pop()).toBe('QueueDoesNotExist');
    expect(body.message ?? body.Message).toBe('The specified queue does not exist.');
  });

  it('Query errors: <ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message>', async () => {
    const res = await fetch(`${emu.sqsEndpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'GetQueueUrl', Version: '2012-11-05', QueueName: uniq('wire') }).toString(),
    });
    expect(res.status).toBe(400);
    const xml = await res.text();
    expect(xml).toContain('<ErrorResponse');
    expect(xml).toMatch(/<Type>Sender<\/Type>/);
    expect(xml).toContain(`<Code>${NON_EXISTENT}</Code>`);
    expect(xml).toContain('<Message>The specified queue does not exist for this wsdl version.</Message>');
    expect(xml).toMatch(/<RequestId>[^<]+<\/RequestId>/);
  });

  it('an empty JSON ReceiveMessage is {} and an empty Query one is <ReceiveMessageResult/>', async () => {
    const name = uniq('empty');
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
    const j = await fetch(`${emu.sqsEndpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
      body: JSON.stringify({ QueueUrl }),
    });
    expect(j.status).toBe(200);
    expect(await j.json()).toEqual({});
    const q = await fetch(`${emu.sqsEndpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'ReceiveMessage', Version: '2012-11-05', QueueUrl: QueueUrl! }).toString(),
    });
    expect(q.status).toBe(200);
    const xml = await q.text();
    expect(xml).toMatch(/<ReceiveMessageResponse[^>]*xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"/);
    expect(xml).toMatch(/<ReceiveMessageResult\s*\/>|<ReceiveMessageResult>\s*<\/ReceiveMessageResult>/);
  });

  it('Query requests to the queue URL work; unknown actions are 400 InvalidAction', async () => {
    const name = uniq('qurl');
    const { QueueUrl } = await js.send(new CreateQueueCommand({ QueueName: name }));
    const send = await fetch(`${QueueUrl}?${new URLSearchParams({ Action: 'SendMessage', Version: '2012-11-05', MessageBody: 'via-url' })}`);
    expect(send.status).toBe(200);
    expect(await send.text()).toContain('<MD5OfMessageBody>');
    const r = await js.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(r.Messages?.[0].Body).toBe('via-url');
    await js.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle }));
    // JSON 1.0 POSTed to the queue URL path works too (the PHP SDK does this).
    const json = await fetch(QueueUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl, MessageBody: 'json-via-url' }),
    });
    expect(json.status).toBe(200);
    expect(((await json.json()) as Record<string, string>).MD5OfMessageBody).toBe(md5('json-via-url'));
    const bad = await fetch(`${emu.sqsEndpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'FooBar', Version: '2012-11-05' }).toString(),
    });
    expect(bad.status).toBe(400);
    const xml = await bad.text();
    expect(xml).toContain('<Code>InvalidAction</Code>');
    expect(xml).toContain('The action FooBar is not valid for this endpoint.');
    const left = await js.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(left.Messages?.map((m) => m.Body)).toEqual(['json-via-url']);
  });
});
