/**
 * Tandem beside the peers users would otherwise run (issue 15): the real Apache Kafka broker and
 * franz-go's kfake for Kafka; ElasticMQ, moto, goaws (and LocalStack, when it can run) for SQS.
 * One Tandem runs through the whole suite; each peer is started in turn beside it and measured with
 * the same load generators in alternating slices, so every row is a Tandem figure with the peer as
 * its baseline (ratio = Tandem / peer). A peer that cannot be installed or started is a SKIP row.
 */
import { runPaired, sqsCall, FORM, type LoadResult, type LoadSpec, type Scenario } from '../http/load.js';
import { kafkajs } from '../kafka/kafkajs.js';
import { kcatConsume, kcatProduce, recordsFile, type KcatRun } from '../kafka/kcat.js';
import { rssMB, type EmulatorProc } from '../lib/procs.js';
import { install, PEERS, type Peer, type RunningPeer } from '../peers/peers.js';
import { size, startEmulator, step, type Ctx } from './common.js';
import { BODY, sendJson } from './sqs.js';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const section = (p: Peer) => `Peers: Tandem vs ${p.name}`;

export async function peersSuite(ctx: Ctx): Promise<void> {
  const { report } = ctx;
  const emu = await startEmulator(ctx, 'peers');
  try {
    // BENCH_PEERS=kafka,goaws runs only the peers whose names contain one of those words.
    const only = process.env.BENCH_PEERS?.toLowerCase().split(',').filter(Boolean);
    for (const peer of PEERS.filter((p) => !only || only.some((w) => p.name.toLowerCase().includes(w)))) {
      const S = section(peer);
      const why = peer.unavailable?.();
      if (why) {
        report.add({ section: S, name: 'peer', value: null, unit: '', status: 'SKIP', note: why });
        continue;
      }
      if (peer.install) {
        ctx.report.progress(`${S}: install`);
        const err = await install(peer.install).then(() => undefined, (e: Error) => e.message);
        if (err) {
          report.add({ section: S, name: 'peer', value: null, unit: '', status: 'SKIP', note: `not installed: ${err.slice(0, 200)}` });
          continue;
        }
      }
      // A fresh cold start of Tandem right before the peer's, on the same (noisy) machine.
      ctx.report.progress(`${S}: Tandem cold start`);
      const cold = await startEmulator(ctx, 'peers');
      await settle(1000);
      const tandem = { readyMs: cold.readyMs, rss: cold.rssMB() };
      await cold.stop();
      ctx.report.progress(`${S}: start`);
      const running = await peer.start().catch((e: Error) => e);
      if (running instanceof Error) {
        report.add({ section: S, name: 'peer', value: null, unit: '', status: 'SKIP', note: `did not start: ${running.message.slice(0, 200)}` });
        continue;
      }
      try {
        await settle(1000);
        report.add({ section: S, name: 'spawn → ready', value: tandem.readyMs, unit: 'ms', baseline: { name: 'peer', value: running.readyMs }, note: running.note });
        report.add({ section: S, name: 'idle RSS 1 s after ready', value: tandem.rss, unit: 'MB', baseline: { name: 'peer', value: rssMB(running.pid) } });
        if (peer.kind === 'kafka') await kafkaRows(ctx, S, emu, running);
        else await sqsRows(ctx, S, peer, emu, running);
        report.add({ section: S, name: 'RSS after the loads', value: emu.rssMB(), unit: 'MB', baseline: { name: 'peer', value: rssMB(running.pid) } });
      } finally {
        await running.stop();
      }
    }
  } finally {
    await emu.stop();
  }
}

const perSec = (r: { records: number; ms: number }) => (r.records / r.ms) * 1000;
const total = (rs: KcatRun[]): KcatRun => ({ ms: rs.reduce((a, r) => a + r.ms, 0), records: rs.reduce((a, r) => a + r.records, 0), bytes: rs.reduce((a, r) => a + r.bytes, 0) });

