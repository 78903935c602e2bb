/**
 * The record-batch codec: decode magic-2 batches into records and build them back, in every codec,
 * plus the produce-path validator. The log imports the pieces it needs directly.
 */
export { ATTR, BatchFormatError, decodeBatch, decodeBatches, encodeBatch, HEADER_SIZE } from './batch.js';
export type { BatchInput, KafkaRecord, RecordBatch, RecordHeader, RecordInput } from './batch.js';
export { Codec, CODEC_NAMES, compress, decompress, DecompressionError, loadZstdCompressor } from './compression.js';
export { ProduceError, validateProduceBatch } from './validate.js';
export type { RecordError, ValidatedBatch, ValidateOptions } from './validate.js';
