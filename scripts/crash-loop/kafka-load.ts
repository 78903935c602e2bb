/**
 * The Kafka half of the crash loop: acks=-1 produces to a 3-partition topic, fetches, and offset
 * commits of a group, over the raw wire protocol; a model of every record acknowledged (partition,
 * offset, value) and of every commit acknowledged; after each restart the whole log is read back:
 * offsets contiguous from 0 to the high watermark, every acknowledged record exactly once at its
 * acknowledged offset, records whose produce was cut by the kill at most once, nothing else, and
 * each partition's committed offset the last one acknowledged (or one in flight at the kill).
 */
import { RawClient } from '../../kafka-shim/test/protocol/wire.js';
import { decodeBatches, encodeBatch } from '../../kafka-shim/src/records/index.js';

export const TOPIC = 'crash-topic';
const GROUP = 'crash-group';
const PARTITIONS = 3;

/** One OffsetCommit as the client saw it. Commits of different connections may be applied in
 * either order, so the final value is any commit not definitely superseded: one whose answer came
 * before another commit was even sent is superseded by it (if that one was answered). */
interface Commit {
  offset: number;
  sent: number;
  /** undefined: not answered (the process died) — it may or may not have been applied. */
  answered?: number;
}

export class KafkaModel {
  /** partition -> offset -> value, acknowledged. */
  readonly acked = Array.from({ length: PARTITIONS }, () => new Map<number, string>());
  /** Values whose produce was not answered: each may appear once, or not at all. */
  readonly maybe = new Set<string>();
  readonly commits: Commit[][] = Array.from({ length: PARTITIONS }, () => [{ offset: -1, sent: 0, answered: 0 }]);
  private clock = 1;
  readonly violations: string[] = [];
  private seq = 0;
  ackedRecords = 0;