async function kafkaRows(ctx: Ctx, S: string, emu: EmulatorProc, peer: RunningPeer): Promise<void> {
  const { report } = ctx;
  const rounds = size(ctx, 3, 2);
  const tag = `${process.pid}-${Date.now() % 100000}`;
  const loads = [
    { size: 100, count: size(ctx, 400_000, 20_000) },
    { size: 1024, count: size(ctx, 80_000, 5_000) },
  ];
  const topics = (l: { size: number }) => Array.from({ length: rounds }, (_, r) => `peer-${tag}-${l.size}-r${r}`);
  const all = [...loads.flatMap(topics), `peer-${tag}-lat`, `peer-${tag}-warm`, ...[0, 1, 2, 3].map((i) => `peer-${tag}-js${i}`)];
  const brokers = { tandem: emu.kafkaBroker, peer: peer.address };
  for (const b of Object.values(brokers)) await kafkajs({ op: 'createTopics', broker: b, topics: all.map((topic) => ({ topic, partitions: 1 })) });

  // The JVM broker starts interpreted: one unmeasured run first on both, so its JIT has compiled the hot path.
  const warm = await recordsFile(100, 20_000);
  await step(ctx, S, 'warm-up', async () => {
    for (const b of Object.values(brokers)) await kcatProduce(b, `peer-${tag}-warm`, warm, 20_000, 100, ['acks=1']);
  });

  for (const l of loads) {
    const file = await recordsFile(l.size, l.count);
    const r = await step(ctx, S, `kcat ${l.size} B, ${rounds} rounds of ${l.count}, alternating`, async () => {
      const out = { produce: { tandem: [] as KcatRun[], peer: [] as KcatRun[] }, consume: { tandem: [] as KcatRun[], peer: [] as KcatRun[] } };
      for (const [i, topic] of topics(l).entries()) {
        const order = (i % 2 ? ['peer', 'tandem'] : ['tandem', 'peer']) as ('tandem' | 'peer')[];
        for (const who of order) out.produce[who].push(await kcatProduce(brokers[who], topic, file, l.count, l.size, ['acks=1']));
        for (const who of order) out.consume[who].push(await kcatConsume(brokers[who], topic, l.count));
      }
      return out;
    });
    if (!r) continue;
    for (const op of ['produce', 'consume'] as const) {
      const t = total(r[op].tandem);
      const p = total(r[op].peer);
      const complete = t.records === rounds * l.count && p.records === rounds * l.count;
      report.add({ section: S, name: `kcat ${op} ${l.size} B${op === 'produce' ? ' acks=1' : ' from beginning'}`, value: perSec(t), unit: 'msg/s', baseline: { name: 'peer', value: perSec(p) }, note: complete ? undefined : `records ${t.records}/${p.records}` });
    }
  }

  // kafkajs 2.2.4 (its own JavaScript client: 1000 records per send, 4 sends in flight), alternating.
  const jsCount = size(ctx, 100_000, 10_000);
  const js = await step(ctx, S, 'kafkajs produce 100 B acks=1', async () => {
    const out = { tandem: 0, peer: 0 };
    for (const [i, who] of (['peer', 'tandem', 'tandem', 'peer'] as const).entries()) {
      const r = await kafkajs({ op: 'produce', broker: brokers[who], topic: `peer-${tag}-js${i}`, count: jsCount, size: 100, acks: 1, batch: 1000, inflight: 4 });
      out[who] += r.ms;
    }
    return out;
  });
  if (js) report.add({ section: S, name: 'kafkajs produce 100 B acks=1 (1000/send, 4 in flight)', value: (2 * jsCount * 1000) / js.tandem, unit: 'msg/s', baseline: { name: 'peer', value: (2 * jsCount * 1000) / js.peer } });

  // Closed loop, one record in flight (kafkajs, acks=1 then acks=all): sends at the rate the
  // broker answers, a moderate load far below either broker's throughput.
  for (const acks of [1, -1]) {
    const job = (broker: string) => kafkajs({ op: 'latency', broker, targets: [{ topic: `peer-${tag}-lat`, partitions: 1 }], count: size(ctx, 2000, 300), size: 100, acks, maxMs: 60_000 }).then((x) => x[0]);
    const r = await step(ctx, S, `kafkajs produce latency acks=${acks}`, async () => ({ peer: await job(brokers.peer), tandem: await job(brokers.tandem) }));
    if (!r) continue;
    report.add({ section: S, name: `kafkajs produce 1 × 100 B acks=${acks === 1 ? 1 : 'all'}, p50`, value: r.tandem.p50, unit: 'ms', baseline: { name: 'peer', value: r.peer.p50 } });
    report.add({ section: S, name: '  same, p99', value: r.tandem.p99, unit: 'ms', baseline: { name: 'peer', value: r.peer.p99 } });
  }
}

