import { SqsError } from '../../src/sqs/semantics/api.js';
import { OPERATION_MODELS } from '../../src/sqs/protocol/model.js';
import { decodeQueryInput, newFormTree, parseForm, type FormTree } from '../../src/sqs/protocol/query.js';

function tree(form: string): FormTree {
  const t = newFormTree();
  parseForm(form, t);
  return t;
}

function decode(op: string, form: string): Record<string, unknown> {
  return decodeQueryInput(OPERATION_MODELS.get(op)!.input, tree(form));
}

function decodeError(op: string, form: string): SqsError {
  try {
    decode(op, form);
  } catch (e) {
    if (e instanceof SqsError) return e;
    throw e;
  }
  throw new Error('expected an SqsError');
}

const Q = 'QueueUrl=http%3A%2F%2Flocalhost%3A9324%2F000000000000%2Fq';
const URL = 'http://localhost:9324/000000000000/q';

describe('parseForm', () => {
  it('decodes %-escapes and + as space, and splits keys into a tree', () => {
    const t = tree('Action=SendMessage&MessageBody=a+b%26c%3Dd%F0%9F%98%80&MessageAttribute.1.Value.DataType=String');
    expect(t.Action).toBe('SendMessage');
    expect(t.MessageBody).toBe('a b&c=d😀');
    expect(t.MessageAttribute).toEqual({ 1: { Value: { DataType: 'String' } } });
  });

  it('keeps the last of repeated keys, takes bare keys as empty values and skips empty pairs', () => {
    const t = tree('A=1&&A=2&B&=x&C=');
    expect({ ...t }).toEqual({ A: '2', B: '', C: '' });
  });

  it('survives malformed %-sequences instead of throwing', () => {
    expect(tree('MessageBody=100%25%zz%').MessageBody).toBe('100%%zz%');
  });

  it('treats __proto__ and constructor as ordinary parameter names', () => {
    const t = tree('__proto__.polluted=1&constructor=x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(t.constructor).toBe('x');
  });

  it('lets sub-parameters win over a bare value of the same name', () => {
    expect(tree('Attribute=&Attribute.1.Name=A').Attribute).toEqual({ 1: { Name: 'A' } });
    expect(tree('Attribute.1.Name=A&Attribute=x').Attribute).toEqual({ 1: { Name: 'A' } });
  });
});

describe('Query input decoding', () => {
  it('reads plain string and integer members', () => {
    expect(decode('ChangeMessageVisibility', `${Q}&ReceiptHandle=rh&VisibilityTimeout=-5`)).toEqual({
      QueueUrl: URL,
      ReceiptHandle: 'rh',
      VisibilityTimeout: -5,
    });
  });

  it('reads Attribute.N.Name/Value maps and Tag.N.Key/Value maps', () => {
    expect(
      decode(
        'CreateQueue',
        'QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5&Attribute.2.Name=Policy&Attribute.2.Value=' +
          '&Tag.1.Key=team&Tag.1.Value=core&Tag.2.Key=env&Tag.2.Value=dev',
      ),
    ).toEqual({ QueueName: 'q', Attributes: { DelaySeconds: '5', Policy: '' }, tags: { team: 'core', env: 'dev' } });
    expect(decode('TagQueue', `${Q}&Tag.1.Key=a&Tag.1.Value=b`)).toEqual({ QueueUrl: URL, Tags: { a: 'b' } });
    expect(decode('SetQueueAttributes', `${Q}&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=60`)).toEqual({
      QueueUrl: URL,
      Attributes: { VisibilityTimeout: '60' },
    });
  });

  it('keeps a map key named __proto__ as an entry, not as a prototype', () => {
    const input = decode('SendMessage', `${Q}&MessageBody=x&MessageAttribute.1.Name=__proto__&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v`);
    const attrs = input.MessageAttributes as Record<string, unknown>;
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(Object.keys(attrs)).toEqual(['__proto__']);
    expect(decode('TagQueue', `${Q}&Tag.1.Key=k`).Tags).toEqual({ k: '' });
  });

  it('reads flattened lists in index order, whatever order they arrive in', () => {
    const form = Array.from({ length: 11 }, (_, i) => `AttributeName.${11 - i}=N${11 - i}`).join('&');
    expect(decode('GetQueueAttributes', `${Q}&${form}`).AttributeNames).toEqual(Array.from({ length: 11 }, (_, i) => `N${i + 1}`));
    expect(decode('UntagQueue', `${Q}&TagKey.1=a&TagKey.2=b`).TagKeys).toEqual(['a', 'b']);
    expect(decode('AddPermission', `${Q}&Label=l&AWSAccountId.1=111122223333&ActionName.1=SendMessage&ActionName.2=*`)).toEqual({
      QueueUrl: URL,
      Label: 'l',
      AWSAccountIds: ['111122223333'],
      Actions: ['SendMessage', '*'],
    });
  });

  it('reads the receive-side name lists', () => {
    expect(
      decode(
        'ReceiveMessage',
        `${Q}&AttributeName.1=All&MessageAttributeName.1=foo.*&MessageSystemAttributeName.1=SenderId&MaxNumberOfMessages=10&WaitTimeSeconds=20&ReceiveRequestAttemptId=x`,
      ),
    ).toEqual({
      QueueUrl: URL,
      AttributeNames: ['All'],
      MessageAttributeNames: ['foo.*'],
      MessageSystemAttributeNames: ['SenderId'],
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
      ReceiveRequestAttemptId: 'x',
    });
  });

  it('reads an empty list written as the bare name (botocore) as []', () => {
    expect(decode('GetQueueAttributes', `${Q}&AttributeName=`).AttributeNames).toEqual([]);
  });

  it('reads message attributes of every value kind, blobs as Buffers', () => {
    const bin = Buffer.from([0, 1, 2, 250, 255]);
    const input = decode(
      'SendMessage',
      `${Q}&MessageBody=hi&DelaySeconds=3` +
        '&MessageAttribute.1.Name=s&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v' +
        `&MessageAttribute.2.Name=b&MessageAttribute.2.Value.DataType=Binary&MessageAttribute.2.Value.BinaryValue=${encodeURIComponent(bin.toString('base64'))}` +
        '&MessageAttribute.3.Name=l&MessageAttribute.3.Value.DataType=String&MessageAttribute.3.Value.StringListValue.1=x&MessageAttribute.3.Value.StringListValue.2=y' +
        '&MessageAttribute.4.Name=bl&MessageAttribute.4.Value.DataType=Binary&MessageAttribute.4.Value.BinaryListValue.1=AQI%3D' +
        '&MessageSystemAttribute.1.Name=AWSTraceHeader&MessageSystemAttribute.1.Value.DataType=String&MessageSystemAttribute.1.Value.StringValue=Root%3D1-abc' +
        '&MessageGroupId=g&MessageDeduplicationId=d',
    );
    expect(input).toEqual({
      QueueUrl: URL,
      MessageBody: 'hi',
      DelaySeconds: 3,
      MessageAttributes: {
        s: { DataType: 'String', StringValue: 'v' },
        b: { DataType: 'Binary', BinaryValue: bin },
        l: { DataType: 'String', StringListValues: ['x', 'y'] },
        bl: { DataType: 'Binary', BinaryListValues: [Buffer.from([1, 2])] },
      },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } },
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd',
    });
    expect(Buffer.isBuffer((input.MessageAttributes as Record<string, { BinaryValue?: unknown }>).b.BinaryValue)).toBe(true);
  });

  it('reads the three batch entry lists, named after their operation', () => {
    expect(
      decode(
        'SendMessageBatch',
        `${Q}&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.1.DelaySeconds=1` +
          '&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y' +
          '&SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=n&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=Number&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue=1',
      ).Entries,
    ).toEqual([
      { Id: 'a', MessageBody: 'x', DelaySeconds: 1 },
      { Id: 'b', MessageBody: 'y', MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } } },
    ]);
    expect(decode('DeleteMessageBatch', `${Q}&DeleteMessageBatchRequestEntry.1.Id=a&DeleteMessageBatchRequestEntry.1.ReceiptHandle=r`).Entries).toEqual([
      { Id: 'a', ReceiptHandle: 'r' },
    ]);
    expect(
      decode(
        'ChangeMessageVisibilityBatch',
        `${Q}&ChangeMessageVisibilityBatchRequestEntry.1.Id=a&ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=r&ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=9`,
      ).Entries,
    ).toEqual([{ Id: 'a', ReceiptHandle: 'r', VisibilityTimeout: 9 }]);
  });

  it('ignores parameters the model does not name', () => {
    expect(decode('DeleteQueue', `Action=DeleteQueue&Version=2012-11-05&${Q}&Foo=1&Foo.1.Bar=x&AWSAccessKeyId=k`)).toEqual({ QueueUrl: URL });
  });

  it('answers a missing required member as AWS does', () => {
    const missing = decodeError('SendMessage', Q);
    expect([missing.code, missing.message]).toEqual(['MissingParameter', 'The request must contain the parameter MessageBody.']);
    const entry = decodeError('SendMessageBatch', `${Q}&SendMessageBatchRequestEntry.1.Id=a`);
    expect(entry.message).toBe('The request must contain the parameter SendMessageBatchRequestEntry.1.MessageBody.');
    const dataType = decodeError('SendMessage', `${Q}&MessageBody=x&MessageAttribute.1.Name=a&MessageAttribute.1.Value.StringValue=v`);
    expect(dataType.message).toBe('The request must contain the parameter MessageAttribute.1.Value.DataType.');
    expect(decodeError('DeleteQueue', '').code).toBe('QueueDoesNotExist');
    const name = decodeError('CreateQueue', 'FooBar=baz');
    expect([name.code, name.message]).toEqual(['InvalidParameterValue', 'Value for parameter QueueName is invalid. Reason: Must specify a queue name.']);
  });

  it('passes a batch without entries on as [] so semantics can say EmptyBatchRequest', () => {
    expect(decode('DeleteMessageBatch', Q)).toEqual({ QueueUrl: URL, Entries: [] });
  });

  it('refuses values that are not of the member type with InvalidParameterValue', () => {
    for (const bad of ['abc', '1.5', '', '2147483648', '0x10']) {
      const e = decodeError('ReceiveMessage', `${Q}&MaxNumberOfMessages=${bad}`);
      expect([e.code, e.message]).toEqual(['InvalidParameterValue', `Value ${bad} for parameter MaxNumberOfMessages is invalid. Reason: Must be an integer.`]);
    }
    const nested = decodeError('ChangeMessageVisibilityBatch', `${Q}&ChangeMessageVisibilityBatchRequestEntry.1.Id=a&ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=r&ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=x`);
    expect(nested.message).toContain('parameter ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout ');
  });
});
