/**
 * Every live queue, scoped by region and account, plus the tombstones of recently deleted ones
 * (QueueDeletedRecently). Resolves QueueUrls and ARNs. A QueueUrl names its region when its host
 * is `sqs.<region>.…` or `<region>.queue.…`, or its path is `/queue/<region>/<account>/<name>`; a
 * bare queue name (which AWS accepts where a QueueUrl is expected) means the caller's own account.
 */
import { queueDoesNotExist } from './errors.js';
import type { Queue } from './queue.js';

const scopeKey = (region: string, account: string, name: string): string => `${region}\0${account}\0${name}`;

export class Registry {
  private readonly queues = new Map<string, Queue>();

  /** The region URLs without one name first (the default region under the `auto` URL style). */
  constructor(private readonly plainRegion?: string) {}

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
   * per distinct URL instead of once per request. Bounded in bytes, not entries (a client sending
   * unique multi-MiB URLs must not grow it): cleared when the URL text it holds passes
   * CACHE_BYTES, and a URL longer than any real queue URL is parsed but never cached.
   */
  private readonly urlCache = new Map<string, UrlScope | undefined>();
  private urlCacheBytes = 0;

  /**
   * The queue a QueueUrl names: `http://host/<account>/<name>`, just the path, a URL naming its
   * region, or a bare queue name; `region` and `account` are the caller's, used where the URL names none.
   */
  resolve(url: unknown, region: string, account: string): Queue {
    if (typeof url !== 'string') throw queueDoesNotExist();
    let scope = this.urlCache.get(url);
    if (scope === undefined && !this.urlCache.has(url)) {
      scope = parseQueueUrl(url);
      if (url.length <= MAX_CACHED_URL) {
        if (this.urlCacheBytes + url.length > CACHE_BYTES) {
          this.urlCache.clear();
          this.urlCacheBytes = 0;
        }
        this.urlCache.set(url, scope);
        this.urlCacheBytes += url.length;
      }
    }
    // A URL without a region is one the `auto` style issues for the default region, or one written
    // by hand: the default region's queue if there is one, else the caller's.
    const q =
      scope &&
      ((scope.region === undefined && this.plainRegion !== undefined && this.get(this.plainRegion, scope.account ?? account, scope.name)) ||
        this.get(scope.region ?? region, scope.account ?? account, scope.name));
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

  /** Every tombstone, for a reset that clears them all. */
  tombstoneScopes(): { region: string; account: string; name: string }[] {
    return [...this.tombstones.keys()].map((k) => {
      const [region, account, name] = k.split('\0');
      return { region, account, name };
    });
  }

  clearTombstones(): void {
    this.tombstones.clear();
  }
}

/** Characters of URL text the cache may hold (UTF-16: about twice that in bytes). */
const CACHE_BYTES = 1024 * 1024;
/** A queue URL is scheme, host, port, a 12-digit account and an 80-character name; 1 KiB is ample. */
const MAX_CACHED_URL = 1024;

interface UrlScope {
  region?: string;
  account?: string;
  name: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** What a QueueUrl names (see the class comment); undefined when it cannot name a queue. */
export function parseQueueUrl(url: string): UrlScope | undefined {
  let path = url;
  let region: string | undefined;
  // Split by hand, not with the WHATWG URL parser: it rejects host-style names over an IP address
  // (`sqs.eu-west-1.127.0.0.1`), which are fine for a QueueUrl that only travels in a request.
  const abs = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/i.exec(url);
  if (abs) {
    path = abs[2];
    const labels = abs[1].replace(/^[^@]*@/, '').replace(/:\d*$/, '').toLowerCase().split('.');
    if (labels[0] === 'sqs' && REGION.test(labels[1] ?? '')) region = labels[1];
    else if (labels[1] === 'queue' && REGION.test(labels[0])) region = labels[0];
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('/')) {
    return undefined;
  }
  let parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 4 && parts[0] === 'queue' && REGION.test(parts[1])) {
    region = parts[1];
    parts = parts.slice(2);
  }
  try {
    if (parts.length === 1 && path === url) return { name: decodeURIComponent(parts[0]) };
    if (parts.length !== 2) return undefined;
    return { region, account: parts[0], name: decodeURIComponent(parts[1]) };
  } catch {
    return undefined;
  }
}
