/**
 * A minimal Kafka wire client for latency probes: one connection, one request in flight, only
 * ApiVersions and Fetch. A full client would add its own buffering and polling to the number; this
 * measures the broker's answer to exactly one Fetch at a chosen offset.
 */
import net from 'node:net';

const FETCH = 1;
const API_VERSIONS = 18;

export class RawKafka {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((frame: Buffer) => void) | undefined;
  private failed: Error | undefined;
  private correlation = 0;
  private fetchVersion = 4;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      while (this.buf.length >= 4) {
        const size = this.buf.readInt32BE(0);
        if (this.buf.length < 4 + size) break;
        const frame = this.buf.subarray(4, 4 + size);
        this.buf = this.buf.subarray(4 + size);
        const w = this.waiting;
        this.waiting = undefined;
        w?.(frame);
      }
    });
    sock.on('error', (e) => (this.failed = e));
  }

  static async connect(broker: string): Promise<RawKafka> {
    const [host, port] = broker.split(':');
    const sock = net.connect(Number(port), host);
    await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej));
    const c = new RawKafka(sock);
    const versions = await c.apiVersions();
    const fetch = versions.get(FETCH);
    if (!fetch || fetch[0] > 11 || fetch[1] < 4) throw new Error(`broker serves Fetch v${fetch?.join('-v')}, probe needs one of v4-v11`);
    c.fetchVersion = Math.min(fetch[1], 11);
    return c;
  }

  close(): void {
    this.sock.destroy();
  }

  private call(apiKey: number, version: number, body: Buffer): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    const clientId = Buffer.from('tandem-bench');
    const head = Buffer.alloc(4 + 2 + 2 + 4 + 2);
    head.writeInt32BE(head.length - 4 + clientId.length + body.length, 0);
    head.writeInt16BE(apiKey, 4);
    head.writeInt16BE(version, 6);
    head.writeInt32BE(++this.correlation, 8);
    head.writeInt16BE(clientId.length, 12);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to api ${apiKey} in 30 s`)), 30_000);
      this.waiting = (frame) => {
        clearTimeout(timer);
        resolve(frame.subarray(4));
      };
      this.sock.write(Buffer.concat([head, clientId, body]));
    });
  }

  async apiVersions(): Promise<Map<number, [number, number]>> {
    const r = await this.call(API_VERSIONS, 0, Buffer.alloc(0));
    const err = r.readInt16BE(0);
    if (err) throw new Error(`ApiVersions error ${err}`);
    const n = r.readInt32BE(2);
    const out = new Map<number, [number, number]>();
    for (let i = 0, o = 6; i < n; i++, o += 6) out.set(r.readInt16BE(o), [r.readInt16BE(o + 2), r.readInt16BE(o + 4)]);
    return out;
  }

  /** One Fetch of one partition; returns the partition's error code and the record bytes returned. */
  async fetch(topic: string, partition: number, offset: bigint, maxBytes: number): Promise<{ error: number; bytes: number; highWatermark: bigint }> {
    const v = this.fetchVersion;
    const t = Buffer.from(topic);
    const parts: Buffer[] = [];
    const i32 = (x: number) => { const b = Buffer.alloc(4); b.writeInt32BE(x); parts.push(b); };
    const i64 = (x: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(x); parts.push(b); };
    const i16 = (x: number) => { const b = Buffer.alloc(2); b.writeInt16BE(x); parts.push(b); };
    i32(-1); // replica id: a consumer
    i32(0); // max wait: answer at once
    i32(1); // min bytes
    i32(maxBytes);
    parts.push(Buffer.from([0])); // isolation: read uncommitted
    if (v >= 7) { i32(0); i32(-1); } // no fetch session
    i32(1); i16(t.length); parts.push(t);
    i32(1); i32(partition);
    if (v >= 9) i32(-1);
    i64(offset);
    if (v >= 5) i64(-1n);
    i32(maxBytes);
    if (v >= 7) i32(0);
    if (v >= 11) i16(0);
    const r = await this.call(FETCH, v, Buffer.concat(parts));
    let o = 4; // throttle
    if (v >= 7) {
      const err = r.readInt16BE(o);
      if (err) return { error: err, bytes: 0, highWatermark: -1n };
      o += 6;
    }
    o += 4; // topics count
    o += 2 + r.readInt16BE(o); // topic name
    o += 4 + 4; // partitions count, partition index
    const error = r.readInt16BE(o);
    const highWatermark = r.readBigInt64BE(o + 2);
    o += 2 + 8 + 8; // error, high watermark, last stable offset
    if (v >= 5) o += 8;
    const aborted = r.readInt32BE(o);
    o += 4 + Math.max(0, aborted) * 16;
    if (v >= 11) o += 4;
    const bytes = Math.max(0, r.readInt32BE(o));
    return { error, bytes, highWatermark };
  }
}
