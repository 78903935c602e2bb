import type { IncomingMessage } from 'node:http';
import { defaults, type SqsConfig } from '../../src/host/config.js';
import { parseCredentialScope, requestContext } from '../../src/sqs/protocol/context.js';

const AUTH =
  'AWS4-HMAC-SHA256 Credential=111122223333/20260101/eu-west-2/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=abc';

function req(headers: Record<string, string>, socket: Record<string, unknown> = {}): IncomingMessage {
  return { headers, socket } as unknown as IncomingMessage;
}

const config: SqsConfig = { ...defaults().sqs, region: 'us-east-1', accountId: '000000000000' };

describe('parseCredentialScope', () => {
  it('reads access key and region from a SigV4 Authorization header', () => {
    expect(parseCredentialScope(AUTH)).toEqual({ accessKeyId: '111122223333', region: 'eu-west-2' });
  });

  it('reads a presigned X-Amz-Credential value', () => {
    expect(parseCredentialScope('AKIDEXAMPLE/20260101/ap-south-1/sqs/aws4_request')).toEqual({ accessKeyId: 'AKIDEXAMPLE', region: 'ap-south-1' });
  });

  it('ignores anything that is not a credential scope', () => {
    expect(parseCredentialScope(undefined)).toBeUndefined();
    expect(parseCredentialScope('AWS AKID:signature')).toBeUndefined();
    expect(parseCredentialScope('AWS4-HMAC-SHA256 Credential=AKID/20260101//sqs/aws4_request')).toBeUndefined();
  });
});

describe('requestContext', () => {
  it('takes region from the scope and the account from a 12-digit access key', () => {
    const ctx = requestContext(req({ authorization: AUTH, host: 'localhost:9324', 'x-amzn-trace-id': 'Root=1-abc' }), config);
    expect(ctx).toMatchObject({ region: 'eu-west-2', accountId: '111122223333', baseUrl: 'http://localhost:9324', traceHeader: 'Root=1-abc' });
    expect(ctx.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('falls back to the configured region and account', () => {
    const ctx = requestContext(req({ authorization: AUTH.replace('111122223333', 'AKIAEXAMPLE').replace('eu-west-2', 'us-west-1'), host: 'h' }), config);
    expect([ctx.region, ctx.accountId]).toEqual(['us-west-1', '000000000000']);
    const anonymous = requestContext(req({ host: 'h' }), config);
    expect([anonymous.region, anonymous.accountId, anonymous.traceHeader]).toEqual(['us-east-1', '000000000000', undefined]);
  });

  it('uses a presigned credential when there is no Authorization header', () => {
    expect(requestContext(req({ host: 'h' }), config, '222233334444/20260101/eu-north-1/sqs/aws4_request')).toMatchObject({
      region: 'eu-north-1',
      accountId: '222233334444',
    });
  });

  it('builds queue URLs on --sqs-base-url when set, else on the Host header, else on the local address', () => {
    expect(requestContext(req({ host: 'h:1' }), { ...config, baseUrl: 'https://sqs.example:443/' }).baseUrl).toBe('https://sqs.example:443');
    expect(requestContext(req({}, { localAddress: '127.0.0.1', localPort: 9 }), config).baseUrl).toBe('http://127.0.0.1:9');
    expect(requestContext(req({}, { localAddress: '::1', localPort: 9 }), config).baseUrl).toBe('http://[::1]:9');
  });

  it('gives every request its own id', () => {
    expect(requestContext(req({}), config).requestId).not.toBe(requestContext(req({}), config).requestId);
  });
});
