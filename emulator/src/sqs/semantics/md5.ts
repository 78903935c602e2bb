/**
 * The digests SQS returns so clients can check what it stored: MD5 of the body, and MD5 of the
 * message (or system) attributes in AWS's length-prefixed, name-sorted encoding.
 */
import * as crypto from 'node:crypto';

const { createHash } = crypto;

/** One-shot `crypto.hash` (Node >= 20.12): no Hash object per call, several times cheaper for a
 * message body than createHash().update().digest(). Older Node 20s fall back to createHash. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;

export interface AttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

export type AttributeMap = Record<string, AttributeValue>;

export function md5Hex(data: string | Buffer): string {
  return oneShot ? oneShot('md5', data, 'hex') : createHash('md5').update(data).digest('hex');
}

function lengthPrefixed(b: Buffer): Buffer[] {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(b.length);
  return [len, b];
}

/** Undefined when there are no attributes: AWS omits the field rather than hashing nothing. */
export function md5OfAttributes(attrs: AttributeMap | undefined): string | undefined {
  if (!attrs) return undefined;
  const names = Object.keys(attrs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const v = attrs[name];
    const binary = v.DataType.startsWith('Binary');
    for (const part of lengthPrefixed(Buffer.from(name, 'utf8'))) hash.update(part);
    for (const part of lengthPrefixed(Buffer.from(v.DataType, 'utf8'))) hash.update(part);
    // Transport type: 1 for String and Number, 2 for Binary.
    hash.update(Buffer.from([binary ? 2 : 1]));
    const value = binary ? (v.BinaryValue ?? Buffer.alloc(0)) : Buffer.from(v.StringValue ?? '', 'utf8');
    for (const part of lengthPrefixed(value)) hash.update(part);
  }
  return hash.digest('hex');
}
