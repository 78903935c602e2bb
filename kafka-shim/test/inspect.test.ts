/**
 * How the console shows record keys, values and headers (kafka-shim/src/inspect.ts render): JSON
 * objects and arrays pretty-printed, printable UTF-8 as text, anything else as hex, null as null,
 * and large values cut for display with their real size kept. Browsing itself is tested end to end
 * in compat-tests/console.
 */
import { render } from '../src/inspect.js';

describe('render', () => {
  it('shows JSON objects and arrays pretty, other valid JSON and plain UTF-8 as text', () => {
    expect(render(Buffer.from('{"a":1,"b":[true]}'))).toEqual({ format: 'json', text: '{\n  "a": 1,\n  "b": [\n    true\n  ]\n}', bytes: 18 });
    expect(render(Buffer.from(' [1, 2] '))).toMatchObject({ format: 'json', text: '[\n  1,\n  2\n]' });
    expect(render(Buffer.from('42'))).toEqual({ format: 'text', text: '42', bytes: 2 });
    expect(render(Buffer.from('{not json'))).toEqual({ format: 'text', text: '{not json', bytes: 9 });
    expect(render(Buffer.from('héllo\twörld\n'))).toEqual({ format: 'text', text: 'héllo\twörld\n', bytes: 14 });
  });

  it('shows invalid UTF-8 and control characters as hex, and null as null', () => {
    expect(render(Buffer.from([0xc3, 0x28]))).toEqual({ format: 'hex', text: 'c328', bytes: 2 });
    expect(render(Buffer.from('a\u0000b'))).toEqual({ format: 'hex', text: '610062', bytes: 3 });
    expect(render(Buffer.alloc(0))).toEqual({ format: 'text', text: '', bytes: 0 });
    expect(render(null)).toEqual({ format: 'null', text: null, bytes: 0 });
  });

  it('cuts large values for display and keeps their size; a cut JSON value is shown as text', () => {
    const big = Buffer.from(JSON.stringify({ v: 'x'.repeat(100_000) }));
    const r = render(big);
    expect(r.format).toBe('text');
    expect(r.bytes).toBe(big.length);
    expect(r.text).toHaveLength(64 * 1024);
  });
});
