/**
 * Bounds-checked reads of Kafka's primitive encodings from one frame. Every overrun throws a
 * ProtocolError, which the connection turns into a clean close.
 */

export class ProtocolError extends Error {}

const TWO_32 = 4294967296;

export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    const p = this.pos;
    if (n > this.end - p) throw new ProtocolError(`truncated: need ${n} bytes at ${p}, have ${this.end - p}`);
    this.pos = p + n;
    return p;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }

  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  /** As a number: exact within ±2^53, which covers every offset, timestamp and id we hand out. */
  int64(): number {
    const p = this.need(8);
    return this.buf.readInt32BE(p) * TWO_32 + this.buf.readUInt32BE(p + 4);
  }

  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }

  uuid(): string {
    const p = this.need(16);
    const h = this.buf.toString('hex', p, p + 16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.buf[this.need(1)];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (value > 0xffffffff) break;
        return value;
      }
    }
    throw new ProtocolError('malformed unsigned varint');
  }

  /** Length of a compact string/bytes/array: uvarint(n + 1), 0 meaning null (-1). */
  compactLength(): number {
    return this.uvarint() - 1;
  }

  /** `n` raw bytes, zero-copy. */
  bytes(n: number): Buffer {
    const p = this.need(n);
    return this.buf.subarray(p, p + n);
  }

  utf8(n: number): string {
    const p = this.need(n);
    return this.buf.toString('utf8', p, p + n);
  }

  /** Every element takes at least one byte, so a count beyond the bytes left is garbage (Kafka
   * applies the same rule); checking it first means a bad count cannot make us allocate or loop. */
  checkCount(n: number): void {
    if (n > this.end - this.pos) throw new ProtocolError(`array length ${n} exceeds the ${this.end - this.pos} bytes left`);
  }

  /** Classic nullable string: int16 length, -1 = null. */
  string(): string | null {
    const n = this.int16();
    if (n < -1) throw new ProtocolError(`negative string length ${n}`);
    return n === -1 ? null : this.utf8(n);
  }
}
