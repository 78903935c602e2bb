/**
 * Zig-zag varints as magic-2 records use them (protobuf encoding), with the bounds Kafka's
 * ByteUtils enforces: at most 5 bytes for an int32, 10 for an int64. Values are JS numbers: record
 * fields are int32, and timestamp deltas stay far inside 2^53.
 */

/** A read position over a buffer; `end` bounds every read (a record, or a whole payload). */
export interface Cursor {
  buf: Uint8Array;
  pos: number;
  end: number;
}

/** Why a read failed: ran past `end`, or a varint longer than its type allows. */
export class VarintError extends Error {
  constructor(readonly kind: 'underflow' | 'too-long') {
    super(kind === 'underflow' ? 'varint runs past the end of the buffer' : 'varint is too long');
  }
}

export function readVarint(c: Cursor): number {
  const { buf, end } = c;
  let pos = c.pos;
  if (pos >= end) throw new VarintError('underflow');
  let b = buf[pos++];
  if (b < 0x80) {
    c.pos = pos;
    return (b >>> 1) ^ -(b & 1);
  }
  let raw = b & 0x7f;
  for (let shift = 7; ; shift += 7) {
    if (shift > 28) throw new VarintError('too-long');
    if (pos >= end) throw new VarintError('underflow');
    b = buf[pos++];
    raw |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  c.pos = pos;
  return (raw >>> 1) ^ -(raw & 1);
}

export function readVarlong(c: Cursor): number {
  const { buf, end } = c;
  let pos = c.pos;
  let raw = 0;
  let mul = 1;
  for (let i = 0; ; i++) {
    if (i >= 10) throw new VarintError('too-long');
    if (pos >= end) throw new VarintError('underflow');
    const b = buf[pos++];
    raw += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) break;
  }
  c.pos = pos;
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
}

/** Bytes a zig-zag varint/varlong of `n` takes. */
export function sizeOfVarint(n: number): number {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  let size = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

/** Write `n` zig-zag encoded at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}
