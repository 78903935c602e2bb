/**
 * Scalar output values as text, the same for both encoders: json.ts then quotes strings and blobs,
 * xml.ts escapes strings. A value of the wrong type is a bug upstream, not something to send.
 */

/** Decimal text of an integer output member. */
export function integerText(v: unknown): string {
  if ((typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint') return String(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return v;
  throw new TypeError(`output integer expected, got ${String(v)}`);
}

export function booleanText(v: unknown): string {
  return v === true || v === 'true' ? 'true' : 'false';
}

export function base64(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  throw new TypeError(`output blob expected, got ${typeof v}`);
}
