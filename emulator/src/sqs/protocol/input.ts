/**
 * What both input decoders do when the model's rules are broken, so the two protocols answer the
 * same request alike. Ranges and meaning are the semantics layer's business; this is only presence
 * and type.
 */
import { SqsError } from '../semantics/api.js';
import type { Member } from './model.js';

/**
 * A decoded request or structure: the members the model names, checked for type and presence.
 * Untyped here because one walk serves every operation; handler.ts hands it on as the operation's
 * generated input type, which describes exactly these guarantees (both come from the same model).
 */
export type DecodedInput = Record<string, unknown>;

/**
 * The value to use for a required member the request left out, or the error AWS sends for it.
 * `wirePath` is the parameter as the client spelled it (`SendMessageBatchRequestEntry.1.Id` over
 * Query, `Id` over JSON).
 */
export function missingMember(member: Member, wirePath: string, topLevel: boolean): unknown {
  if (topLevel) {
    // Recorded from AWS: a request without QueueUrl is answered as for an unknown queue, and one
    // without QueueName with InvalidParameterValue.
    if (member.name === 'QueueUrl') throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    if (member.name === 'QueueName') {
      throw new SqsError('InvalidParameterValue', 'Value for parameter QueueName is invalid. Reason: Must specify a queue name.');
    }
    // The Query protocol cannot tell an empty list from a missing one (botocore sends `Entries=`),
    // so a batch without entries reaches semantics as [] and gets AWS's EmptyBatchRequest there.
    if (member.name === 'Entries') return [];
  }
  throw new SqsError('MissingParameter', `The request must contain the parameter ${wirePath}.`);
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Whether `n` fits the model type: `integer` is a Java int on AWS's side, `long` a long. */
export function fitsInteger(type: 'integer' | 'long', n: number): boolean {
  return type === 'integer' ? Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX : Number.isSafeInteger(n);
}

/**
 * Store a map entry under a key the client chose. Plain assignment of `__proto__` would replace the
 * object's prototype instead of adding an attribute or tag of that name.
 */
export function setEntry(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}
