/**
 * createSqs end to end in-process: the real queue engine on a real store behind the protocol
 * handler, reached over a socket in both protocols, and restored after a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/core/clock.js';
import { defaults } from '../../src/host/config.js';
import type { Core } from '../../src/core/core.js';
import { Logger } from '../../src/core/logger.js';
import { Store } from '../../src/core/storage/store.js';
import { AdminRoutes } from '../../src/core/routes.js';
import { boundPort, startHttp } from '../../src/host/http.js';
import { createSqs, type SqsModule } from '../../src/sqs/index.js';

interface Running {
  url: string;
  stop(): Promise<void>;
}

async function start(dir: string): Promise<Running> {
  const store = await Store.open({ dir });
  const core: Core = { clock: new ManualClock(), store, log: new Logger('silent') };
  const sqs: SqsModule = await createSqs(core, defaults().sqs);
  const server: http.Server = await startHttp('127.0.0.1', 0, new AdminRoutes(), sqs.handle, () => {});
  return {
    url: `http://127.0.0.1:${boundPort(server)}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sqs.close();
      core.clock.stop();
      await store.close();
    },
  };
}

describe('createSqs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-sqsproto-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the queue engine over both protocols and restores it after a restart', async () => {
    let t = await start(dir);
    const created = await fetch(`${t.url}/?Action=CreateQueue&QueueName=wired`);
    expect(created.status).toBe(200);
    const queueUrl = `${t.url}/000000000000/wired`;
    expect(await created.text()).toContain(`<QueueUrl>${queueUrl}</QueueUrl>`);

    const sent = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl: queueUrl, MessageBody: 'survives "restarts"\r\n' }),
    });
    expect(sent.status).toBe(200);
    expect((await sent.json()).MD5OfMessageBody).toMatch(/^[0-9a-f]{32}$/);
    await t.stop();

    t = await start(dir);
    const received = await fetch(`${t.url}/000000000000/wired`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ReceiveMessage&MaxNumberOfMessages=10',
    });
    expect(received.status).toBe(200);
    expect(await received.text()).toContain('<Body>survives &quot;restarts&quot;&#xD;\n</Body>');
    await t.stop();
  });
});
