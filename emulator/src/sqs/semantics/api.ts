/**
 * The contract between the SQS wire protocols (emulator/src/sqs/protocol) and the queue semantics
 * (emulator/src/sqs/semantics). Semantics never see HTTP, XML or form encoding: an operation takes
 * and returns plain objects shaped like the AWS JSON protocol's members (the API model's member
 * names), with blobs as Buffers, integers as numbers and booleans as booleans: the types that
 * model/generated.ts derives from the API model, so the compiler holds both sides to the model.
 */
import type { ErrorCode } from '../model/errors.js';
import type { Inputs, OperationName, Outputs } from '../model/generated.js';

// The operation list and every operation's input and output come from the API model (generated.ts).
export { OPERATIONS, type Inputs, type OperationName, type Outputs } from '../model/generated.js';

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

export interface SqsApi {
  call<Op extends OperationName>(op: Op, input: Inputs[Op], ctx: RequestContext): Promise<Outputs[Op]>;
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
