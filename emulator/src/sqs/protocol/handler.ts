/**
 * The SQS endpoint: both AWS protocols on every path of the SQS port.
 *
 * - AWS JSON 1.0: `X-Amz-Target: AmazonSQS.<Op>` (or an `application/x-amz-json` body), on `/` or
 *   on a queue URL (the PHP SDK posts JSON there).
 * - Query: form parameters in a POST body or a GET query string, `Action=<Op>`, on `/` or on a
 *   queue URL, where the path's URL is the default `QueueUrl` and queue-less actions are refused.
 *
 * Decoding and encoding are model-driven (query.ts, json.ts, xml.ts); semantics get plain objects.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../../core/core.js';
import type { BodyHandler } from '../../core/routes.js';
import type { SqsConfig } from '../config.js';
import { ERRORS, type ErrorCode } from '../model/errors.js';
import { SqsError, type Inputs, type OperationName, type RequestContext, type SqsApi } from '../semantics/api.js';
import type { FaultEffect } from '../../core/faults.js';
import { requestContext } from './context.js';
import { faultMessage } from './faults.js';
import type { DecodedInput } from './input.js';
import { createVerifier, parseAccessKeys } from './sigv4.js';
import { callerIdentity, isStsQuery, STS_JSON_TARGET } from './sts.js';
import { decodeJsonInput } from './json.js';
import { jsonTooDeep } from './limits.js';
import { OPERATION_MODELS, TARGET_PREFIX, type OperationModel } from './model.js';
import { decodeQueryInput, newFormTree, parseForm, type FormTree } from './query.js';
import { errorResponse, queryJsonError, queryJsonResponse, successResponse, unknownOperationResponse, type Protocol, type WireResponse } from './respond.js';

/** Actions that are not about one queue, so a queue URL is no endpoint for them. */
const NOT_ON_QUEUE_URL: ReadonlySet<OperationName> = new Set(['ListQueues', 'CreateQueue']);

interface Decoded {
  op: OperationModel;
  input: DecodedInput;
}

/** Told the action (or "Unknown"), the error code ("" on success) and the time taken, after each answer. */
export type RequestObserver = (action: string, code: string, ms: number) => void;

