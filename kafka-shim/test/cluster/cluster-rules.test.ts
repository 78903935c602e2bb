/**
 * The cluster's pure rules, to the letter of Kafka's: LeaderEpochFileCache.endOffsetFor and
 * epochForOffset, Java's String.hashCode for coordinator placement, and which brokers the settings
 * start where (a single broker stays node 1 on --kafka-port, as Tandem always was).
 */
import { brokerLayout } from '../../src/cluster/layout.js';
import { endOffsetFor, epochForOffset } from '../../src/cluster/epochs.js';
import { javaHash } from '../../src/cluster/cluster.js';
import type { KafkaConfig } from '../../src/config.js';

describe('leader epoch history', () => {
  // Epoch 0 from 0, epoch 2 from 10, epoch 5 from 25; log end 40.
  const entries = [
    { epoch: 0, startOffset: 0 },
    { epoch: 2, startOffset: 10 },
    { epoch: 5, startOffset: 25 },
  ];
  it('answers as LeaderEpochFileCache.endOffsetFor', () => {
    expect(endOffsetFor(entries, 5, 40)).toEqual({ epoch: 5, endOffset: 40 });
    expect(endOffsetFor(entries, 2, 40)).toEqual({ epoch: 2, endOffset: 25 });
    // An epoch in between known ones: the one before it, ending where the next began.
    expect(endOffsetFor(entries, 3, 40)).toEqual({ epoch: 2, endOffset: 25 });
    expect(endOffsetFor(entries, 1, 40)).toEqual({ epoch: 0, endOffset: 10 });
    expect(endOffsetFor(entries, -1, 40)).toEqual({ epoch: -1, endOffset: -1 });
    expect(endOffsetFor(entries, 9, 40)).toEqual({ epoch: -1, endOffset: -1 });
    // Older than every known epoch (its entries were removed with the log's start).
    expect(endOffsetFor(entries.slice(1), 1, 40)).toEqual({ epoch: 1, endOffset: 10 });
  });
  it('finds the epoch an offset was written in', () => {
    expect([0, 9, 10, 24, 25, 39].map((o) => epochForOffset(entries, o))).toEqual([0, 0, 2, 2, 5, 5]);
    expect(epochForOffset(entries.slice(1), 3)).toBe(-1);
  });
});

it('hashes keys as Java does', () => {
  // "hello".hashCode() == 99162322, "polygenelubricants".hashCode() == Integer.MIN_VALUE
  expect(javaHash('hello')).toBe(99162322);
  expect(javaHash('polygenelubricants')).toBe(-2147483648);
});

describe('broker layout', () => {
  // Only the listener fields matter to the layout; the rest of the section is irrelevant here.
  const base = {
    port: 9092,
    advertisedHost: undefined,
    advertisedPort: undefined,
    internalPort: undefined,
    internalAdvertisedHost: undefined,
    defaultPartitions: 1,
    maxFrameBytes: 1,
    maxQueuedRequests: 1,
    maxUnsentBytes: 1,
    groupInitialRebalanceDelayMs: 0,
  } as KafkaConfig;
  const ports = (c: Partial<KafkaConfig>) => brokerLayout({ ...base, ...c }, '0.0.0.0').map((b) => [b.nodeId, b.listeners.map((l) => `${l.name}=${l.host}:${l.port}/${l.advertisedPort ?? '-'}`).join(' ')]);

  it('keeps one broker as it was: node 1 on the Kafka port', () => {
    expect(ports({})).toEqual([[1, 'external=127.0.0.1:9092/-']]);
  });
  it('numbers N brokers 0..N-1 on consecutive ports, or as listed', () => {
    expect(ports({ brokers: 3, internalPort: 29092 })).toEqual([
      [0, 'external=127.0.0.1:9092/- internal=127.0.0.1:29092/-'],
      [1, 'external=127.0.0.1:9093/- internal=127.0.0.1:29093/-'],
      [2, 'external=127.0.0.1:9094/- internal=127.0.0.1:29094/-'],
    ]);
    // kafkajs's reference cluster.
    expect(ports({ brokerIds: '0,1,2', brokerPorts: '9092,9095,9098', advertisedHost: 'localhost' })).toEqual([
      [0, 'external=localhost:9092/-'],
      [1, 'external=localhost:9095/-'],
      [2, 'external=localhost:9098/-'],
    ]);
    expect(ports({ brokers: 2, port: 0, brokerAdvertised: 'kafka-a:19092,kafka-b' })).toEqual([
      [0, 'external=kafka-a:0/19092'],
      [1, 'external=kafka-b:0/-'],
    ]);
  });
  it('refuses lists that do not match the broker count, and repeated ids', () => {
    expect(() => brokerLayout({ ...base, brokers: 3, brokerIds: '0,1' }, '127.0.0.1')).toThrow(/2 ids for 3 brokers/);
    expect(() => brokerLayout({ ...base, brokerIds: '4,4' }, '127.0.0.1')).toThrow(/distinct/);
    expect(() => brokerLayout({ ...base, brokers: 2, brokerPorts: '9092' }, '127.0.0.1')).toThrow(/1 ports for 2 brokers/);
  });
});
