/**
 * The queue-attribute table: one row per attribute drives CreateQueue, SetQueueAttributes and
 * GetQueueAttributes (names, defaults, ranges, which queue types have it, AWS's error texts).
 * Cross-queue rules (RedrivePolicy targets, RedriveAllowPolicy) live in redrive.ts.
 */
import { SqsError } from './api.js';
import { invalidParameter } from './errors.js';

interface AttributeSpec {
  /** Can be given to CreateQueue / SetQueueAttributes (read-only ones are computed by the queue). */
  settable: boolean;
  fifoOnly?: boolean;
  /** Value a new queue gets when the attribute is not given; absent attributes are not reported. */
  defaultValue?: (fifo: boolean) => string | undefined;
  /** Returns the canonical value to store, or throws AWS's error. `''` means "clear". */
  normalize?: (value: string) => string;
}

const invalidValue = (name: string, reason?: string): SqsError =>
  new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`);

function intRange(name: string, min: number, max: number): (v: string) => string {
  return (v) => {
    const n = Number(v);
    if (!/^\s*-?\d+\s*$/.test(v) || n < min || n > max) throw invalidValue(name);
    return String(n);
  };
}

function bool(name: string): (v: string) => string {
  return (v) => {
    const s = v.toLowerCase();
    if (s !== 'true' && s !== 'false') throw invalidValue(name);
    return s;
  };
}

function oneOf(name: string, values: string[]): (v: string) => string {
  return (v) => {
    if (!values.includes(v)) throw invalidValue(name);
    return v;
  };
}

function jsonObject(name: string, v: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    if (name === 'RedrivePolicy') throw invalidValue(name, 'Redrive policy is not a valid JSON map.');
    throw invalidValue(name);
  }
  return parsed as Record<string, unknown>;
}

/** `{deadLetterTargetArn, maxReceiveCount}` with maxReceiveCount 1..1000, re-serialised canonically. */
function redrivePolicy(v: string): string {
  if (v === '') return '';
  const p = jsonObject('RedrivePolicy', v);
  for (const k of ['deadLetterTargetArn', 'maxReceiveCount']) {
    if (p[k] === undefined) throw invalidParameter('RedrivePolicy', v, `Redrive policy does not contain mandatory attribute: ${k}.`);
  }
  for (const k of Object.keys(p)) {
    if (k !== 'deadLetterTargetArn' && k !== 'maxReceiveCount') throw invalidParameter('RedrivePolicy', v, `Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount].`);
  }
  const count = Number(p.maxReceiveCount);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidParameter('RedrivePolicy', v, `Invalid value for maxReceiveCount: ${String(p.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`);
  }
  if (typeof p.deadLetterTargetArn !== 'string') throw invalidParameter('RedrivePolicy', v, 'Invalid value for deadLetterTargetArn.');
  return JSON.stringify({ deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: count });
}

/** `{redrivePermission: allowAll|denyAll|byQueue, sourceQueueArns: [≤10, byQueue only]}`. */
function redriveAllowPolicy(v: string): string {
  const p = jsonObject('RedriveAllowPolicy', v);
  const unsupported = () => invalidParameter('RedriveAllowPolicy', v, "Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.");
  const perm = p.redrivePermission;
  if (perm !== 'allowAll' && perm !== 'denyAll' && perm !== 'byQueue') throw unsupported();
  const arns = p.sourceQueueArns;
  if (perm === 'byQueue') {
    if (!Array.isArray(arns) || arns.length < 1 || arns.length > 10 || !arns.every((a) => typeof a === 'string')) throw unsupported();
    return JSON.stringify({ redrivePermission: perm, sourceQueueArns: arns });
  }
  if (arns !== undefined) throw unsupported();
  return JSON.stringify({ redrivePermission: perm });
}

export const QUEUE_ATTRIBUTES: Record<string, AttributeSpec> = {
  DelaySeconds: { settable: true, defaultValue: () => '0', normalize: intRange('DelaySeconds', 0, 900) },
  MaximumMessageSize: { settable: true, defaultValue: () => '1048576', normalize: intRange('MaximumMessageSize', 1024, 1048576) },
  MessageRetentionPeriod: { settable: true, defaultValue: () => '345600', normalize: intRange('MessageRetentionPeriod', 60, 1209600) },
  ReceiveMessageWaitTimeSeconds: { settable: true, defaultValue: () => '0', normalize: intRange('ReceiveMessageWaitTimeSeconds', 0, 20) },
  VisibilityTimeout: { settable: true, defaultValue: () => '30', normalize: intRange('VisibilityTimeout', 0, 43200) },
  Policy: {
    settable: true,
    normalize: (v) => {
      if (v !== '') jsonObject('Policy', v);
      return v;
    },
  },
  RedrivePolicy: { settable: true, normalize: redrivePolicy },
  RedriveAllowPolicy: { settable: true, normalize: (v) => (v === '' ? '' : redriveAllowPolicy(v)) },
  KmsMasterKeyId: {
    settable: true,
    normalize: (v) => {
      if (!xmlText(v)) throw invalidValue('KmsMasterKeyId');
      return v;
    },
  },
  KmsDataKeyReusePeriodSeconds: { settable: true, normalize: intRange('KmsDataKeyReusePeriodSeconds', 60, 86400) },
  SqsManagedSseEnabled: { settable: true, defaultValue: () => 'true', normalize: bool('SqsManagedSseEnabled') },
  FifoQueue: { settable: true, fifoOnly: true, defaultValue: () => 'true', normalize: bool('FifoQueue') },
  ContentBasedDeduplication: { settable: true, fifoOnly: true, defaultValue: () => 'false', normalize: bool('ContentBasedDeduplication') },
  DeduplicationScope: { settable: true, fifoOnly: true, defaultValue: () => 'queue', normalize: oneOf('DeduplicationScope', ['queue', 'messageGroup']) },
  FifoThroughputLimit: { settable: true, fifoOnly: true, defaultValue: () => 'perQueue', normalize: oneOf('FifoThroughputLimit', ['perQueue', 'perMessageGroupId']) },
  QueueArn: { settable: false },
  ApproximateNumberOfMessages: { settable: false },
  ApproximateNumberOfMessagesNotVisible: { settable: false },
  ApproximateNumberOfMessagesDelayed: { settable: false },
  CreatedTimestamp: { settable: false },
  LastModifiedTimestamp: { settable: false },
};

/** The order GetQueueAttributes(All) lists them in. */
const ALL_ORDER = [
  'QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp', 'VisibilityTimeout', 'MaximumMessageSize', 'MessageRetentionPeriod',
  'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled', 'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope',
  'FifoThroughputLimit',
];

const unknownAttribute = (name: string) => new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);

/**
 * Check the attributes given to CreateQueue (`current` undefined) or SetQueueAttributes and return
 * their canonical values (`''` = remove). Rules that need the resulting set (throughput limit vs
 * dedup scope) are checked on the merged result.
 */
export function normalizeQueueAttributes(given: Record<string, string>, fifo: boolean, current?: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(given)) {
    const spec = QUEUE_ATTRIBUTES[name];
    if (!spec || !spec.settable) throw unknownAttribute(name);
    const value = spec.normalize ? spec.normalize(String(raw)) : String(raw);
    if (name === 'FifoQueue') {
      if (current) {
        if (!fifo) throw unknownAttribute(name);
        if (value !== 'true') throw invalidValue(name, 'Modifying queue type is not supported.');
      }
      continue;
    }
    if (spec.fifoOnly && !fifo) throw new SqsError('InvalidAttributeName', `You can specify the ${name} only when FifoQueue is set to true.`);
    out[name] = value;
  }
  const merged = { ...(current ?? {}), ...out };
  if (merged.FifoThroughputLimit === 'perMessageGroupId' && merged.DeduplicationScope !== 'messageGroup') {
    throw invalidValue('FifoThroughputLimit', 'The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup.');
  }
  return out;
}

/** The stored attributes of a new queue: defaults, then the given (already normalised) ones. */
export function initialAttributes(given: Record<string, string>, fifo: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(QUEUE_ATTRIBUTES)) {
    if (spec.fifoOnly && !fifo) continue;
    const d = spec.defaultValue?.(fifo);
    if (d !== undefined) out[name] = d;
  }
  for (const [name, value] of Object.entries(given)) {
    if (value === '') delete out[name];
    else out[name] = value;
  }
  if (out.KmsMasterKeyId !== undefined) {
    out.SqsManagedSseEnabled = 'false';
    out.KmsDataKeyReusePeriodSeconds ??= '300';
  }
  return out;
}

/** Which attributes GetQueueAttributes reports, in AWS's order; unknown names are rejected. */
export function selectAttributeNames(requested: string[] | undefined, fifo: boolean): string[] {
  if (!requested || requested.length === 0) return [];
  const wanted = new Set<string>();
  for (const name of requested) {
    if (name === 'All') {
      for (const n of ALL_ORDER) wanted.add(n);
      continue;
    }
    const spec = QUEUE_ATTRIBUTES[name];
    if (!spec || (spec.fifoOnly && !fifo)) throw unknownAttribute(name);
    wanted.add(name);
  }
  return ALL_ORDER.filter((n) => wanted.has(n) && !(QUEUE_ATTRIBUTES[n].fifoOnly && !fifo));
}

/**
 * Whether `v` holds only characters XML 1.0 can carry (#x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD and
 * paired surrogates). Values stored and later echoed in Query XML are checked on input, as AWS
 * validates them, so one control character cannot make every later response about the queue
 * malformed.
 */
export function xmlText(v: string): boolean {
  return !/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDBFF\uDC00-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);
}