function checked(r: LoadResult): LoadResult {
  if (r.errors) throw new Error(`${r.errors} of ${r.ops + r.errors} requests failed: ${r.firstError}`);
  return r;
}

async function createQueue(endpoint: string, protocol: 'json' | 'query', name: string, extra: Record<string, string>): Promise<string> {
  if (protocol === 'json') return (await sqsCall(endpoint, 'CreateQueue', { QueueName: name }, extra)).QueueUrl as string;
  const res = await fetch(endpoint, { method: 'POST', headers: { ...FORM, ...extra }, body: `Action=CreateQueue&Version=2012-11-05&QueueName=${name}` });
  const text = await res.text();
  const url = /<QueueUrl>([^<]+)<\/QueueUrl>/.exec(text)?.[1];
  if (!res.ok || !url) throw new Error(`CreateQueue -> ${res.status} ${text.slice(0, 200)}`);
  return url;
}

async function sqsRows(ctx: Ctx, S: string, def: Peer, emu: EmulatorProc, peer: RunningPeer): Promise<void> {
  const { report } = ctx;
  const protocol = def.protocol!;
  const extra = { tandem: {}, peer: def.headers ?? {} };
  const conns = 16;
  const rounds = size(ctx, 4, 2);
  const sliceMs = size(ctx, 1000, 500);
  const tag = `${Date.now() % 100000}`;
  const targets = { tandem: emu.sqsEndpoint, peer: peer.address };
  const q = { tandem: {} as Record<string, string>, peer: {} as Record<string, string> };
  for (const who of ['tandem', 'peer'] as const) {
    for (const n of ['send', 'cycle', 'lat']) q[who][n] = await createQueue(targets[who], protocol, `peer-${n}-${tag}`, extra[who]);
  }
  const send = (url: string): Scenario => ({
    kind: 'requests',
    requests: [protocol === 'json' ? sendJson(url) : { path: '/', headers: FORM, body: `Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(url)}&MessageBody=${encodeURIComponent(BODY)}` }],
  });
  const spec = (who: 'tandem' | 'peer', scenario: Scenario, latency = false): LoadSpec =>
    latency
      ? { url: targets[who], connections: 1, durationMs: size(ctx, 5000, 2000), maxOps: size(ctx, 2000, 300), scenario, latency: true, headers: extra[who] }
      : { url: targets[who], connections: conns, durationMs: sliceMs, maxOps: 10_000_000, scenario, headers: extra[who] };
  const pair = (name: string, mk: (who: 'tandem' | 'peer') => LoadSpec) =>
    step(ctx, S, name, async () => {
      const [p, t] = (await runPaired([mk('peer'), mk('tandem')], rounds)).map(checked);
      return { p, t };
    });
  const proto = protocol === 'json' ? 'JSON' : 'Query';

  // JVM peers start interpreted: a few seconds of load first, so their JIT has compiled the hot path.
  await step(ctx, S, 'warm-up', () => runPaired([spec('peer', send(q.peer.send)), spec('tandem', send(q.tandem.send))], size(ctx, 4, 3)));
  const sm = await pair('SendMessage', (who) => spec(who, send(q[who].send)));
  if (sm) report.add({ section: S, name: `SendMessage ${proto}, c=${conns}`, value: sm.t.opsPerSec, unit: 'req/s', baseline: { name: 'peer', value: sm.p.opsPerSec } });
  const cycle = await pair('send→receive→delete cycle', (who) => spec(who, { kind: protocol === 'json' ? 'sqs-cycle' : 'sqs-cycle-query', queueUrl: q[who].cycle, batch: 10, body: BODY }));
  if (cycle) report.add({ section: S, name: `send(10)→receive(10)→delete(10) ${proto}, c=${conns}`, value: cycle.t.messagesPerSec, unit: 'msg/s', baseline: { name: 'peer', value: cycle.p.messagesPerSec } });
  const lat = await pair('SendMessage latency, 1 conn', (who) => spec(who, send(q[who].lat), true));
  if (lat?.t.latency && lat.p.latency) {
    report.add({ section: S, name: `SendMessage ${proto} 1 conn p50`, value: lat.t.latency.p50, unit: 'ms', baseline: { name: 'peer', value: lat.p.latency.p50 } });
    report.add({ section: S, name: '  same, p99', value: lat.t.latency.p99, unit: 'ms', baseline: { name: 'peer', value: lat.p.latency.p99 } });
  }
}
