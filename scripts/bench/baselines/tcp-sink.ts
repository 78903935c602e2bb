/** The network ceiling: a loopback TCP server that discards what it reads. Prints its port. */
import net from 'node:net';

const server = net.createServer((s) => {
  s.on('data', () => {});
  s.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
