/**
 * Message contents (body, attributes, ids) live in LevelDB only, not in the queue's memory: a receive
 * answers what it reads from the store, and leaves out a message whose record is gone by then.
 */
import { harnessPerTest } from './harness.js';

describe('message contents are read from the store', () => {
  const h = harnessPerTest();

  it('answers bodies and attributes from the store and leaves out a message whose record is gone', async () => {
    const url = await h.createQueue('q');
    const a = await h.send(url, 'first');
    const b = await h.send(url, 'second', { MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } });
    // Delete the first message's record behind the engine's back: its index entry stays in memory.
    let bodyKey: Buffer | undefined;
    for await (const [k, v] of h.store.scan(Buffer.from('m/'))) {
      if (v.toString().includes('"first"')) bodyKey = k;
    }
    expect(bodyKey).toBeDefined();
    await h.store.begin().del(bodyKey!).commit();
    const got = await h.receive(url, { MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['SenderId', 'ApproximateReceiveCount'] });
    expect(got.map((m) => [m.MessageId, m.Body])).toEqual([[b.MessageId, 'second']]);
    expect(got[0].MessageAttributes).toEqual({ k: { DataType: 'String', StringValue: 'v' } });
    expect(got[0].MD5OfMessageAttributes).toBe(b.MD5OfMessageAttributes);
    expect(got[0].Attributes).toEqual({ SenderId: expect.any(String), ApproximateReceiveCount: '1' });
    expect(a.MessageId).not.toBe(b.MessageId);
  });
});
