/**
 * DescribeLogDirs: v1-5 (flexible from v2).
 *
 * Behaviour: one log dir, Tandem's data directory (`(in-memory)` for an in-memory store), holding
 * every partition. topics null = every partition of every topic; otherwise the named partitions
 * that exist (unknown topics and partitions are left out, as Kafka leaves them out). partitionSize
 * is the bytes of the partition's stored batches; offsetLag is 0 (there is no future replica) and
 * isFutureKey false. Tandem has no internal __consumer_offsets topic to list.
 *
 * Version notes: v0 is not served, as in Kafka 4 (KIP-896); v3 adds the top-level errorCode; v4
 * the log dir's totalBytes/usableBytes (statfs of the data directory; -1 when in memory).; v5
 * isCordoned (KIP-1066), always false: Tandem's one log dir is never cordoned.
 */
import { statfsSync } from 'node:fs';
import { defineApi } from './api.js';

export const describeLogDirs = defineApi({
  key: 35,
  name: 'DescribeLogDirs',
  minVersion: 1,
  maxVersion: 5,
  handle(req, ctx) {
    const { log } = ctx.broker;
    const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const topics = log
      .topics()
      .filter((t) => !wanted || wanted.has(t.name))
      .map((t) => ({
        name: t.name,
        partitions: t.partitions
          .filter((p) => !wanted || wanted.get(t.name)!.has(p.partition))
          .map((p) => ({ partitionIndex: p.partition, partitionSize: p.bytesFrom(0, Number.MAX_SAFE_INTEGER), offsetLag: 0, isFutureKey: false })),
      }))
      .filter((t) => t.partitions.length > 0);
    const dir = log.options.dataDir;
    let totalBytes = -1;
    let usableBytes = -1;
    if (dir) {
      try {
        const s = statfsSync(dir);
        totalBytes = s.blocks * s.bsize;
        usableBytes = s.bavail * s.bsize;
      } catch {
        // Not answerable (the directory went away): Kafka's "unknown" value.
      }
    }
    return { throttleTimeMs: 0, errorCode: 0, results: [{ errorCode: 0, logDir: dir ?? '(in-memory)', topics, totalBytes, usableBytes }] };
  },
});
