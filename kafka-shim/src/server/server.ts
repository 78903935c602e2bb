/**
 * A Kafka TCP listener: accepts clients, hands each connection the API registry and the address
 * its clients are told to connect to, and tracks connections for shutdown. The broker may run two
 * (../index.ts): one for clients on the host, one for clients on a container network, each
 * advertising its own address.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { AdvertisedEndpoint } from '../apis/api.js';
import type { ApiRegistry } from '../apis/registry.js';
import type { Broker } from '../broker.js';
import type { Logger } from '../../../emulator/src/core/logger.js';
import { Connection, type ConnectionAuth } from './connection.js';
import type { FrameBudget } from './frame-budget.js';

export interface ListenOptions {
  /** A getter: the broker is built once every listener is bound. */
  readonly broker: () => Broker;
  readonly apis: ApiRegistry;
  /** A getter: the advertised port may be the bound port, only known once listening. */
  readonly advertised: () => AdvertisedEndpoint;
  /** The broker this listener belongs to (a cluster of N brokers has N listeners per listener name). */
  readonly nodeId: number;
  readonly log: Logger;
  /** Default 100 MiB, Kafka's socket.request.max.bytes. */
  readonly maxFrameBytes?: number;
  /** Default 1000 outstanding responses per connection before reads pause. */
  readonly maxInFlight?: number;
  /** Response bytes per connection waiting to be sent before reads pause. */
  readonly maxUnsentBytes?: number;
  /** Connections served at once; more are closed at accept. 0 or absent: no limit. */
  readonly maxConnections?: number;
  readonly idleTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** SASL required on this listener (SASL_PLAINTEXT, or SASL_SSL with `tls`). */
  readonly auth?: ConnectionAuth;
  /** PEM certificate and key: the listener speaks TLS (SSL, or SASL_SSL with `auth`). */
  readonly tls?: { cert: Buffer; key: Buffer };
  /** Bytes of half-received frames across all connections (one budget shared by all listeners). */
  readonly budget?: FrameBudget;
}

export class KafkaServer {
  private readonly connections = new Set<Connection>();
  private nextId = 1;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Listen on host:port (0 picks a free port; see `port`). */
  static async listen(host: string, port: number, opts: ListenOptions): Promise<KafkaServer> {
    const { log } = opts;
    const server: net.Server = opts.tls ? tls.createServer({ cert: opts.tls.cert, key: opts.tls.key }) : net.createServer();
    const self = await new Promise<KafkaServer>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(new KafkaServer(server, (server.address() as net.AddressInfo).port));
      });
    });
    server.on('error', (err) => log.error('kafka.listener.error', { err }));
    // A failed TLS handshake (a plaintext client, an untrusted certificate) concerns that client only.
    server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => log.debug('kafka.tls.error', { err: err.message, remote: socket.remoteAddress }));
    server.on(opts.tls ? 'secureConnection' : 'connection', (socket: net.Socket) => {
      if (opts.maxConnections && self.connections.size >= opts.maxConnections) {
        // As Kafka at max.connections: the connection is closed at once, the client retries later.
        log.warn('kafka.conn.refused', { reason: 'too many connections', max: opts.maxConnections, remote: socket.remoteAddress });
        socket.destroy();
        return;
      }
      const conn = new Connection(socket, self.nextId++, {
        broker: opts.broker(),
        apis: opts.apis,
        advertised: opts.advertised(),
        nodeId: opts.nodeId,
        log,
        maxFrameBytes: opts.maxFrameBytes ?? 100 * 1024 * 1024,
        maxInFlight: opts.maxInFlight ?? 1000,
        maxUnsentBytes: opts.maxUnsentBytes,
        idleTimeoutMs: opts.idleTimeoutMs,
        requestTimeoutMs: opts.requestTimeoutMs,
        auth: opts.auth,
        budget: opts.budget,
        onClose: (c) => {
          self.connections.delete(c);
          log.debug('kafka.conn.close', { conn: c.info.id });
        },
      });
      self.connections.add(conn);
      log.debug('kafka.conn.open', { conn: conn.info.id, listener: conn.info.advertised.listener, remote: `${conn.info.remoteAddress}:${conn.info.remotePort}` });
    });
    return self;
  }

  /** Stop accepting, drop every connection, and resolve once the listener is closed. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    await closed;
  }
}
