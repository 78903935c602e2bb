/** ListQueues / ListDeadLetterSourceQueues pagination: MaxResults 1..1000 and an opaque NextToken. */
import { SqsError } from './api.js';
import { invalidParameter } from './errors.js';

export function paginate<T>(sorted: T[], maxResults: unknown, nextToken: unknown, keyOf: (t: T) => string): { items: T[]; nextToken?: string } {
  if (maxResults !== undefined && (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000)) {
    throw invalidParameter('MaxResults', maxResults, 'MaxResults must be an integer between 1 and 1000.');
  }
  let start = 0;
  if (nextToken !== undefined && nextToken !== '') {
    let after: unknown;
    try {
      after = (JSON.parse(Buffer.from(String(nextToken), 'base64url').toString('utf8')) as { after?: unknown }).after;
    } catch {
      after = undefined;
    }
    if (typeof after !== 'string') throw new SqsError('InvalidParameterValue', 'Invalid NextToken value.');
    start = sorted.findIndex((t) => keyOf(t) > after);
    if (start < 0) start = sorted.length;
  }
  const limit = (maxResults as number | undefined) ?? 1000;
  const items = sorted.slice(start, start + limit);
  const more = maxResults !== undefined && start + limit < sorted.length;
  return { items, nextToken: more ? Buffer.from(JSON.stringify({ after: keyOf(items[items.length - 1]) })).toString('base64url') : undefined };
}
