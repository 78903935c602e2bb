/**
 * Queue URLs per region (issue 12) under each --sqs-queue-url-style, through the current
 * @aws-sdk/client-sqs (JSON) and the pinned 3.445.0 client (Query): two regions give two URLs, and a
 * URL addresses its own region whatever region the client is configured for, as in AWS.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import * as Q from 'sqs-query-sdk';
import { Emulator } from '../harness/emulator.js';
import { ACCOUNT, queueArn, uniq, v3, v3q } from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function twoRegions(style: string, urlOf: (endpoint: string, region: string, name: string) => string): Promise<void> {
  emu = await Emulator.start({ args: ['--sqs-queue-url-style', style] });
  const us = v3(emu);
  const eu = v3q(emu, { region: 'eu-west-1' });
  try {
    const name = uniq(`url-${style}`);
    const usUrl = (await us.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const euUrl = (await eu.send(new Q.CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    expect([usUrl, euUrl]).toEqual([urlOf(emu.sqsEndpoint, 'us-east-1', name), urlOf(emu.sqsEndpoint, 'eu-west-1', name)]);
    expect((await eu.send(new Q.GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(euUrl);
    // Each URL addresses its own region, from a client in either region (the client's endpoint is
    // Tandem's address; the URL only travels in the request).
    const arnVia = async (QueueUrl: string, client: 'us' | 'eu') =>
      client === 'us'
        ? (await us.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn
        : (await eu.send(new Q.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    expect(await arnVia(euUrl, 'us')).toBe(queueArn(name, 'eu-west-1'));
    expect(await arnVia(usUrl, 'eu')).toBe(queueArn(name, 'us-east-1'));
    expect((await us.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(usUrl);
  } finally {
    us.destroy();
    eu.destroy();
  }
}

describe('queue URLs per region', () => {
  it('auto (default): the default region keeps /<account>/<name>, other regions name theirs in the path', async () => {
    await twoRegions('auto', (e, region, name) => (region === 'us-east-1' ? `${e}/${ACCOUNT}/${name}` : `${e}/queue/${region}/${ACCOUNT}/${name}`));
  });

  it('path: every URL is /queue/<region>/<account>/<name>', async () => {
    await twoRegions('path', (e, region, name) => `${e}/queue/${region}/${ACCOUNT}/${name}`);
  });

  it('host: every URL is http://sqs.<region>.<host>:<port>/<account>/<name>', async () => {
    await twoRegions('host', (e, region, name) => `${e.replace('http://', `http://sqs.${region}.`)}/${ACCOUNT}/${name}`);
  });

  it('an unknown style stops startup with a message', async () => {
    await expect(Emulator.start({ args: ['--sqs-queue-url-style', 'sideways'] })).rejects.toThrow(/queueUrlStyle must be one of auto, path, host, plain/);
  });
});
