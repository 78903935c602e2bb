/**
 * The SQS side of fault injection (core/faults.ts): which errors a rule may name and the message
 * each is sent with. Any error of the model table can be injected (by its key, its Query code or
 * its JSON shape name); the ones retry logic meets in production carry AWS's own messages.
 */
import type { FaultRenderer } from '../../core/faults.js';
import { ERRORS, type ErrorCode } from '../model/errors.js';

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  ThrottlingException: 'Rate exceeded',
  RequestThrottled: 'Request is throttled.',
  ServiceUnavailable: 'Service is unable to handle request.',
  InternalError: 'We encountered an internal error. Please try again.',
  InternalFailure: 'The request processing has failed because of an unknown error, exception or failure.',
  KmsThrottled: 'The request was denied due to request throttling. (Service: AWSKMS; Status Code: 400; Error Code: ThrottlingException)',
  KmsDisabled: 'The request was rejected because the specified CMK is not enabled. (Service: AWSKMS; Status Code: 400; Error Code: DisabledException)',
};

/** Every name a user may write for an error, to its ErrorCode. */
const NAMES = new Map<string, ErrorCode>();
for (const [code, spec] of Object.entries(ERRORS) as [ErrorCode, (typeof ERRORS)[ErrorCode]][]) {
  NAMES.set(code.toLowerCase(), code);
  NAMES.set(spec.queryCode.toLowerCase(), code);
  if ('shape' in spec && spec.shape) NAMES.set(spec.shape.toLowerCase(), code);
}

export const SQS_FAULTS: FaultRenderer = {
  error: (name) => NAMES.get(name.toLowerCase()),
  errors: ['ThrottlingException', 'RequestThrottled', 'ServiceUnavailable', 'InternalError', 'InternalFailure', 'KmsThrottled', 'KmsDisabled', '... any SQS error code'],
};

export function faultMessage(code: ErrorCode): string {
  return MESSAGES[code] ?? `Injected fault: ${code}`;
}
