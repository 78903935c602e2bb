/**
 * The console's cross-origin rule for its state-changing routes (host/console/origin.ts): what a
 * browser sends from the console's own page passes, what it sends from any other site is refused,
 * and tools that send no browser headers pass. Exercised over HTTP in compat-tests/console.
 */
import type { IncomingMessage } from 'node:http';
import { sameOrigin } from '../src/host/console/origin.js';

const req = (headers: Record<string, string>) => ({ headers: { host: '127.0.0.1:9324', ...headers } }) as unknown as IncomingMessage;

describe('sameOrigin', () => {
  it('lets the console page and non-browser clients through', () => {
    expect(sameOrigin(req({}))).toBeUndefined();
    expect(sameOrigin(req({ origin: 'http://127.0.0.1:9324', 'sec-fetch-site': 'same-origin' }))).toBeUndefined();
    expect(sameOrigin(req({ 'sec-fetch-site': 'none' }))).toBeUndefined();
  });

  it('refuses other origins, opaque origins and cross-site fetches', () => {
    expect(sameOrigin(req({ origin: 'http://evil.example' }))).toBe('cross-origin request from http://evil.example refused');
    expect(sameOrigin(req({ origin: 'http://localhost:9324' }))).toMatch(/refused/);
    expect(sameOrigin(req({ origin: 'http://127.0.0.1:9325' }))).toMatch(/refused/);
    expect(sameOrigin(req({ origin: 'null' }))).toMatch(/refused/);
    expect(sameOrigin(req({ origin: 'not a url' }))).toMatch(/refused/);
    expect(sameOrigin(req({ 'sec-fetch-site': 'same-site' }))).toMatch(/Sec-Fetch-Site: same-site/);
    expect(sameOrigin(req({ 'sec-fetch-site': 'cross-site', origin: 'http://127.0.0.1:9324' }))).toMatch(/cross-site/);
  });
});
