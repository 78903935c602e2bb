/**
 * (Named *restart.test so the in-memory pass, which cannot restart on a data dir, leaves it out.)
 * Tandem's own views of a KIP-848 consumer group — the lag route, the console's group list, the
 * `tandem groups` CLI — and the group surviving a restart (members, epochs, assignments). Tandem-
 * only: these are Tandem's admin routes and a restart on the same data dir.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Emulator } from '../harness/emulator.js';
import { repoRoot } from '../harness/kafka-clients.js';
import { tandemOnly } from '../harness/kafka-target.js';
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';

const MAIN = path.join(repoRoot(), process.env.TANDEM_DIST ?? 'dist', 'emulator/src/host/main.js');

tandemOnly('KIP-848 consumer groups in Tandem views and across a restart', () => {
  let emu: Emulator;
  let c: RawClient;
  beforeAll(async () => {
    emu = await Emulator.start();
    c = await RawClient.connect(emu.kafkaPort);
  });
  afterAll(async () => {
    c?.close();
    await emu?.stop();
  });

  const cli = (...args: string[]): Promise<string> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, TANDEM_ENDPOINT: emu.sqsEndpoint }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => resolve(out));
    });
  const hb = async (over: Record<string, unknown>) =>
    (await c.call(68, 1, { groupId: 'g848', memberId: '', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000, subscribedTopicNames: ['t848'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], ...over })).body;

  it('lag, console and CLI show the members and their partitions; the group comes back after a restart', async () => {
    await c.call(19, 4, { topics: [{ name: 't848', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    const m = randomBytes(8).toString('hex');
    const joined = await hb({ memberId: m, serverAssignor: 'range' });
    expect(joined).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    await c.call(8, 9, { groupId: 'g848', generationIdOrMemberEpoch: 1, memberId: m, groupInstanceId: null, topics: [{ name: 't848', partitions: [{ partitionIndex: 1, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: '' }] }] });

    const lag = await (await fetch(`${emu.sqsEndpoint}/_tandem/kafka/lag?group=g848`)).json();
    expect(lag.partitions.map((r: any) => [r.partition, r.currentOffset, r.consumerId, r.clientId])).toEqual([
      [0, null, m, 'raw-test'],
      [1, 0, m, 'raw-test'],
    ]);
    const groups = await (await fetch(`${emu.sqsEndpoint}/_tandem/kafka/groups`)).json();
    expect(groups.find((g: any) => g.group === 'g848')).toMatchObject({
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      members: [{ memberId: m, assignment: [{ topic: 't848', partitions: [0, 1] }] }],
    });
    expect(await cli('groups', 'describe', 'g848')).toMatch(new RegExp(`^g848\\s+t848\\s+1\\s+0\\s+0\\s+0\\s+${m}`, 'm'));
    expect(await cli('groups', 'ls')).toMatch(/^g848\s+Stable/m);

    const before = (await c.call(69, 0, { groupIds: ['g848'], includeAuthorizedOperations: false })).body.groups[0];
    c.close();
    emu = await emu.restart();
    c = await RawClient.connect(emu.kafkaPort);
    const after = (await c.call(69, 0, { groupIds: ['g848'], includeAuthorizedOperations: false })).body.groups[0];
    expect(after).toEqual(before);
    // The member carries on with its epoch; a member nobody knows is still unknown.
    expect(await hb({ memberId: m, memberEpoch: 1, rebalanceTimeoutMs: -1, subscribedTopicNames: null, serverAssignor: null, topicPartitions: null })).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    expect((await hb({ memberId: 'nobody', memberEpoch: 1, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: null })).errorCode).toBe(25);
  });
});
