/**
 * Every error SQS sends: the JSON protocol's shape name (the `__type` suffix, and `code` below),
 * the HTTP status and the Query protocol's code (also sent as `x-amzn-query-error: <code>;Sender`
 * on JSON responses). From the AWS model's httpError and awsQueryError traits; the two unmodelled
 * ones (InvalidParameterValue, MissingParameter) use coral's namespace on the wire.
 */
export interface ErrorSpec {
  status: number;
  queryCode: string;
  /** Namespace of `__type`. */
  namespace?: string;
}

const SQS = (queryCode: string, status = 400): ErrorSpec => ({ status, queryCode });
const LEGACY = (name: string, status = 400): ErrorSpec => SQS(`AWS.SimpleQueueService.${name}`, status);
const CORAL = (queryCode: string): ErrorSpec => ({ status: 400, queryCode, namespace: 'com.amazon.coral.service' });

export const ERRORS = {
  QueueDoesNotExist: LEGACY('NonExistentQueue'),
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
  InvalidParameterValue: CORAL('InvalidParameterValue'),
  MissingParameter: CORAL('MissingParameter'),
  // Protocol-level errors (not operation shapes).
  InvalidAction: CORAL('InvalidAction'),
  UnknownOperationException: CORAL('UnknownOperationException'),
  SerializationException: CORAL('SerializationException'),
  InternalFailure: { status: 500, queryCode: 'InternalFailure', namespace: 'com.amazon.coral.service' },
} satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
