/**
 * Every live queue, scoped by region and account, plus the tombstones of recently deleted ones
 * (QueueDeletedRecently). Resolves QueueUrls (by path; the host is ignored) and ARNs.
 */
import { queueDoesNotExist } from './errors.js';
import type { Queue } from './queue.js';

const scopeKey = (region: string, account: string, name: string): string => `${region}\0${account}\0${name}`;

export class Registry {
  private readonly queues = new Map<string, Queue>();

  get(region: string, account: string, name: string): Queue | undefined {
    return this.queues.get(scopeKey(region, account, name));
  }

  add(q: Queue): void {
    this.queues.set(scopeKey(q.record.region, q.record.account, q.record.name), q);
  }

  remove(q: Queue): void {
    this.queues.delete(scopeKey(q.record.region, q.record.account, q.record.name));
  }

  all(): IterableIterator<Queue> {
    return this.queues.values();
  }

  byArn(arn: string): Queue | undefined {
    const m = /^arn:aws:sqs:([^:]+):([^:]+):([^:]+)$/.exec(arn);
    return m ? this.get(m[1], m[2], m[3]) : undefined;
  }

  /**
   * QueueUrl text -> [account, name] (undefined: names no queue), so the WHATWG URL parse runs once
   * per distinct URL instead of once per request. Bounded: cleared when it grows past CACHE_LIMIT.
   */
  private readonly urlCache = new Map<string, [string, string] | undefined>();

  /** The queue a QueueUrl names within `region`; `http://host/<account>/<name>` or just the path. */
  resolve(url: unknown, region: string): Queue {
    if (typeof url !== 'string') throw queueDoesNotExist();
    let scope = this.urlCache.get(url);
    if (scope === undefined && !this.urlCache.has(url)) {
      if (this.urlCache.size >= CACHE_LIMIT) this.urlCache.clear();
      this.urlCache.set(url, (scope = parseQueueUrl(url)));
    }
    const q = scope && this.get(region, scope[0], scope[1]);
    if (!q) throw queueDoesNotExist();
    return q;
  }

  /** Queues of one account and region, by name. */
  list(region: string, account: string): Queue[] {
    const out: Queue[] = [];
    for (const q of this.queues.values()) if (q.record.region === region && q.record.account === account) out.push(q);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Tombstones of deleted queues: CreateQueue refuses the name until `until` (ms). */
  private readonly tombstones = new Map<string, number>();

  deletedRecently(region: string, account: string, name: string, now: number): boolean {
    return (this.tombstones.get(scopeKey(region, account, name)) ?? 0) > now;
  }

  setTombstone(region: string, account: string, name: string, until: number): void {
    this.tombstones.set(scopeKey(region, account, name), until);
  }

  /** Forget a tombstone; true when there was one (its key must be deleted). */
  clearTombstone(region: string, account: string, name: string): boolean {
    return this.tombstones.delete(scopeKey(region, account, name));
  }
}

const CACHE_LIMIT = 10_000;

/** `[account, name]` from a QueueUrl (`http://host/<account>/<name>` or just the path). */
function parseQueueUrl(url: string): [string, string] | undefined {
  let path = url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    try {
      path = new URL(url).pathname;
    } catch {
      return undefined;
    }
  }
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length !== 2) return undefined;
  try {
    return [parts[0], decodeURIComponent(parts[1])];
  } catch {
    return undefined;
  }
}
