/**
 * Whole responses of both protocols, successes and errors, as status + headers + body text.
 * Every response carries content-length so connections stay reusable.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { ERRORS, type ErrorCode, type ErrorSpec } from '../model/errors.js';
import { encodeJsonOutput } from './json.js';
import { OPERATION_MODELS, XML_NAMESPACE, type OperationModel } from './model.js';
import { encodeXmlOutput, escapeXml } from './xml.js';

export type Protocol = 'json' | 'query';

export interface WireResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const XML_CONTENT_TYPE = 'text/xml';
const XML_DECLARATION = '<?xml version="1.0"?>';

interface XmlFrame {
  head: string;
  emptyResult: string;
  resultOpen: string;
  resultClose: string;
  tail: string;
}

/** The fixed parts of each operation's XML response, built once. */
const XML_FRAMES = new Map<string, XmlFrame>(
  [...OPERATION_MODELS.values()].map((op) => [
    op.name,
    {
      head: `${XML_DECLARATION}<${op.name}Response xmlns="${XML_NAMESPACE}">`,
      emptyResult: `<${op.name}Result/>`,
      resultOpen: `<${op.name}Result>`,
      resultClose: `</${op.name}Result>`,
      tail: `</RequestId></ResponseMetadata></${op.name}Response>`,
    },
  ]),
);

function headers(contentType: string, requestId: string, body: string): OutgoingHttpHeaders {
  return { 'content-type': contentType, 'x-amzn-RequestId': requestId, 'content-length': Buffer.byteLength(body) };
}

/** `result` is the operation's generated output type; the encoders read its members by the model's names. */
export function successResponse(protocol: Protocol, op: OperationModel, result: object | undefined, requestId: string): WireResponse {
  const output = result as Record<string, unknown> | undefined;
  let body: string;
  if (protocol === 'json') {
    body = encodeJsonOutput(op.output, output);
    return { status: 200, headers: headers(JSON_CONTENT_TYPE, requestId, body), body };
  }
  const frame = XML_FRAMES.get(op.name)!;
  body = frame.head;
  // Operations without an output shape have no Result element at all; with one, an empty result
  // is written as `<OpResult/>` (e.g. a ReceiveMessage that found nothing).
  if (op.output) {
    const inner = encodeXmlOutput(op.output, output);
    body += inner ? frame.resultOpen + inner + frame.resultClose : frame.emptyResult;
  }
  body += '<ResponseMetadata><RequestId>' + requestId + frame.tail;
  return { status: 200, headers: headers(XML_CONTENT_TYPE, requestId, body), body };
}

/**
 * An error as AWS sends it. JSON: `{"__type":"<namespace>#<Shape>","message":…}` plus
 * `x-amzn-query-error: <query code>;Sender`, which botocore and the JS SDK use for `Error.Code`.
 * No `x-amzn-ErrorType` header: the Java SDK v2 takes the exception class from it verbatim (up to a
 * `:`), so a namespaced `com.amazonaws.sqs#Shape` there turns QueueDoesNotExistException into a
 * plain SqsException; from `__type` it strips the namespace.
 * Query: `<ErrorResponse>` with the query code. Same HTTP status in both.
 */
export function errorResponse(protocol: Protocol, code: ErrorCode, message: string, requestId: string): WireResponse {
  const spec: ErrorSpec = ERRORS[code];
  const fault = spec.fault ?? 'Sender';
  if (protocol === 'json') {
    const type = `${spec.namespace ?? 'com.amazonaws.sqs'}#${spec.shape ?? code}`;
    const body = message ? `{"__type":"${type}","message":${JSON.stringify(message)}}` : `{"__type":"${type}"}`;
    const h = headers(JSON_CONTENT_TYPE, requestId, body);
    h['x-amzn-query-error'] = `${spec.queryCode};${fault}`;
    return { status: spec.status, headers: h, body };
  }
  const text = spec.queryMessage ?? message;
  const body =
    `${XML_DECLARATION}<ErrorResponse xmlns="${XML_NAMESPACE}"><Error><Type>${fault}</Type><Code>${escapeXml(spec.queryCode)}</Code>` +
    `<Message>${escapeXml(text)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: spec.status, headers: headers(XML_CONTENT_TYPE, requestId, body), body };
}

/** A Query request that names no action at all: AWS answers with a bare 404, not an ErrorResponse. */
export function unknownOperationResponse(requestId: string): WireResponse {
  const body = '<UnknownOperationException/>';
  return { status: 404, headers: headers(XML_CONTENT_TYPE, requestId, body), body };
}

/**
 * A Query GET with `Accept: application/json`: AWS answers the Query response as JSON,
 * `{"<Op>Response": {"<Op>Result": {...}, "ResponseMetadata": {"RequestId": ...}}}`, with the
 * result's members named in lower camel case (AWS-validated: `ReceiveMessageResult.messages[0].Body`).
 */
export function queryJsonResponse(op: OperationModel, output: object | undefined, requestId: string): WireResponse {
  const result: Record<string, unknown> = {};
  const encoded = JSON.parse(encodeJsonOutput(op.output, output)) as Record<string, unknown>;
  for (const [k, v] of Object.entries(encoded)) result[k.charAt(0).toLowerCase() + k.slice(1)] = v;
  const doc = { [`${op.name}Response`]: { [`${op.name}Result`]: result, ResponseMetadata: { RequestId: requestId } } };
  const body = JSON.stringify(doc);
  return { status: 200, headers: headers('application/json', requestId, body), body };
}

/** The JSON form of a Query error response, for the same requests: `{"Error": {Type, Code, Message}, "RequestId"}`. */
export function queryJsonError(xml: WireResponse): WireResponse {
  const text = (tag: string): string => {
    const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml.body);
    return m ? unescapeXml(m[1]) : '';
  };
  const requestId = String(xml.headers['x-amzn-RequestId'] ?? '');
  const body = JSON.stringify({ Error: { Type: text('Type'), Code: text('Code'), Message: text('Message') }, RequestId: requestId });
  return { status: xml.status, headers: headers('application/json', requestId, body), body };
}

function unescapeXml(t: string): string {
  return t.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
