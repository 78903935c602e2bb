/**
 * CRC-32C (Castagnoli), the checksum of magic-2 record batches over bytes [21, end).
 *
 * Slicing-by-8: eight 256-entry tables let the loop consume 8 bytes per iteration, several times
 * faster than the byte-at-a-time table on the Produce hot path (every batch is verified). The
 * 8 bytes are read as two little-endian 32-bit words through a Uint32Array view of the same
 * memory (after single bytes up to a 4-byte-aligned address; typed-array views must be aligned),
 * which is ~1.45x faster than assembling each word from four byte loads. Big-endian hosts take
 * the byte loop (none is supported today; the check costs nothing).
 */
const POLY = 0x82f63b78; // reflected Castagnoli polynomial

const TABLES: Uint32Array[] = (() => {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[0][n];
    for (let k = 1; k < 8; k++) {
      c = t[0][c & 0xff] ^ (c >>> 8);
      t[k][n] = c >>> 0;
    }
  }
  return t;
})();
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Below this many bytes the word view (an allocation) costs more than it saves (measured). */
const WORD_PATH_MIN = 256;

export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffffffff;
  let i = start;
  if (LITTLE_ENDIAN && end - start >= WORD_PATH_MIN) {
    // Single bytes up to a 4-byte-aligned address.
    for (; (buf.byteOffset + i) & 3; i++) crc = T0[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
    const words = ((end - i) >>> 3) << 1; // whole 8-byte steps, as 32-bit words
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    for (let j = 0; j < words; j += 2) {
      const lo = crc ^ w[j];
      const hi = w[j + 1];
      crc =
        T7[lo & 0xff] ^
        T6[(lo >>> 8) & 0xff] ^
        T5[(lo >>> 16) & 0xff] ^
        T4[lo >>> 24] ^
        T3[hi & 0xff] ^
        T2[(hi >>> 8) & 0xff] ^
        T1[(hi >>> 16) & 0xff] ^
        T0[hi >>> 24];
    }
    i += words << 2;
  } else {
    for (; i + 8 <= end; i += 8) {
      const lo = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
      crc =
        T7[lo & 0xff] ^
        T6[(lo >>> 8) & 0xff] ^
        T5[(lo >>> 16) & 0xff] ^
        T4[lo >>> 24] ^
        T3[buf[i + 4]] ^
        T2[buf[i + 5]] ^
        T1[buf[i + 6]] ^
        T0[buf[i + 7]];
    }
  }
  for (; i < end; i++) crc = T0[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
