/** A bare Kafka wire client for tests: raw frames in, raw frames out, over a real socket. */
import net from 'node:net';
import { decodeResponse, encodeRequest } from '../../src/protocol/messages.js';

export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiters: ((f: Buffer | null) => void)[] = [];
  private ended = false;
  private nextCorrelationId = 1;
  /** Resolves when the server closes the connection. */
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        const w = this.waiters.shift();
        if (w) w(frame);
        else this.frames.push(frame);
      }
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        for (const w of this.waiters.splice(0)) w(null);
        resolve();
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next response frame (without size prefix), or null if the server closed first. */
  next(): Promise<Buffer | null> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Encode a request frame with a fresh correlation id. */
  frame(apiKey: number, apiVersion: number, body: object, clientId: string | null = 'raw-test'): { correlationId: number; bytes: Buffer } {
    const correlationId = this.nextCorrelationId++;
    return { correlationId, bytes: encodeRequest({ apiKey, apiVersion, correlationId, clientId }, body) };
  }

  /** Send one request and decode its response. */
  async call(apiKey: number, apiVersion: number, body: object): Promise<{ correlationId: number; body: any }> {
    const { correlationId, bytes } = this.frame(apiKey, apiVersion, body);
    this.write(bytes);
    const res = await this.next();
    if (!res) throw new Error('connection closed');
    const decoded = decodeResponse(apiKey, apiVersion, res);
    if (decoded.correlationId !== correlationId) throw new Error(`correlation ${decoded.correlationId} != ${correlationId}`);
    return decoded;
  }

  /** Connect to a `host:port` bootstrap address (a spawned Tandem or the oracle broker). */
  static connectTo(address: string): Promise<RawClient> {
    const i = address.lastIndexOf(':');
    return RawClient.connect(Number(address.slice(i + 1)), address.slice(0, i));
  }

  close(): void {
    this.socket.destroy();
  }
}
