/**
 * ACL enforcement at dispatch (`kafka.authorizer` on): before a handler runs, the request is
 * checked against ./authorizer.ts with the operation and resource Kafka's KafkaApis asks for that
 * API (./rules.ts is the per-API table). Like ../server/coordinator.ts this keeps handlers free of
 * security: a request is either answered here (everything refused, in the API's own shape), or
 * handed on with its refused parts removed and their errors added to the handler's response (per
 * topic / partition / group where Kafka answers that way), or handed on whole; `after` also
 * filters listings (Metadata, ListGroups) and fills in KIP-430 authorized operations.
 */
import type { ApiHandler, ApiKey, RequestContext, RequestOf } from '../apis/api.js';
import { apiSpec } from '../protocol/messages.js';
import { inRange } from '../protocol/spec.js';
import type { Caller, Gate } from './gate.js';
import { RULES } from './rules.js';

export { runGated } from './gate.js';

/** Kafka's host is the address without the IPv4-mapped IPv6 prefix Node reports. */
export const hostOf = (address: string): string => (address.startsWith('::ffff:') ? address.slice(7) : address);

export function enforceAcls(handler: ApiHandler, request: unknown, ctx: RequestContext): Gate {
  const authorizer = ctx.broker.authorizer;
  if (!authorizer) return undefined;
  const rule = RULES[handler.key];
  if (!rule) return undefined;
  const principal = ctx.conn.principal ?? 'User:ANONYMOUS';
  const host = hostOf(ctx.conn.remoteAddress);
  const caller: Caller = {
    ctx,
    can: (op, type, name) => authorizer.authorize(principal, host, op, type, name),
    canAny: (op, type) => authorizer.authorizeAny(principal, host, op, type),
    operations: (type, name) => authorizer.authorizedOperations(principal, host, type, name),
    refuse: (code, message) => {
      if (handler.errorResponse) return { response: handler.errorResponse(request as RequestOf<ApiKey>, code, ctx) };
      const f = apiSpec(handler.key)?.response.fields.find((x) => x.name === 'errorCode');
      if (f && inRange(f.versions, ctx.apiVersion)) return { response: { errorCode: code, errorMessage: message ?? null } };
      throw new Error(`${handler.name} v${ctx.apiVersion} refused (error ${code}) and has no way to say it`);
    },
  };
  return rule(request, caller);
}

