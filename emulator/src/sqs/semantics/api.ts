/**
 * The contract between the SQS wire protocols (emulator/src/sqs/protocol) and the queue semantics
 * (emulator/src/sqs/semantics). Semantics never see HTTP, XML or form encoding: an operation takes
 * and returns plain objects shaped like the AWS JSON protocol's members (the API model's member
 * names), with blobs as Buffers, integers as numbers and booleans as booleans.
 */
import type { ErrorCode } from '../model/errors.js';

export const OPERATIONS = [
  'AddPermission',
  'CancelMessageMoveTask',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'CreateQueue',
  'DeleteMessage',
  'DeleteMessageBatch',
  'DeleteQueue',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListDeadLetterSourceQueues',
  'ListMessageMoveTasks',
  'ListQueueTags',
  'ListQueues',
  'PurgeQueue',
  'ReceiveMessage',
  'RemovePermission',
  'SendMessage',
  'SendMessageBatch',
  'SetQueueAttributes',
  'StartMessageMoveTask',
  'TagQueue',
  'UntagQueue',
] as const;

export type OperationName = (typeof OPERATIONS)[number];

export interface RequestContext {
  /** From the request's SigV4 credential scope, else the configured default. */
  region: string;
  /** From the request's access key when it is a 12-digit account id, else the configured default. */
  accountId: string;
  /** scheme://host:port that queue URLs are built on: the request's Host header, or --sqs-base-url. */
  baseUrl: string;
  requestId: string;
  /** The X-Amzn-Trace-Id request header (AWSTraceHeader when the message has none). */
  traceHeader?: string;
}

export type Input = Record<string, any>;
export type Output = Record<string, any>;

export interface SqsApi {
  call(op: OperationName, input: Input, ctx: RequestContext): Promise<Output>;
}

/** An error AWS would send; the protocol layer renders it (status, __type, query code) from errors.ts. */
export class SqsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
