/** The checks every *Batch operation makes before looking at entries, and the per-entry failure shape. */
import { SqsError } from './api.js';

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Tolerates a missing list and non-string ids too: the semantics tests call without the decoders. */
export function checkBatch<E extends { Id: string }>(entries: readonly E[], entryName: string): readonly E[] {
  const list: readonly E[] = Array.isArray(entries) ? entries : [];
  if (list.length === 0) throw new SqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  if (list.length > 10) {
    throw new SqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${list.length}.`);
  }
  const seen = new Set<string>();
  for (const e of list) {
    if (typeof e.Id !== 'string' || !ENTRY_ID.test(e.Id)) {
      throw new SqsError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
    if (seen.has(e.Id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${e.Id} repeated.`);
    seen.add(e.Id);
  }
  return list;
}

export interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

/** An entry's SqsError becomes a Failed[] entry; anything else is a bug and propagates. */
export function failure(id: string, err: unknown): BatchFailure {
  if (!(err instanceof SqsError)) throw err;
  return { Id: id, SenderFault: true, Code: err.code, Message: err.message };
}
