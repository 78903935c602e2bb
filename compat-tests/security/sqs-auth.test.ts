/**
 * Optional SigV4 verification (`--sqs-auth`), proven with the clients users sign with: boto3 1.26
 * (Debian, Query), boto3 1.4x (.venv, JSON) and @aws-sdk/client-sqs (JSON), each with the right
 * secret, a wrong one and an unknown key; a boto3-presigned URL, fresh and after its expiry (the
 * emulator's clock moved, not slept); a request signed 20 minutes ago; and the default (no
 * `--sqs-auth`) still accepting anything, as before.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { CreateQueueCommand, ListQueuesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Emulator } from '../harness/emulator.js';
import { repoRoot } from '../harness/kafka-clients.js';

const PY_QUERY = '/usr/bin/python3';
const PY_JSON = path.join(repoRoot(), '.venv', 'bin', 'python');
const SCRIPT = path.join(repoRoot(), 'compat-tests', 'security', 'sqs_auth.py');
const KEY = 'AKIDEXAMPLE1';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

interface Step {
  ok: boolean;
  result?: unknown;
  code?: string;
  message?: string;
  status?: number;
  body?: string;
}

function boto(python: string, endpoint: string, key: string, secret: string, steps: string[]): Promise<Step[]> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };
  return new Promise((resolve, reject) =>
    execFile(python, [SCRIPT, endpoint, key, secret, ...steps], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve((JSON.parse(stdout.trim().split('\n').at(-1)!) as { steps: Step[] }).steps);
    }),
  );
}

function v3(endpoint: string, accessKeyId: string, secretAccessKey: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

async function v3Error(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('expected the request to fail');
}

describe('with --sqs-auth', () => {
  let emu: Emulator;
  beforeAll(async () => {
    // The emulator's manual clock starts at the wall clock: clients sign with real time.
    emu = await Emulator.start({ args: ['--sqs-auth', `${KEY}:${SECRET},AKIDOTHER:other-secret`] });
  });
  afterAll(async () => emu?.stop());

  it.each([
    ['boto3 1.26, Query', PY_QUERY],
    ['boto3 1.4x, JSON', PY_JSON],
  ])('%s: the right secret works, a wrong one is SignatureDoesNotMatch, an unknown key InvalidClientTokenId', async (_label, python) => {
    const q = `auth-${python === PY_QUERY ? 'query' : 'json'}`;
    const good = await boto(python, emu.sqsEndpoint, KEY, SECRET, [`create:${q}`, `send:${q}`, 'list']);
    expect(good.map((s) => s.ok)).toEqual([true, true, true]);
    expect(good[2].result).toContain(`${emu.sqsEndpoint}/000000000000/${q}`);

    const [wrong] = await boto(python, emu.sqsEndpoint, KEY, SECRET + 'x', [`send:${q}`]);
    expect(wrong).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', status: 403 });
    expect(wrong.message).toMatch(/^The request signature we calculated does not match the signature you provided\./);
    expect(wrong.message).toContain('The String-to-Sign should have been');

    const [unknown] = await boto(python, emu.sqsEndpoint, 'AKIDNOBODY', SECRET, ['list']);
    expect(unknown).toMatchObject({ ok: false, code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' });
  });

  it('@aws-sdk/client-sqs: right secret, second key, wrong secret, unknown key', async () => {
    const url = (await v3(emu.sqsEndpoint, KEY, SECRET).send(new CreateQueueCommand({ QueueName: 'auth-v3' }))).QueueUrl!;
    const sent = await v3(emu.sqsEndpoint, 'AKIDOTHER', 'other-secret').send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'signed by the second key' }));
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await v3Error(v3(emu.sqsEndpoint, KEY, 'not-the-secret').send(new ListQueuesCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(await v3Error(v3(emu.sqsEndpoint, 'AKIDNOBODY', SECRET).send(new ListQueuesCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('unsigned and half-signed requests: MissingAuthenticationToken, IncompleteSignature', async () => {
    const bare = await fetch(`${emu.sqsEndpoint}/?Action=ListQueues`);
    expect(bare.status).toBe(403);
    expect(await bare.text()).toContain('<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>');

    const half = await fetch(`${emu.sqsEndpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues', authorization: `AWS4-HMAC-SHA256 Credential=${KEY}/20260101/us-east-1/sqs/aws4_request` },
      body: '{}',
    });
    expect(half.status).toBe(400);
    expect(half.headers.get('x-amzn-query-error')).toBe('IncompleteSignature;Sender');
    const body = (await half.json()) as { message: string };
    expect(body.message).toContain("Authorization header requires 'Signature' parameter.");
    expect(body.message).toContain("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  });

  it('a boto3-presigned URL works until X-Amz-Expires, then RequestExpired; a request signed 20 minutes ago is RequestExpired', async () => {
    await boto(PY_QUERY, emu.sqsEndpoint, KEY, SECRET, ['create:presigned']);
    const [signed] = await boto(PY_QUERY, emu.sqsEndpoint, KEY, SECRET, ['presign:presigned:300']);
    const url = signed.result as string;
    expect(url).toContain('X-Amz-Signature=');
    const fresh = await fetch(url);
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toContain(`<QueueUrl>${emu.sqsEndpoint}/000000000000/presigned</QueueUrl>`);
    // A tampered parameter breaks the signature.
    const tampered = await fetch(url.replace('QueueName=presigned', 'QueueName=presigneX'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    // The manual clock started with the process and stands still, so it trails the wall clock the URL
    // was signed with by the seconds this suite has run: move it well past the 300 s.
    await emu.advance(360_000);
    const late = await fetch(url);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('<Code>RequestExpired</Code>');

    // Clients sign with the wall clock, now more than 15 minutes behind the emulator's.
    await emu.advance(15 * 60_000);
    const [expired] = await boto(PY_QUERY, emu.sqsEndpoint, KEY, SECRET, ['list']);
    expect(expired).toMatchObject({ ok: false, code: 'RequestExpired', status: 400 });
    expect(expired.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const [expiredJson] = await boto(PY_JSON, emu.sqsEndpoint, KEY, SECRET, ['list']);
    expect(expiredJson).toMatchObject({ ok: false, code: 'RequestExpired', status: 400 });
  });
});

it('without --sqs-auth any signature (or none) is accepted, as before', async () => {
  const emu = await Emulator.start();
  try {
    const [r] = await boto(PY_QUERY, emu.sqsEndpoint, 'whatever', 'wrong', ['list']);
    expect(r.ok).toBe(true);
    expect((await fetch(`${emu.sqsEndpoint}/?Action=ListQueues`)).status).toBe(200);
  } finally {
    await emu.stop();
  }
});