export function createSqsHandler(api: SqsApi, core: Core, config: SqsConfig, observer: { fn: RequestObserver | undefined } = { fn: undefined }): BodyHandler {
  const log = core.log.child({ component: 'sqs' });
  const faults = core.faults;
  // Only with access keys configured: otherwise no request pays for signature checks.
  const verify = config.auth && config.auth.length > 0 ? createVerifier(parseAccessKeys(config.auth), core.clock) : undefined;

  /** `queuePath`: the path when the request went to a queue URL, whose URL then is the default QueueUrl. */
  function decodeJson(req: IncomingMessage, queuePath: string | undefined, body: Buffer, ctx: RequestContext): Decoded {
    const target = req.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const op = OPERATION_MODELS.get(name);
    if (!op) throw new SqsError('UnknownOperationException', '');
    // Refused before parsing: nesting no SQS input has, and bytes that are not UTF-8 (which
    // toString would silently turn into U+FFFD, storing something the client never sent).
    if (jsonTooDeep(body) || !isUtf8(body)) throw new SqsError('SerializationException', 'The request body is not valid JSON.');
    let parsed: unknown;
    try {
      parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw new SqsError('SerializationException', 'The request body is not valid JSON.');
    }
    if (queuePath !== undefined && typeof parsed === 'object' && parsed !== null) {
      const obj = parsed as Record<string, unknown>;
      obj.QueueUrl ??= ctx.baseUrl + queuePath;
    }
    return { op, input: decodeJsonInput(op.input, parsed) };
  }

  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    // One clock read when nobody observes: metrics stay off the hot path unless registered.
    const started = observer.fn ? performance.now() : 0;
    const { path, query } = splitUrl(req.url ?? '/');
    const onQueueUrl = path !== '/';
    const contentType = req.headers['content-type'];
    // As AWS: the body's content type decides (the Perl SDK sends a form body with an X-Amz-Target
    // header); only a request without one is JSON because of X-Amz-Target.
    const protocol: Protocol =
      contentType !== undefined && contentType.startsWith('application/x-www-form-urlencoded')
        ? 'query'
        : req.headers['x-amz-target'] !== undefined || (contentType !== undefined && contentType.startsWith('application/x-amz-json'))
          ? 'json'
          : 'query';
    // A Query GET asking for JSON gets AWS's JSON rendering of the Query response.
    const queryJson = protocol === 'query' && req.method === 'GET' && (req.headers.accept ?? '').includes('application/json');

    let tree: FormTree | undefined;
    let presigned: string | undefined;
    if (protocol === 'query') {
      tree = newFormTree();
      if (query) parseForm(query, tree);
      if (body.length > 0) parseForm(body.toString('utf8'), tree);
      const credential = tree['X-Amz-Credential'];
      if (typeof credential === 'string') presigned = credential;
    }
    const ctx = requestContext(req, config, presigned);

    let decoded: Decoded | undefined;
    let response: WireResponse;
    try {
      if (verify) verify(req, path, query, body);
      if (!tree) {
        if (req.headers['x-amz-target'] === STS_JSON_TARGET) return send(res, callerIdentity(ctx, true));
        decoded = decodeJson(req, onQueueUrl ? path : undefined, body, ctx);
      } else {
        const action = tree.Action;
        if (!onQueueUrl && isStsQuery(action, tree.Version)) return send(res, callerIdentity(ctx, false));
        if (typeof action !== 'string' || action === '') {
          send(res, unknownOperationResponse(ctx.requestId));
          return;
        }
        const op = OPERATION_MODELS.get(action);
        if (!op || (onQueueUrl && NOT_ON_QUEUE_URL.has(op.name))) {
          throw new SqsError('InvalidAction', `The action ${action} is not valid for this endpoint.`);
        }
        if (onQueueUrl && tree.QueueUrl === undefined) tree.QueueUrl = ctx.baseUrl + path;
        decoded = { op, input: decodeQueryInput(op.input, tree) };
      }
      // Fault injection: the one check a request pays while no rule exists.
      let fault: FaultEffect | undefined;
      if (faults?.sqs) {
        const queue = queueName(decoded.input);
        fault = faults.take('sqs', { action: decoded.op.name, names: queue === undefined ? [] : [queue] });
        if (fault && (await injectBefore(fault, req))) return;
      }
      // The decoders enforced the input shape the model gives this operation, which is what its
      // generated input type says; TypeScript cannot correlate a run-time name with its type.
      const output = await api.call(decoded.op.name, decoded.input as Inputs[OperationName], ctx);
      // The write happened; the client never learns it and retries (the classic duplicate).
      if (fault?.dropResponse) return void req.socket.destroy();
      response = queryJson ? queryJsonResponse(decoded.op, output, ctx.requestId) : successResponse(protocol, decoded.op, output, ctx.requestId);
    } catch (err) {
      response = failure(protocol, err, ctx, decoded);
      if (queryJson) response = queryJsonError(response);
      if (observer.fn) observer.fn(decoded?.op.name ?? 'Unknown', err instanceof SqsError && Object.hasOwn(ERRORS, err.code) ? err.code : 'InternalFailure', performance.now() - started);
      send(res, response);
      return;
    }
    if (observer.fn) observer.fn(decoded.op.name, '', performance.now() - started);
    send(res, response);
  };

  /** A fault's latency (on the clock), then its error (thrown) or closed connection (true: nothing more to do). */
  async function injectBefore(fault: FaultEffect, req: IncomingMessage): Promise<boolean> {
    if (fault.latencyMs) await new Promise<void>((resolve) => core.clock.after(fault.latencyMs!, resolve));
    if (fault.disconnect) {
      req.socket.destroy();
      return true;
    }
    if (fault.error !== undefined) {
      const code = fault.error as ErrorCode;
      throw new SqsError(code, faultMessage(code));
    }
    return false;
  }

  function failure(protocol: Protocol, err: unknown, ctx: RequestContext, decoded: Decoded | undefined): WireResponse {
    const { requestId } = ctx;
    if (err instanceof SqsError && Object.hasOwn(ERRORS, err.code)) {
      if (log.enabled('debug')) log.debug('sqs.error', { op: decoded?.op.name, code: err.code, message: err.message, requestId });
      return errorResponse(protocol, err.code, err.message, requestId);
    }
    log.error('sqs.internal_failure', { op: decoded?.op.name, queue: queueName(decoded?.input), requestId, err });
    return errorResponse(protocol, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', requestId);
  }
}

/** Path and query string of a request target; the absolute form (`http://host/path`, from proxies) too. */
function splitUrl(url: string): { path: string; query: string } {
  if (url.charCodeAt(0) !== 47 /* / */) {
    try {
      const u = new URL(url);
      return { path: u.pathname, query: u.search.slice(1) };
    } catch {
      return { path: '/', query: '' };
    }
  }
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function queueName(input: DecodedInput | undefined): string | undefined {
  if (!input) return undefined;
  if (typeof input.QueueUrl === 'string') return input.QueueUrl.slice(input.QueueUrl.lastIndexOf('/') + 1);
  return typeof input.QueueName === 'string' ? input.QueueName : undefined;
}

function send(res: ServerResponse, r: WireResponse): void {
  // A long poll whose client went away has nobody left to answer.
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}
