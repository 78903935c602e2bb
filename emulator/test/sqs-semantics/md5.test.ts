import { md5Hex, md5OfAttributes } from '../../src/sqs/semantics/md5.js';

describe('AWS MD5 digests', () => {
  it('hashes the body', () => {
    expect(md5Hex('test')).toBe('098f6bcd4621d373cade4e832627b4f6');
  });

  it('matches the AWS-recorded Number attribute vector', () => {
    expect(md5OfAttributes({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } })).toBe('235c5c510d26fb653d073faed50ae77c');
  });

  it('matches the AWS-recorded Binary attribute vector', () => {
    const value = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1');
    expect(md5OfAttributes({ attr1: { DataType: 'Binary', BinaryValue: value } })).toBe('8cbe4db156db8a94db8b801b7addb984');
  });

  it('is order independent and omitted when there are no attributes', () => {
    const a = { b: { DataType: 'String', StringValue: 'x' }, a: { DataType: 'Number.float', StringValue: '1.5' } };
    const b = { a: a.a, b: a.b };
    expect(md5OfAttributes(a)).toBe(md5OfAttributes(b));
    expect(md5OfAttributes({})).toBeUndefined();
    expect(md5OfAttributes(undefined)).toBeUndefined();
  });
});