  async setup(port: number): Promise<void> {
    const c = await RawClient.connect(port);
    const res = await c.call(19, 4, { topics: [{ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    c.close();
    if (res.body.topics[0].errorCode !== 0) throw new Error(`CreateTopics: ${res.body.topics[0].errorCode}`);
  }

  private async produce(c: RawClient): Promise<void> {
    const p = Math.floor(Math.random() * PARTITIONS);
    const values = Array.from({ length: 1 + Math.floor(Math.random() * 8) }, () => `r${this.seq++}`);
    for (const v of values) this.maybe.add(v);
    const res = await c.call(0, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: TOPIC, partitionData: [{ index: p, records: encodeBatch({ records: values.map((v) => ({ value: v })), compression: Math.floor(Math.random() * 3) }) }] }],
    });
    const pr = res.body.responses[0].partitionResponses[0];
    if (pr.errorCode !== 0) throw new Error(`produce error ${pr.errorCode}`);
    values.forEach((v, i) => {
      this.acked[p].set(Number(pr.baseOffset) + i, v);
      this.maybe.delete(v);
    });
    this.ackedRecords += values.length;
  }

  private async commit(c: RawClient): Promise<void> {
    const p = Math.floor(Math.random() * PARTITIONS);
    const offset = this.acked[p].size === 0 ? 0 : Math.floor(Math.random() * (this.acked[p].size + 1));
    const mine: Commit = { offset, sent: this.clock++ };
    this.commits[p].push(mine);
    const res = await c.call(8, 8, {
      groupId: GROUP,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: p, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    if (res.body.topics[0].partitions[0].errorCode !== 0) throw new Error(`commit error ${res.body.topics[0].partitions[0].errorCode}`);
    mine.answered = this.clock++;
  }

  private async consume(c: RawClient): Promise<void> {
    const p = Math.floor(Math.random() * PARTITIONS);
    await this.fetch(c, p, Math.floor(Math.random() * (this.acked[p].size + 1)), 64 * 1024);
  }

  /** Records of partition p from `offset` (one Fetch v4), with the high watermark. */
  private async fetch(c: RawClient, p: number, offset: number, maxBytes: number): Promise<{ hw: number; records: { offset: number; value: string }[] }> {
    const res = await c.call(1, 4, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes,
      isolationLevel: 0,
      topics: [{ topic: TOPIC, partitions: [{ partition: p, fetchOffset: offset, partitionMaxBytes: maxBytes }] }],
    });
    const part = res.body.responses[0].partitions[0];
    if (part.errorCode !== 0) throw new Error(`fetch error ${part.errorCode}`);
    const records: { offset: number; value: string }[] = [];
    for (const b of decodeBatches(part.records ?? Buffer.alloc(0))) {
      for (const r of b.records) records.push({ offset: r.offset, value: r.value?.toString() ?? '' });
    }
    return { hw: Number(part.highWatermark), records };
  }

  async load(port: number, signal: AbortSignal): Promise<void> {
    const one = async (): Promise<void> => {
      let c: RawClient;
      try {
        c = await RawClient.connect(port);
      } catch {
        return;
      }
      while (!signal.aborted) {
        const r = Math.random();
        try {
          if (r < 0.6) await this.produce(c);
          else if (r < 0.8) await this.commit(c);
          else await this.consume(c);
        } catch {
          break; // the process died under us
        }
      }
      c.close();
    };
    await Promise.all([one(), one(), one()]);
  }

  /** Read every partition back and check the log and the commits against the model. */
  async check(port: number): Promise<void> {
    const c = await RawClient.connect(port);
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        const seen = new Map<string, number>();
        const landed: [number, string][] = [];
        let next = 0;
        let hw = 0;
        for (;;) {
          const got = await this.fetch(c, p, next, 4 * 1024 * 1024);
          hw = got.hw;
          for (const r of got.records) {
            if (r.offset < next) continue; // a batch starting before the fetch offset
            if (r.offset !== next) this.violations.push(`p${p}: offset ${r.offset} after ${next - 1} (gap)`);
            next = r.offset + 1;
            seen.set(r.value, (seen.get(r.value) ?? 0) + 1);
            const want = this.acked[p].get(r.offset);
            if (want !== undefined && want !== r.value) this.violations.push(`p${p}@${r.offset}: ${r.value}, acknowledged ${want}`);
            if (want === undefined) {
              if (this.maybe.has(r.value)) landed.push([r.offset, r.value]);
              else this.violations.push(`p${p}@${r.offset}: ${r.value} was never sent here`);
            }
          }
          if (next >= hw || got.records.length === 0) break;
        }
        if (next !== hw) this.violations.push(`p${p}: read to ${next}, high watermark ${hw}`);
        for (const [off, v] of this.acked[p]) {
          if (off >= hw) this.violations.push(`p${p}: acknowledged ${v}@${off} beyond high watermark ${hw} (lost)`);
          if ((seen.get(v) ?? 0) !== 1) this.violations.push(`p${p}: acknowledged ${v} seen ${seen.get(v) ?? 0} times`);
        }
        for (const [v, n] of seen) if (n > 1) this.violations.push(`p${p}: ${v} stored ${n} times`);
        // Records of cut produces that did land are acknowledged from now on (their offsets are final).
        for (const [off, v] of landed) {
          this.acked[p].set(off, v);
          this.maybe.delete(v);
        }
      }
      const res = await c.call(9, 7, { groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0, 1, 2] }], requireStable: false });
      for (const part of res.body.topics[0]?.partitions ?? []) {
        const all = this.commits[part.partitionIndex];
        const got = Number(part.committedOffset);
        const candidates = all.filter((x) => !all.some((y) => y.answered !== undefined && x.answered !== undefined && y.sent > x.answered));
        if (!candidates.some((x) => x.offset === got)) {
          this.violations.push(`commit p${part.partitionIndex}: ${got}, acknowledged could be ${candidates.map((x) => x.offset).join('|')}`);
        }
        this.commits[part.partitionIndex] = [{ offset: got, sent: 0, answered: 0 }];
      }
    } finally {
      c.close();
    }
  }
}
