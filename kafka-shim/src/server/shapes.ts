/**
 * What the connection dispatcher reads of any request or response without knowing its API, from
 * the generated schemas and the common field names: whether a response has a top-level ErrorCode
 * (the generic error answer), the topics a request names (error logs), a response's first error
 * code (the metrics label).
 */
import { apiSpec } from '../protocol/messages.js';
import { inRange } from '../protocol/spec.js';

export function hasTopLevelErrorCode(apiKey: number, version: number): boolean {
  const f = apiSpec(apiKey)?.response.fields.find((x) => x.name === 'errorCode');
  return !!f && inRange(f.versions, version);
}

/** Topic names a request mentions, for error logs: top-level arrays of `{ name | topic }`. */
export function topicsOf(request: unknown): string[] | undefined {
  if (!request || typeof request !== 'object') return undefined;
  const names: string[] = [];
  for (const v of Object.values(request)) {
    if (!Array.isArray(v)) continue;
    for (const e of v) {
      const n = e && typeof e === 'object' ? ((e as { name?: unknown; topic?: unknown }).name ?? (e as { topic?: unknown }).topic) : undefined;
      if (typeof n === 'string' && names.length < 10) names.push(n);
    }
  }
  return names.length > 0 ? names : undefined;
}

/** A response's top-level error code, else the first of its topics' partitions (Produce, Fetch,
 * OffsetCommit...): one label value for the metrics, read only while metrics are on. */
export function firstErrorCode(res: unknown): number {
  if (typeof res !== 'object' || res === null) return 0;
  const r = res as { errorCode?: unknown; topics?: unknown; responses?: unknown };
  if (typeof r.errorCode === 'number' && r.errorCode !== 0) return r.errorCode;
  const topics = Array.isArray(r.topics) ? r.topics : Array.isArray(r.responses) ? r.responses : undefined;
  for (const t of topics ?? []) {
    if (typeof t?.errorCode === 'number' && t.errorCode !== 0) return t.errorCode;
    const parts = Array.isArray(t?.partitions) ? t.partitions : Array.isArray(t?.partitionResponses) ? t.partitionResponses : undefined;
    for (const p of parts ?? []) if (typeof p?.errorCode === 'number' && p.errorCode !== 0) return p.errorCode;
  }
  return 0;
}
