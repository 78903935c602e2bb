/** An in-process GroupCoordinator on a ManualClock and a temporary LevelDB, with a fake topic list. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../emulator/src/core/clock.js';
import type { Core } from '../../../emulator/src/core/core.js';
import { Logger } from '../../../emulator/src/core/logger.js';
import { Store } from '../../../emulator/src/core/storage/store.js';
import { GroupCoordinator, type GroupOptions } from '../../src/groups/index.js';
import type { JoinRequest } from '../../src/groups/requests.js';
import type { LogManager } from '../../src/log/index.js';

export class FakeTopics {
  readonly hw = new Map<string, number[]>();
  partitionCount(topic: string): number | undefined {
    return this.hw.get(topic)?.length;
  }
  highWatermark(topic: string, partition: number): number | undefined {
    return this.hw.get(topic)?.[partition];
  }
  /** No transactions here: the last stable offset is the high watermark. */
  lastStableOffset(topic: string, partition: number): number | undefined {
    return this.highWatermark(topic, partition);
  }
  /** Topic ids change when a test recreates a topic under the same name. */
  readonly ids = new Map<string, string>();
  /** Topic names, for KIP-848 regex subscriptions. */
  topics(): { name: string }[] {
    return [...this.hw.keys()].sort().map((name) => ({ name }));
  }
  topicById(id: string): { name: string } | undefined {
    for (const name of this.hw.keys()) if ((this.ids.get(name) ?? `id-${name}`) === id) return { name };
    return undefined;
  }
  topic(name: string): { id: string } | undefined {
    return this.hw.has(name) ? { id: this.ids.get(name) ?? `id-${name}` } : undefined;
  }
}

export interface Harness {
  clock: ManualClock;
  store: Store;
  topics: FakeTopics;
  core: Core;
  gc: GroupCoordinator;
  dir: string;
  /** A new coordinator over the same store (a restart). */
  reopen(): Promise<GroupCoordinator>;
  close(): Promise<void>;
}

export async function harness(options: Partial<GroupOptions> = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-groups-'));
  const clock = new ManualClock();
  const store = await Store.open({ dir });
  const topics = new FakeTopics();
  topics.hw.set('t', [10, 20, 30]);
  const lines: string[] = [];
  const core: Core = { clock, store, log: new Logger('info', {}, (l) => lines.push(l)) };
  const make = async () => {
    const gc = new GroupCoordinator(core, topics as unknown as LogManager, { initialRebalanceDelayMs: 0, ...options });
    await gc.load();
    return gc;
  };
  const h: Harness = {
    clock,
    store,
    topics,
    core,
    dir,
    gc: await make(),
    async reopen() {
      await h.gc.close();
      h.gc = await make();
      return h.gc;
    },
    async close() {
      await h.gc.close();
      clock.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export const meta = (s: string) => Buffer.from(s);

export function joinReq(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    requireKnownMemberId: false,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 20_000,
    sessionTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: meta('m') }],
    ...over,
  };
}

/** Track whether a promise has settled without awaiting it. */
export function track<T>(p: Promise<T>): { done: () => boolean; value: Promise<T> } {
  let settled = false;
  void p.then(() => (settled = true));
  return { done: () => settled, value: p };
}

/** Let promise callbacks and group-commit writes (setImmediate) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
