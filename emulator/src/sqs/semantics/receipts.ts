/**
 * Receipt handles: opaque to clients, new on every receive. A handle names the queue's storage id,
 * the message and the receive it came from (the receive count), so a handle from an earlier
 * receive is recognisably stale and one from before a purge matches nothing.
 */
import { randomBytes } from 'node:crypto';

export interface Receipt {
  sid: string;
  seq: number;
  receiveCount: number;
}

// Random bytes drawn from a pool: one randomBytes call per receive is a visible cost at thousands of receives/s.
let pool = Buffer.alloc(0);
let poolPos = 0;

function nonce(): string {
  if (poolPos + 24 > pool.length) {
    pool = randomBytes(24 * 1024);
    poolPos = 0;
  }
  poolPos += 24;
  return pool.toString('hex', poolPos - 24, poolPos);
}

export function encodeReceipt(r: Receipt): string {
  return Buffer.from(`${r.sid}:${r.seq}:${r.receiveCount}:${nonce()}`).toString('base64');
}

export function decodeReceipt(handle: unknown): Receipt | undefined {
  if (typeof handle !== 'string' || handle.length > 1024 || !/^[A-Za-z0-9+/]+=*$/.test(handle)) return undefined;
  const m = /^([0-9a-f]{16}):(\d{1,15}):(\d{1,9}):[0-9a-f]{48}$/.exec(Buffer.from(handle, 'base64').toString('latin1'));
  if (!m) return undefined;
  return { sid: m[1], seq: Number(m[2]), receiveCount: Number(m[3]) };
}
