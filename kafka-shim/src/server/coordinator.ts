/**
 * The one place where a broker refuses coordinator requests for keys another broker coordinates
 * (NOT_COORDINATOR), as Kafka's group and transaction coordinators do. An API opts in by giving
 * its handler `coordinatorKeys` (../apis/api.ts); the dispatcher (./connection.ts) asks here before
 * calling the handler. The refusal is the handler's own `errorResponse` (per group, per partition)
 * or, failing that, a top-level ErrorCode; a request naming keys of several coordinators is
 * refused whole (clients send each coordinator only its own keys).
 */
import type { ApiHandler, ApiKey, RequestContext, RequestOf } from '../apis/api.js';
import { ErrorCode } from '../errors.js';
import { apiSpec } from '../protocol/messages.js';
import { inRange } from '../protocol/spec.js';

/** The NOT_COORDINATOR response to send instead of calling the handler, or undefined to go on. */
export function refuseIfNotCoordinator(handler: ApiHandler, request: unknown, ctx: RequestContext): object | undefined {
  if (!handler.coordinatorKeys) return undefined;
  const cluster = ctx.broker.cluster;
  // One broker coordinates everything: nothing to ask.
  if (cluster.size === 1) return undefined;
  const wanted = handler.coordinatorKeys(request as RequestOf<ApiKey>, ctx.apiVersion);
  if (!wanted || wanted.keys.every((k) => cluster.coordinator(k) === ctx.conn.nodeId)) return undefined;
  if (handler.errorResponse) return handler.errorResponse(request as RequestOf<ApiKey>, ErrorCode.NOT_COORDINATOR, ctx) as object;
  const f = apiSpec(handler.key)?.response.fields.find((x) => x.name === 'errorCode');
  if (f && inRange(f.versions, ctx.apiVersion)) return { errorCode: ErrorCode.NOT_COORDINATOR };
  return undefined;
}
