/**
 * The vocabulary of ACL rules (./rules.ts) and of the dispatcher's hook (./enforce.ts): a Gate says
 * whether a request is answered at once, narrowed, or run as it is, and the helpers build the
 * common shapes (a list split into allowed and refused entries).
 */
import type { RequestContext } from '../apis/api.js';
import { NO_RESPONSE } from '../apis/api.js';

/** What to do with a request: answer it here, or run the (possibly narrowed) request and rewrite
 * its response. Undefined: run it as it is. */
export type Gate = { response: unknown } | { request: unknown; after?: (response: any) => unknown } | undefined;

/** The caller as a rule sees it: may it do `operation` on the named resource? */
export interface Caller {
  can(operation: number, resourceType: number, name: string): boolean;
  canAny(operation: number, resourceType: number): boolean;
  operations(resourceType: number, name: string): number;
  readonly ctx: RequestContext;
  /** The handler's refusal of the whole request with `code` (its errorResponse, else a top-level
   * ErrorCode); throws (closing the connection) when the API has no way to say it. */
  refuse(code: number, message?: string): { response: unknown };
}

export type Rule = (request: any, caller: Caller) => Gate;

/** Runs `gate` around the handler: the response to send (or a promise of it). */
export function runGated(gate: Gate, request: unknown, run: (request: unknown) => unknown): unknown {
  if (!gate) return run(request);
  if ('response' in gate) return gate.response;
  const result = run(gate.request);
  const after = gate.after;
  if (!after) return result;
  const apply = (res: unknown) => (res === NO_RESPONSE ? res : after(res));
  return result instanceof Promise ? result.then(apply) : apply(result);
}

/**
 * Splits `items` of a request list into those allowed (code 0) and refused ones, whose error
 * entries are added to the response list `responseField`; nothing refused: undefined (run as is);
 * everything refused: answered here with only the error entries (plus `extra` fields).
 */
export function splitList<T>(
  request: Record<string, unknown>,
  requestField: string,
  responseField: string,
  items: readonly T[],
  code: (item: T) => number,
  errorEntry: (item: T, code: number) => object,
  extra: object = {},
): Gate {
  const kept: T[] = [];
  const errors: object[] = [];
  for (const item of items) {
    const c = code(item);
    if (c === 0) kept.push(item);
    else errors.push(errorEntry(item, c));
  }
  if (errors.length === 0) return undefined;
  if (kept.length === 0) return { response: { ...extra, [responseField]: errors } };
  return {
    request: { ...request, [requestField]: kept },
    after: (res: Record<string, unknown>) => ({ ...res, [responseField]: [...((res[responseField] as object[] | undefined) ?? []), ...errors] }),
  };
}

/** Chains two rewrites of a response. */
export function andThen(gate: Gate, request: unknown, after: (response: any) => unknown): Gate {
  if (gate && 'response' in gate) return { response: after(gate.response) };
  if (!gate) return { request, after };
  const first = gate.after;
  return { request: gate.request, after: (res: unknown) => after(first ? first(res) : res) };
}
