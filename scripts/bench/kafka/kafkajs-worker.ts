/** kafkajs 2.2.4 as a client, in a worker thread so it does not share an event loop with the bench. */
import kafkajs from 'kafkajs';
import { parentPort, workerData } from 'node:worker_threads';
import { payload } from '../baselines/raw.js';
import { Samples, summarize } from '../lib/stats.js';
import type { KafkajsJob } from './kafkajs.js';

const { Kafka, logLevel, Partitioners } = kafkajs;
const job = workerData as KafkajsJob;
const kafka = new Kafka({ clientId: 'tandem-bench', brokers: [job.broker], logLevel: logLevel.NOTHING, retry: { retries: 2 } });

async function run(): Promise<unknown> {
  switch (job.op) {
    case 'createTopics': {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: job.topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions })), waitForLeaders: true });
      } finally {
        await admin.disconnect();
      }
      return {};
    }
    case 'produce': {
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const value = payload(job.size);
      const messages = Array.from({ length: job.batch }, () => ({ value }));
      let sent = 0;
      const t0 = performance.now();
      const lane = async () => {
        while (sent < job.count) {
          const n = Math.min(job.batch, job.count - sent);
          sent += n;
          await producer.send({ topic: job.topic, acks: job.acks, messages: n === job.batch ? messages : messages.slice(0, n) });
        }
      };
      await Promise.all(Array.from({ length: job.inflight }, lane));
      const ms = performance.now() - t0;
      await producer.disconnect();
      return { ms };
    }
    case 'consume': {
      const consumer = kafka.consumer({ groupId: `bench-${job.topic}-${Date.now()}` });
      await consumer.connect();
      await consumer.subscribe({ topic: job.topic, fromBeginning: true });
      const t0 = performance.now();
      let first = 0;
      let records = 0;
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`consumed ${records}/${job.count} in ${job.timeoutMs} ms`)), job.timeoutMs);
        void consumer.run({
          eachBatch: async ({ batch }) => {
            if (!first) first = performance.now();
            records += batch.messages.length;
            if (records >= job.count) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      await done;
      const end = performance.now();
      await consumer.disconnect();
      return { ms: end - t0, joinMs: first - t0, records };
    }
    case 'latency': {
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const value = payload(job.size);
      const samples = job.targets.map(() => new Samples(job.count));
      const deadline = performance.now() + job.maxMs;
      for (let i = 0; i < job.count && performance.now() < deadline; i++) {
        const t = i % job.targets.length;
        const { topic, partitions } = job.targets[t];
        const partition = Math.floor(Math.random() * partitions);
        const s = performance.now();
        await producer.send({ topic, acks: job.acks, messages: [{ value, partition }] });
        samples[t].add(performance.now() - s);
      }
      await producer.disconnect();
      return samples.map((x) => summarize(x.values()));
    }
    case 'seed': {
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const value = payload(100);
      await producer.send({ topic: job.topic, acks: 1, messages: Array.from({ length: job.partitions }, (_, partition) => ({ value, partition })) });
      await producer.disconnect();
      return {};
    }
  }
}

run().then(
  (r) => parentPort!.postMessage({ ok: r }),
  (e) => parentPort!.postMessage({ fatal: e instanceof Error ? e.message : String(e) }),
);
