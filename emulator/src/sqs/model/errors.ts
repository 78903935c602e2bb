/**
 * Every error SQS sends: the JSON protocol's shape name (the `__type` suffix; the key below unless
 * `shape` says otherwise), the HTTP status and the Query protocol's code (also sent as
 * `x-amzn-query-error: <code>;Sender` on JSON responses). From the AWS model's httpError and
 * awsQueryError traits; the unmodelled ones use coral's namespace and exception names on the wire
 * (`com.amazon.coral.service#InvalidParameterValueException`, as recorded from AWS).
 */
export interface ErrorSpec {
  status: number;
  queryCode: string;
  /** Namespace of `__type`. */
  namespace?: string;
  /** Shape name in `__type` when it differs from the ErrorCode. */
  shape?: string;
  /** Who is at fault (Query `<Type>`, second half of `x-amzn-query-error`); Sender unless set. */
  fault?: 'Sender' | 'Receiver';
  /** The text AWS sends over the Query protocol, whatever the JSON message says. */
  queryMessage?: string;
}

const SQS = (queryCode: string, status = 400): ErrorSpec => ({ status, queryCode });
const LEGACY = (name: string, status = 400): ErrorSpec => SQS(`AWS.SimpleQueueService.${name}`, status);
const CORAL = (queryCode: string, shape?: string): ErrorSpec => ({ status: 400, queryCode, namespace: 'com.amazon.coral.service', shape });

export const ERRORS = {
  QueueDoesNotExist: { ...LEGACY('NonExistentQueue'), queryMessage: 'The specified queue does not exist for this wsdl version.' },
  QueueNameExists: SQS('QueueAlreadyExists'),
  QueueDeletedRecently: LEGACY('QueueDeletedRecently'),
  PurgeQueueInProgress: LEGACY('PurgeQueueInProgress', 403),
  TooManyEntriesInBatchRequest: LEGACY('TooManyEntriesInBatchRequest'),
  EmptyBatchRequest: LEGACY('EmptyBatchRequest'),
  BatchEntryIdsNotDistinct: LEGACY('BatchEntryIdsNotDistinct'),
  InvalidBatchEntryId: LEGACY('InvalidBatchEntryId'),
  BatchRequestTooLong: LEGACY('BatchRequestTooLong'),
  MessageNotInflight: LEGACY('MessageNotInflight'),
  UnsupportedOperation: LEGACY('UnsupportedOperation'),
  ReceiptHandleIsInvalid: { status: 404, queryCode: 'ReceiptHandleIsInvalid' },
  ResourceNotFoundException: { status: 404, queryCode: 'ResourceNotFoundException' },
  InvalidAddress: { status: 404, queryCode: 'InvalidAddress' },
  InvalidSecurity: SQS('InvalidSecurity', 403),
  RequestThrottled: SQS('RequestThrottled', 403),
  OverLimit: SQS('OverLimit', 403),
  KmsDisabled: SQS('KMS.DisabledException'),
  KmsInvalidState: SQS('KMS.InvalidStateException'),
  KmsNotFound: SQS('KMS.NotFoundException'),
  KmsThrottled: SQS('KMS.ThrottlingException'),
  KmsAccessDenied: SQS('KMS.AccessDeniedException'),
  KmsInvalidKeyUsage: SQS('KMS.InvalidKeyUsageException'),
  KmsOptInRequired: SQS('KMS.OptInRequired', 403),
  InvalidAttributeName: SQS('InvalidAttributeName'),
  InvalidAttributeValue: SQS('InvalidAttributeValue'),
  InvalidIdFormat: SQS('InvalidIdFormat'),
  InvalidMessageContents: SQS('InvalidMessageContents'),
  InvalidParameterValue: CORAL('InvalidParameterValue', 'InvalidParameterValueException'),
  MissingParameter: CORAL('MissingParameter', 'MissingRequiredParameterException'),
  // Protocol-level errors (not operation shapes). An unknown X-Amz-Target is UnknownOperationException
  // with the Query code InvalidAction; a body that is not JSON is SerializationException/MalformedInput.
  InvalidAction: CORAL('InvalidAction'),
  UnknownOperationException: CORAL('InvalidAction'),
  SerializationException: CORAL('MalformedInput'),
  // Authentication (only with sqs.auth): AWS's common errors, with coral's exception names in JSON `__type`.
  MissingAuthenticationToken: { status: 403, queryCode: 'MissingAuthenticationToken', namespace: 'com.amazon.coral.service', shape: 'MissingAuthenticationTokenException' },
  IncompleteSignature: { status: 400, queryCode: 'IncompleteSignature', namespace: 'com.amazon.coral.service', shape: 'IncompleteSignatureException' },
  InvalidClientTokenId: { status: 403, queryCode: 'InvalidClientTokenId', namespace: 'com.amazon.coral.service', shape: 'UnrecognizedClientException' },
  SignatureDoesNotMatch: { status: 403, queryCode: 'SignatureDoesNotMatch', namespace: 'com.amazon.coral.service', shape: 'InvalidSignatureException' },
  RequestExpired: { status: 400, queryCode: 'RequestExpired', namespace: 'com.amazon.coral.service', shape: 'RequestExpired' },
  InternalFailure: { status: 500, queryCode: 'InternalFailure', namespace: 'com.amazon.coral.service', fault: 'Receiver' },
  // AWS's common errors, which no operation models: sent only by fault injection (protocol/faults.ts),
  // in the namespaces coral's availability layer uses for them.
  ThrottlingException: { status: 400, queryCode: 'ThrottlingException', namespace: 'com.amazon.coral.availability' },
  ServiceUnavailable: { status: 503, queryCode: 'ServiceUnavailable', namespace: 'com.amazon.coral.availability', shape: 'ServiceUnavailableException', fault: 'Receiver' },
  InternalError: { status: 500, queryCode: 'InternalError', namespace: 'com.amazon.coral.service', fault: 'Receiver' },
} satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
