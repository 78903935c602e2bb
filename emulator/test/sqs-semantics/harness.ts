/** In-process SqsService over a real Store in a temp dir and a ManualClock; reopenable to test persistence. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/core/clock.js';
import { defaults } from '../../src/host/config.js';
import type { Core } from '../../src/core/core.js';
import { Logger } from '../../src/core/logger.js';
import { Store } from '../../src/core/storage/store.js';
import { SqsError, type Inputs, type OperationName, type RequestContext } from '../../src/sqs/semantics/api.js';
import { SqsService } from '../../src/sqs/semantics/service.js';

export const ctx: RequestContext = { region: 'us-east-1', accountId: '123456789012', baseUrl: 'http://localhost:9324', requestId: 'r' };

/**
 * A fresh Harness for every test of the enclosing describe block (new data dir and clock, opened
 * before each test, disposed after it). The returned object stays the same, so `h` can be a const.
 */
export function harnessPerTest(relaxedTimers = false): Harness {
  const h = new Harness(relaxedTimers);
  beforeEach(() => h.start());
  afterEach(() => h.dispose());
  return h;
}

export class Harness {
  clock!: ManualClock;
  store!: Store;
  sqs!: SqsService;
  dir!: string;

  constructor(private readonly relaxedTimers = false) {}

  /** A new data dir and clock, then open. */
  async start(): Promise<this> {
    this.dir = mkdtempSync(path.join(tmpdir(), 'tandem-sqs-'));
    this.clock = new ManualClock();
    return this.open();
  }

  private async open(): Promise<this> {
    this.store = await Store.open({ dir: this.dir });
    const core: Core = { clock: this.clock, store: this.store, log: new Logger('silent') };
    this.sqs = new SqsService(core, { ...defaults().sqs, relaxedTimers: this.relaxedTimers });
    await this.sqs.load();
    return this;
  }

  /** Close service and store, then reopen on the same directory with the same clock. */
  async reopen(): Promise<void> {
    await this.sqs.close();
    await this.store.close();
    await this.open();
  }

  async dispose(): Promise<void> {
    await this.sqs.close();
    await this.store.close();
    this.clock.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Untyped on purpose: these tests also hand semantics what the protocol decoders would refuse,
   * to prove the checks semantics make themselves, and read outputs without narrowing per operation.
   */
  call(op: OperationName, input: Record<string, any>): Promise<Record<string, any>> {
    return this.sqs.call(op, input as Inputs[OperationName], ctx);
  }

  /** The error an operation fails with (fails the test if it succeeds). */
  async error(op: OperationName, input: Record<string, any>): Promise<SqsError> {
    try {
      await this.call(op, input);
    } catch (e) {
      if (e instanceof SqsError) return e;
      throw e;
    }
    throw new Error(`${op} unexpectedly succeeded`);
  }

  async createQueue(name: string, attrs: Record<string, string> = {}): Promise<string> {
    return (await this.call('CreateQueue', { QueueName: name, Attributes: attrs })).QueueUrl;
  }

  async send(url: string, body: string, extra: Record<string, any> = {}): Promise<Record<string, any>> {
    return this.call('SendMessage', { QueueUrl: url, MessageBody: body, ...extra });
  }

  async receive(url: string, extra: Record<string, any> = {}): Promise<any[]> {
    return (await this.call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, ...extra })).Messages ?? [];
  }

  async counts(url: string): Promise<[number, number, number]> {
    const a = (await this.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).Attributes;
    return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible), Number(a.ApproximateNumberOfMessagesDelayed)];
  }

  /** Let timers due now (setImmediate) and microtasks run. */
  /** Let timer-started work run to its end: memory changes follow their writes (the unit-of-work contract). */
  async settle(): Promise<void> {
    // Until the store has no write queued or in flight (LevelDB writes finish on the thread pool, so
    // no fixed number of event-loop turns is enough on a loaded machine), and at least a few turns.
    const store = this.store as unknown as { pending?: unknown; flushing?: boolean };
    // Bounded by time, not turns: on a loaded machine one LevelDB read in a batch (a dead-letter
    // move copies its message's body) can outlast a thousand turns.
    const deadline = Date.now() + 10_000;
    for (let i = 0; Date.now() < deadline; i++) {
      await new Promise((r) => setImmediate(r));
      if (i >= 5 && !store.pending && !store.flushing) return;
    }
  }
}
