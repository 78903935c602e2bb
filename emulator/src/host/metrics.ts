/**
 * GET /metrics: Prometheus text format, with prom-client (the maintained Node client: exposition
 * format, histograms and the process defaults done right). Gauges are computed at scrape time
 * from the engines' read APIs (collect callbacks), so they cost nothing between scrapes; request
 * counters and histograms are fed by the engines' observers, one call per answered request.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Core } from '../core/core.js';
import { AdminText } from '../core/routes.js';
import type { SqsModule } from '../sqs/index.js';
import type { KafkaAdmin } from '../../../kafka-shim/src/index.js';

/** A counter and a histogram child of one label set. */
interface Child {
  count: { inc(): void };
  time: { observe(v: number): void };
}

/** Seconds: local requests answer in microseconds to milliseconds; long polls take up to 20 s. */
const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

export function createMetrics(core: Core, sqs: SqsModule, kafka: KafkaAdmin, dataDir: string | undefined) {
  const register = new Registry();
  collectDefaultMetrics({ register });

  new Gauge({
    name: 'tandem_sqs_messages',
    help: 'Messages in a queue by state (visible, inflight, delayed)',
    labelNames: ['queue', 'state'],
    registers: [register],
    collect() {
      this.reset();
      for (const q of sqs.queues()) {
        this.set({ queue: q.name, state: 'visible' }, q.visible);
        this.set({ queue: q.name, state: 'inflight' }, q.inflight);
        this.set({ queue: q.name, state: 'delayed' }, q.delayed);
      }
    },
  });
  new Gauge({
    name: 'tandem_sqs_oldest_message_age_seconds',
    help: 'Age of the oldest message in a queue (0 when empty)',
    labelNames: ['queue'],
    registers: [register],
    collect() {
      this.reset();
      for (const q of sqs.queues()) this.set({ queue: q.name }, q.oldestAgeSeconds ?? 0);
    },
  });
  const sqsRequests = new Counter({ name: 'tandem_sqs_requests_total', help: 'SQS requests answered, by action and error code (OK: success)', labelNames: ['action', 'code'], registers: [register] });
  const sqsDuration = new Histogram({ name: 'tandem_sqs_request_duration_seconds', help: 'SQS request time, by action', labelNames: ['action'], buckets: BUCKETS, registers: [register] });
  // Label lookups by name: a child per label set, created once (prom-client hashes labels on every call otherwise).
  const sqsChildren = new Map<string, Child>();
  sqs.observe((action, code, ms) => {
    const key = action + '\0' + code;
    let c = sqsChildren.get(key);
    if (!c) sqsChildren.set(key, (c = { count: sqsRequests.labels(action, code || 'OK'), time: sqsDuration.labels(action) }));
    c.count.inc();
    c.time.observe(ms / 1000);
  });

  const offsets = (name: string, help: string, pick: (p: { logStartOffset: number; logEndOffset: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['topic', 'partition'],
      registers: [register],
      collect() {
        this.reset();
        for (const t of kafka.topics()) for (const p of t.partitions) this.set({ topic: t.name, partition: String(p.partition) }, pick(p));
      },
    });
  offsets('tandem_kafka_log_end_offset', 'Log end offset (high watermark) of a partition', (p) => p.logEndOffset);
  offsets('tandem_kafka_log_start_offset', 'Log start offset of a partition', (p) => p.logStartOffset);
  new Gauge({
    name: 'tandem_kafka_consumer_lag',
    help: 'Log end offset minus the committed offset, per group and partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [register],
    collect() {
      this.reset();
      for (const g of kafka.groups()) {
        for (const row of kafka.lag(g.groupId) ?? []) if (row.lag !== null) this.set({ group: g.groupId, topic: row.topic, partition: String(row.partition) }, row.lag);
      }
    },
  });
  const kafkaRequests = new Counter({ name: 'tandem_kafka_requests_total', help: 'Kafka requests answered, by API and error (NONE: success)', labelNames: ['api', 'error'], registers: [register] });
  const kafkaDuration = new Histogram({ name: 'tandem_kafka_request_duration_seconds', help: 'Kafka request time, by API', labelNames: ['api'], buckets: BUCKETS, registers: [register] });
  const kafkaChildren = new Map<string, Child>();
  kafka.observe((api, code, ms) => {
    const key = api + '\0' + code;
    let c = kafkaChildren.get(key);
    if (!c) kafkaChildren.set(key, (c = { count: kafkaRequests.labels(api, kafka.errorName(code)), time: kafkaDuration.labels(api) }));
    c.count.inc();
    c.time.observe(ms / 1000);
  });

  const store = core.store;
  new Gauge({
    name: 'tandem_store_write_batches_total',
    help: 'LevelDB write batches since startup (every unit of work of one event-loop turn joins one)',
    registers: [register],
    collect() {
      this.set(store.stats.batches);
    },
  });
  new Gauge({
    name: 'tandem_store_write_ops_total',
    help: 'Puts and deletes written in those batches',
    registers: [register],
    collect() {
      this.set(store.stats.ops);
    },
  });
  new Gauge({
    name: 'tandem_store_size_bytes',
    help: 'Bytes of the data directory on disk (0 in memory)',
    registers: [register],
    collect() {
      this.set(dataDir === undefined ? 0 : dirSize(dataDir));
    },
  });

  return {
    async text(): Promise<AdminText> {
      return new AdminText(await register.metrics(), register.contentType);
    },
    close() {
      sqs.observe(undefined);
      kafka.observe(undefined);
      register.clear();
    },
  };
}

function dirSize(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const n of names) {
    try {
      const st = statSync(path.join(dir, n));
      total += st.isDirectory() ? dirSize(path.join(dir, n)) : st.size;
    } catch {
      // a file compacted away while we looked
    }
  }
  return total;
}
