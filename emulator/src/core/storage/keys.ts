/**
 * The key codec every engine builds its keys with. Each engine owns its key layout in its own
 * storage module (emulator/src/sqs/storage/keys.ts, kafka-shim/src/storage/keys.ts); they share one
 * LevelDB, so their prefixes must never overlap: SQS uses one lower-case letter and '/', Kafka 'K/',
 * the core '_/'.
 *
 * Numbers inside keys are fixed-width big-endian so that byte order equals numeric order.
 * Strings inside keys are UTF-8 and end with a 0x00 separator (names can never contain 0x00:
 * SQS queue names are [A-Za-z0-9_-.], Kafka topic names [A-Za-z0-9._-], group ids are checked).
 *
 *   _/meta                                         -> data-dir format version (format.ts)
 */

const SEP = Buffer.from([0]);

/** Build a key: a prefix, then parts; strings are 0x00-terminated, Buffers are appended raw. */
export function key(prefix: string, ...parts: (string | Buffer)[]): Buffer {
  const bufs: Buffer[] = [Buffer.from(prefix, 'latin1')];
  for (const p of parts) {
    if (typeof p === 'string') {
      bufs.push(Buffer.from(p, 'utf8'), SEP);
    } else {
      bufs.push(p);
    }
  }
  return Buffer.concat(bufs);
}

export function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function u64(n: number | bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Split a key's string parts back out (after the prefix), up to `count` parts. */
export function splitKey(k: Buffer, prefixLength: number, count: number): { parts: string[]; rest: Buffer } {
  const parts: string[] = [];
  let pos = prefixLength;
  while (parts.length < count) {
    const end = k.indexOf(0, pos);
    if (end < 0) break;
    parts.push(k.toString('utf8', pos, end));
    pos = end + 1;
  }
  return { parts, rest: k.subarray(pos) };
}

/** The core's own key: the data-dir format record. */
export const PREFIX_META = '_/meta';
