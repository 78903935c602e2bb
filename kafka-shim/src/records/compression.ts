/**
 * The four record-batch codecs Kafka defines, as whole-buffer compress/decompress calls, so the
 * log can validate what producers send and the codec can build batches in any codec.
 *
 * Libraries (runtime "dependencies", all installable without install scripts or downloads):
 * - gzip: node:zlib.
 * - snappy: `snappy` (napi-rs; the prebuilt binary arrives as an optional dependency). Kafka accepts
 *   both raw snappy (librdkafka, sarama) and the xerial framing of Java's snappy-java (kafkajs-snappy,
 *   the Java client), so decompression recognises the xerial header and reads its chunks.
 * - lz4: `lz4-napi` (napi-rs over lz4_flex), whose frame functions speak the LZ4 *frame* format
 *   Kafka uses for magic 2.
 * - zstd: `fzstd` (pure JS) to decompress — it reads frames without a content size, which streaming
 *   compressors (the Java client's zstd-jni) write — and `@bokuweb/zstd-wasm` (WASM) to compress.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { decompress as zstdDecompress } from 'fzstd';

export const Codec = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;
export type CodecId = (typeof Codec)[keyof typeof Codec];
export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

// The napi-rs packages ship CommonJS loaders that pick the platform binary.
const require = createRequire(import.meta.url);
const snappy = require('snappy') as {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, opts: { asBuffer: true }): Buffer;
};
const lz4 = require('lz4-napi') as {
  compressFrameSync(input: Buffer): Buffer;
  decompressFrameSync(input: Buffer): Buffer;
};

/** The WASM zstd compressor is instantiated on first use (compression is never on the produce path). */
let zstdWasm: { compress(buf: Uint8Array, level?: number): Uint8Array } | undefined;

/** Load the zstd compressor; `compress(ZSTD, ...)` needs it done once. */
export async function loadZstdCompressor(): Promise<void> {
  if (zstdWasm) return;
  const mod = (await import('@bokuweb/zstd-wasm')) as unknown as { init(): Promise<void>; compress(buf: Uint8Array, level?: number): Uint8Array };
  await mod.init();
  zstdWasm = mod;
}

/** The magic that starts snappy-java's (xerial) framing: 0x82 "SNAPPY" 0x00. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, then version and minimum-compatible version (two int32s). */
const XERIAL_HEADER = 16;

/** Thrown when a payload cannot be decompressed (Kafka: "Failed to decompress record stream"). */
export class DecompressionError extends Error {}

export function decompress(codec: number, data: Buffer): Buffer {
  try {
    switch (codec) {
      case Codec.NONE:
        return data;
      case Codec.GZIP:
        return gunzipSync(data);
      case Codec.SNAPPY:
        return unsnappy(data);
      case Codec.LZ4:
        return lz4.decompressFrameSync(data);
      case Codec.ZSTD: {
        const out = zstdDecompress(data);
        return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      }
      default:
        throw new Error(`unknown compression codec ${codec}`);
    }
  } catch (err) {
    throw new DecompressionError(`Failed to decompress record stream (${CODEC_NAMES[codec] ?? codec}): ${(err as Error).message}`);
  }
}

export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Codec.NONE:
      return data;
    case Codec.GZIP:
      return gzipSync(data);
    case Codec.SNAPPY:
      // Raw snappy, as librdkafka writes it; every Kafka consumer reads both forms.
      return snappy.compressSync(data);
    case Codec.LZ4:
      return lz4.compressFrameSync(data);
    case Codec.ZSTD: {
      if (!zstdWasm) throw new Error('call loadZstdCompressor() before compressing with zstd');
      const out = zstdWasm.compress(data, 3);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    }
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}

/** Raw snappy, or xerial framing: header, then chunks of [int32 compressed length][snappy block]. */
function unsnappy(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    return snappy.uncompressSync(data, { asBuffer: true });
  }
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error('truncated xerial chunk length');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new Error(`xerial chunk of ${len} bytes runs past the payload`);
    parts.push(snappy.uncompressSync(data.subarray(pos, pos + len), { asBuffer: true }));
    pos += len;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
