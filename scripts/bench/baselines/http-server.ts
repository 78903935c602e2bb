/**
 * The HTTP ceiling: a bare node:http server that reads each request body and answers with a canned
 * SendMessage-sized JSON response. Run as its own process; prints its port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from(
  JSON.stringify({ MD5OfMessageBody: '0cc175b9c0f1b6a831c399e269772661', MessageId: '6f5b1e47-3a8f-4a52-8c1f-1b2f3c4d5e6f' }),
);
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': '00000000-0000-0000-0000-000000000000',
      'content-length': body.length,
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
