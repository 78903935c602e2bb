import { SqsError } from '../../src/sqs/semantics/api.js';
import { decodeJsonInput, encodeJsonOutput } from '../../src/sqs/protocol/json.js';
import { OPERATION_MODELS } from '../../src/sqs/protocol/model.js';

const op = (name: string) => OPERATION_MODELS.get(name)!;

function decodeError(name: string, body: unknown): SqsError {
  try {
    decodeJsonInput(op(name).input, body);
  } catch (e) {
    if (e instanceof SqsError) return e;
    throw e;
  }
  throw new Error('expected an SqsError');
}

describe('JSON input decoding', () => {
  it('turns base64 blobs into Buffers at any depth and keeps everything else', () => {
    // The same request twice: blobs as the wire carries them, and as semantics must get them.
    const batch = (blob: (bytes: Buffer) => unknown) => ({
      QueueUrl: 'u',
      Entries: [
        {
          Id: 'a',
          MessageBody: 'x',
          DelaySeconds: 0,
          MessageAttributes: {
            b: { DataType: 'Binary', BinaryValue: blob(Buffer.from('hello')) },
            bl: { DataType: 'Binary', BinaryListValues: [blob(Buffer.from([1, 2]))] },
          },
        },
      ],
    });
    const input = decodeJsonInput(op('SendMessageBatch').input, batch((b) => b.toString('base64')));
    expect(input).toEqual(batch((b) => b));
  });

  it('reads the lowercase tags member of CreateQueue', () => {
    expect(decodeJsonInput(op('CreateQueue').input, { QueueName: 'q', tags: { a: 'b' }, Attributes: { DelaySeconds: '1' } })).toEqual({
      QueueName: 'q',
      tags: { a: 'b' },
      Attributes: { DelaySeconds: '1' },
    });
  });

  it('treats null as absent and drops members the model does not know', () => {
    expect(decodeJsonInput(op('ReceiveMessage').input, { QueueUrl: 'u', WaitTimeSeconds: null, Extra: 1, __proto__x: 2 })).toEqual({ QueueUrl: 'u' });
  });

  it('keeps a map key named __proto__ as an entry, not as a prototype', () => {
    const input = decodeJsonInput(op('TagQueue').input, JSON.parse('{"QueueUrl":"u","Tags":{"__proto__":"x","a":"b"}}'));
    expect(Object.getPrototypeOf(input.Tags)).toBe(Object.prototype);
    expect(Object.entries(input.Tags as Record<string, string>)).toEqual([
      ['__proto__', 'x'],
      ['a', 'b'],
    ]);
  });

  it('answers a wrong JSON type with SerializationException', () => {
    const cases: [string, unknown, string][] = [
      ['ReceiveMessage', { QueueUrl: 'u', MaxNumberOfMessages: '10' }, 'STRING_VALUE can not be converted to an Integer'],
      ['ReceiveMessage', { QueueUrl: 'u', MaxNumberOfMessages: 1.5 }, 'NUMBER_VALUE can not be converted to an Integer'],
      ['ReceiveMessage', { QueueUrl: 'u', AttributeNames: 'All' }, 'STRING_VALUE can not be converted to a List'],
      ['SendMessage', { QueueUrl: 'u', MessageBody: 5 }, 'NUMBER_VALUE can not be converted to a String'],
      ['SendMessage', { QueueUrl: 'u', MessageBody: 'x', MessageAttributes: [] }, 'START_ARRAY can not be converted to a Map'],
      ['SendMessage', { QueueUrl: ['u'], MessageBody: 'x' }, 'START_ARRAY can not be converted to a String'],
    ];
    for (const [name, body, message] of cases) {
      const e = decodeError(name, body);
      expect([e.code, e.message]).toEqual(['SerializationException', message]);
    }
    expect(decodeError('DeleteQueue', [1]).code).toBe('SerializationException');
  });

  it('answers a missing required member as AWS does', () => {
    const e = decodeError('DeleteMessage', { QueueUrl: 'u' });
    expect([e.code, e.message]).toEqual(['MissingParameter', 'The request must contain the parameter ReceiptHandle.']);
    expect(decodeError('DeleteMessage', { ReceiptHandle: 'r' }).code).toBe('QueueDoesNotExist');
    expect(decodeError('GetQueueUrl', {}).code).toBe('InvalidParameterValue');
    expect(decodeJsonInput(op('SendMessageBatch').input, { QueueUrl: 'u' })).toEqual({ QueueUrl: 'u', Entries: [] });
  });
});

describe('JSON output encoding', () => {
  it('writes members in model order, blobs as base64, and skips absent members', () => {
    const text = encodeJsonOutput(op('ReceiveMessage').output, {
      Messages: [
        {
          Body: 'say "hi"\n',
          MessageId: 'm',
          ReceiptHandle: undefined,
          Attributes: { SentTimestamp: '1' },
          MessageAttributes: { b: { DataType: 'Binary', BinaryValue: Buffer.from([255]) }, n: { DataType: 'Number', StringValue: '1' } },
          Internal: 'not in the model',
        },
      ],
    });
    expect(text).toBe(
      '{"Messages":[{"MessageId":"m","Body":"say \\"hi\\"\\n","Attributes":{"SentTimestamp":"1"},' +
        '"MessageAttributes":{"b":{"BinaryValue":"/w==","DataType":"Binary"},"n":{"StringValue":"1","DataType":"Number"}}}]}',
    );
    expect(JSON.parse(text).Messages[0].Body).toBe('say "hi"\n');
  });

  it('writes any string as valid JSON that reads back unchanged', () => {
    for (const body of ['plain', 'q"uote', 'back\\slash', 'ctl\u0001\t\r\n', 'emoji 😀', 'lone \ud800 surrogate', 'line\u2028sep', '']) {
      const text = encodeJsonOutput(op('GetQueueUrl').output, { QueueUrl: body });
      expect(text).toBe(`{"QueueUrl":${JSON.stringify(body)}}`);
      expect(JSON.parse(text).QueueUrl).toBe(body);
    }
  });

  it('writes integers, longs and booleans as JSON numbers and booleans', () => {
    expect(encodeJsonOutput(op('CancelMessageMoveTask').output, { ApproximateNumberOfMessagesMoved: 12 })).toBe('{"ApproximateNumberOfMessagesMoved":12}');
    expect(encodeJsonOutput(op('DeleteMessageBatch').output, { Successful: [], Failed: [{ Id: 'a', SenderFault: true, Code: 'X' }] })).toBe(
      '{"Failed":[{"Id":"a","SenderFault":true,"Code":"X"}]}',
    );
    // AWS leaves an empty list or map of the output out rather than sending it empty.
    expect(encodeJsonOutput(op('GetQueueAttributes').output, { Attributes: {} })).toBe('{}');
  });

  it('writes {} for operations without output and for empty results', () => {
    expect(encodeJsonOutput(op('DeleteQueue').output, {})).toBe('{}');
    expect(encodeJsonOutput(op('ReceiveMessage').output, {})).toBe('{}');
  });

  it('refuses to send an integer member that is not an integer', () => {
    expect(() => encodeJsonOutput(op('CancelMessageMoveTask').output, { ApproximateNumberOfMessagesMoved: 'many' })).toThrow(TypeError);
  });
});
