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
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../../core/core.js';
import type { BodyHandler } from '../../http/server.js';
import { ERRORS } from '../model/errors.js';
import { SqsError, type Input, type RequestContext, type SqsApi } from '../semantics/api.js';
import { requestContext } from './context.js';
import { decodeJsonInput } from './json.js';
import { OPERATION_MODELS, TARGET_PREFIX, type OperationModel } from './model.js';
import { decodeQueryInput, newFormTree, parseForm } from './query.js';
import { errorResponse, successResponse, unknownOperationResponse, type Protocol, type WireResponse } from './respond.js';

/** Actions that are not about one queue, so a queue URL is no endpoint for them. */
const NOT_ON_QUEUE_URL = new Set(['ListQueues', 'CreateQueue']);

interface Decoded {
  op: OperationModel;
  input: Input;
}

export function createSqsHandler(api: SqsApi, core: Core): BodyHandler {
  const log = core.log.child({ component: 'sqs' });
  const config = core.config;

  function decodeJson(req: IncomingMessage, path: string, body: Buffer, ctx: RequestContext): Decoded {
    const target = req.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const op = OPERATION_MODELS.get(name);
    if (!op) throw new SqsError('UnknownOperationException', '');
    let parsed: unknown;
    try {
      parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw new SqsError('SerializationException', 'The request body is not valid JSON.');
    }
    if (path !== '/' && typeof parsed === 'object' && parsed !== null) {
      const obj = parsed as Record<string, unknown>;
      obj.QueueUrl ??= ctx.baseUrl + path;
    }
    return { op, input: decodeJsonInput(op.input, parsed) };
  }

  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const contentType = req.headers['content-type'];
    const protocol: Protocol =
      req.headers['x-amz-target'] !== undefined || (contentType !== undefined && contentType.startsWith('application/x-amz-json')) ? 'json' : 'query';

    let ctx: RequestContext | undefined;
    let decoded: Decoded | undefined;
    let response: WireResponse;
    try {
      if (protocol === 'json') {
        ctx = requestContext(req, config);
        decoded = decodeJson(req, path, body, ctx);
      } else {
        const tree = newFormTree();
        if (q >= 0) parseForm(url.slice(q + 1), tree);
        if (body.length > 0) parseForm(body.toString('utf8'), tree);
        const presigned = tree['X-Amz-Credential'];
        ctx = requestContext(req, config, typeof presigned === 'string' ? presigned : undefined);
        const action = tree.Action;
        if (typeof action !== 'string' || action === '') {
          send(res, unknownOperationResponse(ctx.requestId));
          return;
        }
        const op = OPERATION_MODELS.get(action);
        const onQueueUrl = path !== '/' && path !== '';
        if (!op || (onQueueUrl && NOT_ON_QUEUE_URL.has(action))) {
          throw new SqsError('InvalidAction', `The action ${action} is not valid for this endpoint.`);
        }
        if (onQueueUrl && tree.QueueUrl === undefined) tree.QueueUrl = ctx.baseUrl + path;
        decoded = { op, input: decodeQueryInput(op.input, tree) };
      }
      const output = await api.call(decoded.op.name, decoded.input, ctx);
      response = successResponse(protocol, decoded.op, output, ctx.requestId);
    } catch (err) {
      response = failure(protocol, err, ctx, decoded);
    }
    send(res, response);
  };

  function failure(protocol: Protocol, err: unknown, ctx: RequestContext | undefined, decoded: Decoded | undefined): WireResponse {
    const requestId = ctx?.requestId ?? '00000000-0000-0000-0000-000000000000';
    if (err instanceof SqsError && Object.hasOwn(ERRORS, err.code)) {
      if (log.enabled('debug')) log.debug('sqs.error', { op: decoded?.op.name, code: err.code, message: err.message, requestId });
      return errorResponse(protocol, err.code, err.message, requestId);
    }
    log.error('sqs.internal_failure', { op: decoded?.op.name, queue: queueName(decoded?.input), requestId, err });
    return errorResponse(protocol, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', requestId);
  }
}

function queueName(input: Input | undefined): string | undefined {
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
