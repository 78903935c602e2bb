/**
 * The handler over a real socket, with a stand-in for the semantics layer: routing between the two
 * protocols, queue-URL endpoints, protocol-level errors and unexpected exceptions.
 */
import http from 'node:http';
import { SqsError } from '../../src/sqs/semantics/api.js';
import { serveFake, type Served } from './fake.js';

describe('SQS handler', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serveFake();
  });
  afterAll(() => s.close());
  beforeEach(() => {
    s.api.calls = [];
    s.api.outputs = {};
    s.api.failure = undefined;
    s.logs.length = 0;
  });

  const form = (body: string, path = '/') =>
    fetch(s.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const json = (op: string, body: unknown, path = '/') =>
    fetch(s.url + path, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` }, body: JSON.stringify(body) });

  it('serves Query POSTs to / and answers in XML', async () => {
    s.api.outputs.GetQueueUrl = { QueueUrl: 'http://x/000000000000/q' };
    const r = await form('Action=GetQueueUrl&Version=2012-11-05&QueueName=q');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/xml');
    expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(await r.clone().text())));
    expect(await r.text()).toContain('<GetQueueUrlResult><QueueUrl>http://x/000000000000/q</QueueUrl></GetQueueUrlResult>');
    expect(s.api.last.op).toBe('GetQueueUrl');
    expect(s.api.last.input).toEqual({ QueueName: 'q' });
    expect(r.headers.get('x-amzn-requestid')).toBe(s.api.last.ctx.requestId);
  });

  it('serves Query GETs with the parameters in the query string', async () => {
    const r = await fetch(`${s.url}/?Action=ListQueues&QueueNamePrefix=a%20b&MaxResults=5`);
    expect(r.status).toBe(200);
    expect(s.api.last.input).toEqual({ QueueNamePrefix: 'a b', MaxResults: 5 });
  });

  it('takes QueueUrl from the queue-URL path unless a QueueUrl parameter overrides it', async () => {
    await fetch(`${s.url}/000000000000/q1?Action=PurgeQueue`);
    expect(s.api.last.input).toEqual({ QueueUrl: `${s.url}/000000000000/q1` });
    await form('Action=PurgeQueue&QueueUrl=http%3A%2F%2Fother%2F1%2Fq2', '/000000000000/q1');
    expect(s.api.last.input).toEqual({ QueueUrl: 'http://other/1/q2' });
  });

  it('understands the absolute request-target form proxies send', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const { port } = new URL(s.url);
      http
        .get({ host: '127.0.0.1', port, path: `http://queue.example/000000000000/q3?Action=PurgeQueue` }, (r) => {
          r.resume();
          r.on('end', () => resolve(r.statusCode));
        })
        .on('error', reject);
    });
    expect(status).toBe(200);
    expect(s.api.last.input).toEqual({ QueueUrl: `${s.url}/000000000000/q3` });
  });

  it('refuses queue-less actions on a queue URL', async () => {
    for (const action of ['ListQueues', 'CreateQueue']) {
      const r = await form(`Action=${action}&QueueName=x`, '/000000000000/q1');
      expect(r.status).toBe(400);
      expect(await r.text()).toContain(`<Code>InvalidAction</Code><Message>The action ${action} is not valid for this endpoint.</Message>`);
    }
    expect(s.api.calls).toHaveLength(0);
  });

  it('answers a GET without Action with a bare 404', async () => {
    const r = await fetch(`${s.url}/000000000000/q1`);
    expect(r.status).toBe(404);
    expect(await r.text()).toBe('<UnknownOperationException/>');
  });

  it('answers an unknown action with InvalidAction', async () => {
    for (const action of ['FooBar', 'toString', '__proto__']) {
      const r = await form(`Action=${action}`);
      expect(r.status).toBe(400);
      expect(await r.text()).toContain(`<Code>InvalidAction</Code><Message>The action ${action} is not valid for this endpoint.</Message>`);
    }
  });

  it('serves JSON 1.0 by X-Amz-Target, on / and on a queue URL', async () => {
    s.api.outputs.SendMessage = { MessageId: 'm', MD5OfMessageBody: 'x' };
    const r = await json('SendMessage', { QueueUrl: 'u', MessageBody: 'b' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await r.json()).toEqual({ MD5OfMessageBody: 'x', MessageId: 'm' });
    expect(s.api.last.input).toEqual({ QueueUrl: 'u', MessageBody: 'b' });
    await json('SendMessage', { MessageBody: 'b' }, '/000000000000/q1');
    expect(s.api.last.input).toEqual({ QueueUrl: `${s.url}/000000000000/q1`, MessageBody: 'b' });
  });

  it('answers an unknown or missing X-Amz-Target with UnknownOperationException', async () => {
    const r = await json('FooBar', {});
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ __type: 'com.amazon.coral.service#UnknownOperationException' });
    expect(r.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender');
    const bare = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    expect(bare.status).toBe(400);
    expect((await bare.json()).__type).toBe('com.amazon.coral.service#UnknownOperationException');
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const r = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{"a":' });
    expect(r.status).toBe(400);
    expect((await r.json()).__type).toBe('com.amazon.coral.service#SerializationException');
  });

  it('renders SqsErrors from semantics in the protocol of the request', async () => {
    s.api.failure = new SqsError('PurgeQueueInProgress', 'Only one PurgeQueue operation on q is allowed every 60 seconds.');
    const j = await json('PurgeQueue', { QueueUrl: 'u' });
    expect(j.status).toBe(403);
    expect(await j.json()).toEqual({ __type: 'com.amazonaws.sqs#PurgeQueueInProgress', message: 'Only one PurgeQueue operation on q is allowed every 60 seconds.' });
    const q = await form('Action=PurgeQueue&QueueUrl=u');
    expect(q.status).toBe(403);
    expect(await q.text()).toContain('<Code>AWS.SimpleQueueService.PurgeQueueInProgress</Code>');
    expect(s.logs).toEqual([]);
  });

  it('turns an unexpected exception into 500 InternalFailure and one error log line', async () => {
    s.api.failure = new Error('disk on fire');
    const r = await form('Action=SendMessage&QueueUrl=http%3A%2F%2Fh%2F000000000000%2Fburning&MessageBody=x');
    expect(r.status).toBe(500);
    expect(await r.text()).toContain('<Type>Receiver</Type><Code>InternalFailure</Code>');
    expect(s.logs).toHaveLength(1);
    const line = JSON.parse(s.logs[0]);
    expect(line).toMatchObject({ level: 'error', event: 'sqs.internal_failure', component: 'sqs', op: 'SendMessage', queue: 'burning' });
    expect(line.err).toContain('disk on fire');
  });

  it('turns output the model cannot encode into InternalFailure instead of a broken response', async () => {
    s.api.outputs.CancelMessageMoveTask = { ApproximateNumberOfMessagesMoved: 'lots' };
    const r = await json('CancelMessageMoveTask', { TaskHandle: 't' });
    expect(r.status).toBe(500);
    expect(s.logs).toHaveLength(1);
  });

  it('keeps the connection alive across requests', async () => {
    const a = await form('Action=ListQueues');
    const b = await form('Action=ListQueues');
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.headers.get('connection')).toBe('keep-alive');
  });
});
