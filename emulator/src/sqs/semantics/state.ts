/** What every handler shares: the core, the queue registry, long polls, and the glue queues need. */
import { randomBytes } from 'node:crypto';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../core/logger.js';
import type { UnitOfWork } from '../../core/storage/unit-of-work.js';
import type { SqsConfig } from '../config.js';
import { decodeContent, messageKey } from '../storage/records.js';
import type { Content } from './messages.js';
import { LongPolls } from './long-poll.js';
import type { Queue, QueueEnv } from './queue.js';
import { Registry } from './registry.js';

export class SqsState implements QueueEnv {
  readonly registry: Registry;
  readonly polls: LongPolls;
  readonly log: Logger;
  private lastSequence = 0n;

  constructor(
    readonly core: Core,
    readonly config: SqsConfig,
  ) {
    this.registry = new Registry(config.queueUrlStyle === 'auto' ? config.region : undefined);
    this.polls = new LongPolls(core.clock);
    this.log = core.log.child({ component: 'sqs' });
  }

  /** A queue's URL on `baseUrl` (scheme://host[:port]) in the configured style (see SqsConfig.queueUrlStyle). */
  queueUrl(region: string, account: string, name: string, baseUrl: string): string {
    const style = this.config.queueUrlStyle;
    const tail = `/${account}/${name}`;
    if (style === 'plain' || (style === 'auto' && region === this.config.region)) return baseUrl + tail;
    if (style === 'host') return baseUrl.replace(/^([a-z]+:\/\/)(sqs\.[a-z0-9-]+\.)?/i, `$1sqs.${region}.`) + tail;
    return `${baseUrl}/queue/${region}${tail}`;
  }

  byArn(arn: string): Queue | undefined {
    return this.registry.byArn(arn);
  }

  /** FIFO sequence numbers: ~20 decimal digits, increasing across the process and its restarts. */
  nextSequenceNumber(): string {
    const fromClock = BigInt(this.core.clock.now()) << 23n;
    this.lastSequence = fromClock > this.lastSequence ? fromClock : this.lastSequence + 1n;
    return this.lastSequence.toString().padStart(20, '0');
  }

  /** Raise the sequence floor to a number seen at load. */
  noteSequenceNumber(s: string | undefined): void {
    if (s !== undefined && BigInt(s) > this.lastSequence) this.lastSequence = BigInt(s);
  }

  onReady(q: Queue): void {
    this.polls.wake(q);
  }

  /** A unit of work for one operation (see core/storage/unit-of-work.ts for the contract). */
  begin(): UnitOfWork {
    return this.core.store.begin();
  }

  /** Commit a unit nobody waits for (timer-driven cleanups); a failure is logged with the queue's name. */
  background(uow: UnitOfWork, what: string, queue: string | undefined): void {
    if (uow.size === 0) return;
    uow.commit().catch((err: unknown) => this.log.error('sqs.write_failed', { what, queue, err }));
  }

  /** The contents of messages `seqs` of storage id `sid`, in one batched read (undefined: deleted meanwhile). */
  async contents(sid: string, seqs: number[]): Promise<(Content | undefined)[]> {
    const values = await this.core.store.getMany(seqs.map((seq) => messageKey(sid, seq)));
    return values.map((v) => (v ? decodeContent(v) : undefined));
  }

  newId(): string {
    return randomBytes(8).toString('hex');
  }
}
