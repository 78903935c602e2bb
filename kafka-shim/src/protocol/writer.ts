/**
 * Growable output for one response. Small values go into a scratch buffer; large byte fields
 * (record batches in Fetch responses) are kept as their own chunks instead of being copied, and the
 * connection writes the chunk list to the socket as is.
 */

const TWO_32 = 4294967296;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
/** Byte fields at least this big are referenced, not copied. */
const ZERO_COPY_MIN = 4096;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  /** Start of the part of `buf` not yet moved to `chunks`. */
  private start = 0;
  private readonly chunks: Buffer[] = [];
  private flushed = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos - this.start;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const used = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, used + n, 256));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = used;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  uint16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  int64(v: number | bigint): void {
    this.ensure(8);
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      const hi = Math.floor(v / TWO_32);
      this.buf.writeInt32BE(hi, this.pos);
      this.buf.writeUInt32BE(v - hi * TWO_32, this.pos + 4);
    } else {
      if (typeof v === 'number' && !Number.isInteger(v)) throw new RangeError(`int64 value ${v} is not an integer`);
      // Beyond 2^53 a number is already approximate (e.g. a decoded Long.MAX_VALUE, which comes
      // back as 2^63): clamp so echoing it writes the int64 limit instead of failing.
      const b = BigInt(v);
      this.buf.writeBigInt64BE(b > INT64_MAX ? INT64_MAX : b < INT64_MIN ? INT64_MIN : b, this.pos);
    }
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  uuid(v: string): void {
    const hex = v.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`bad uuid "${v}"`);
    this.ensure(16);
    this.buf.write(hex, this.pos, 16, 'hex');
    this.pos += 16;
  }

  uvarint(v: number): void {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  utf8(s: string, byteLength: number): void {
    this.ensure(byteLength);
    this.buf.write(s, this.pos, byteLength, 'utf8');
    this.pos += byteLength;
  }

  raw(b: Buffer): void {
    if (b.length >= ZERO_COPY_MIN) {
      this.cut();
      this.chunks.push(b);
      this.flushed += b.length;
      return;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  private cut(): void {
    if (this.pos === this.start) return;
    this.chunks.push(this.buf.subarray(this.start, this.pos));
    this.flushed += this.pos - this.start;
    this.start = this.pos;
  }

  /** The output as chunks to write in order. */
  finish(): Buffer[] {
    this.cut();
    return this.chunks;
  }

  /** The output as one buffer (tests, tagged-field sizing). */
  toBuffer(): Buffer {
    const chunks = this.finish();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }
}
