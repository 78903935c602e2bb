/** The Kafka TCP listener: accepts clients and tracks their connections for shutdown. */
import net from 'node:net';
import type { Broker } from '../broker.js';
import type { Logger } from '../../../emulator/src/core/logger.js';
import { Connection } from './connection.js';

export interface ServerOptions {
  /** Default 100 MiB, Kafka's socket.request.max.bytes. */
  maxFrameBytes?: number;
  /** Default 1000 outstanding responses per connection before reads pause. */
  maxInFlight?: number;
}

export class KafkaServer {
  private readonly connections = new Set<Connection>();
  private nextId = 1;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Listen on host:port (0 picks a free port; see `port`). `broker` is a getter because the
   * broker's advertised port is only known once we are bound. */
  static async listen(host: string, port: number, broker: () => Broker, log: Logger, options: ServerOptions = {}): Promise<KafkaServer> {
    const server = net.createServer();
    const self = await new Promise<KafkaServer>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(new KafkaServer(server, (server.address() as net.AddressInfo).port));
      });
    });
    server.on('error', (err) => log.error('kafka.listener.error', { err }));
    server.on('connection', (socket) => {
      const conn = new Connection(socket, self.nextId++, {
        broker: broker(),
        log,
        maxFrameBytes: options.maxFrameBytes ?? 100 * 1024 * 1024,
        maxInFlight: options.maxInFlight ?? 1000,
        onClose: (c) => {
          self.connections.delete(c);
          log.debug('kafka.conn.close', { conn: c.info.id });
        },
      });
      self.connections.add(conn);
      log.debug('kafka.conn.open', { conn: conn.info.id, remote: `${conn.info.remoteAddress}:${conn.info.remotePort}` });
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
