import { XMLParser } from 'fast-xml-parser';
import { OPERATION_MODELS } from '../../src/sqs/protocol/model.js';
import { errorResponse, successResponse, unknownOperationResponse } from '../../src/sqs/protocol/respond.js';
import { encodeXmlOutput, escapeXml } from '../../src/sqs/protocol/xml.js';

const op = (name: string) => OPERATION_MODELS.get(name)!;
const NS = 'xmlns="http://queue.amazonaws.com/doc/2012-11-05/"';

describe('escapeXml', () => {
  it('escapes as SQS does: & < > " and CR', () => {
    expect(escapeXml(`a&b<c>d"e'f\r\ng\th`)).toBe(`a&amp;b&lt;c&gt;d&quot;e'f&#xD;\ng\th`);
  });

  it('returns text without special characters unchanged', () => {
    const s = 'plain text 😀';
    expect(escapeXml(s)).toBe(s);
  });

  it('survives a round trip through an XML parser, CR included', () => {
    const body = 'line1\r\nline2 "q" <tag> & done';
    const xml = `<Body>${escapeXml(body)}</Body>`;
    expect(new XMLParser({ processEntities: true, htmlEntities: true, trimValues: false }).parse(xml).Body).toBe(body);
  });
});

describe('XML output encoding', () => {
  it('writes received messages with flattened Message, Attribute and MessageAttribute elements', () => {
    const xml = encodeXmlOutput(op('ReceiveMessage').output, {
      Messages: [
        {
          MessageId: 'id1',
          ReceiptHandle: 'rh',
          MD5OfBody: 'md5',
          Body: '<x a="1"/>\r',
          Attributes: { SenderId: 'AIDA', SentTimestamp: '1700000000000' },
          MD5OfMessageAttributes: 'amd5',
          MessageAttributes: {
            s: { DataType: 'String', StringValue: 'v&' },
            b: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
            l: { DataType: 'String', StringListValues: ['x', 'y'] },
          },
        },
        { MessageId: 'id2', Body: 'b' },
      ],
    });
    expect(xml).toBe(
      '<Message><MessageId>id1</MessageId><ReceiptHandle>rh</ReceiptHandle><MD5OfBody>md5</MD5OfBody>' +
        '<Body>&lt;x a=&quot;1&quot;/&gt;&#xD;</Body>' +
        '<Attribute><Name>SenderId</Name><Value>AIDA</Value></Attribute><Attribute><Name>SentTimestamp</Name><Value>1700000000000</Value></Attribute>' +
        '<MD5OfMessageAttributes>amd5</MD5OfMessageAttributes>' +
        '<MessageAttribute><Name>s</Name><Value><StringValue>v&amp;</StringValue><DataType>String</DataType></Value></MessageAttribute>' +
        '<MessageAttribute><Name>b</Name><Value><BinaryValue>AQID</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute>' +
        '<MessageAttribute><Name>l</Name><Value><StringListValue>x</StringListValue><StringListValue>y</StringListValue><DataType>String</DataType></Value></MessageAttribute>' +
        '</Message><Message><MessageId>id2</MessageId><Body>b</Body></Message>',
    );
  });

  it('writes queue URL lists, tags and queue attributes with their Query element names', () => {
    expect(encodeXmlOutput(op('ListQueues').output, { QueueUrls: ['u1', 'u2'], NextToken: 't' })).toBe('<QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl><NextToken>t</NextToken>');
    expect(encodeXmlOutput(op('ListDeadLetterSourceQueues').output, { queueUrls: ['u1'] })).toBe('<QueueUrl>u1</QueueUrl>');
    expect(encodeXmlOutput(op('ListQueueTags').output, { Tags: { a: '1' } })).toBe('<Tag><Key>a</Key><Value>1</Value></Tag>');
    expect(encodeXmlOutput(op('GetQueueAttributes').output, { Attributes: { Policy: '{"a":1}' } })).toBe(
      '<Attribute><Name>Policy</Name><Value>{&quot;a&quot;:1}</Value></Attribute>',
    );
  });

  it('writes batch results with per-operation entry names and booleans as true/false', () => {
    const failed = [{ Id: 'b', SenderFault: false, Code: 'InternalError', Message: 'm' }];
    expect(encodeXmlOutput(op('SendMessageBatch').output, { Successful: [{ Id: 'a', MessageId: 'm', MD5OfMessageBody: 'x', SequenceNumber: '1' }], Failed: failed })).toBe(
      '<SendMessageBatchResultEntry><Id>a</Id><MessageId>m</MessageId><MD5OfMessageBody>x</MD5OfMessageBody><SequenceNumber>1</SequenceNumber></SendMessageBatchResultEntry>' +
        '<BatchResultErrorEntry><Id>b</Id><SenderFault>false</SenderFault><Code>InternalError</Code><Message>m</Message></BatchResultErrorEntry>',
    );
    expect(encodeXmlOutput(op('DeleteMessageBatch').output, { Successful: [{ Id: 'a' }], Failed: [] })).toBe('<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>');
    expect(encodeXmlOutput(op('ChangeMessageVisibilityBatch').output, { Successful: [{ Id: 'a' }], Failed: [] })).toBe(
      '<ChangeMessageVisibilityBatchResultEntry><Id>a</Id></ChangeMessageVisibilityBatchResultEntry>',
    );
  });

  it('writes move tasks as ListMessageMoveTasksResultEntry with numbers', () => {
    expect(encodeXmlOutput(op('ListMessageMoveTasks').output, { Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 3, StartedTimestamp: 1700000000000 }] })).toBe(
      '<ListMessageMoveTasksResultEntry><Status>RUNNING</Status><ApproximateNumberOfMessagesMoved>3</ApproximateNumberOfMessagesMoved><StartedTimestamp>1700000000000</StartedTimestamp></ListMessageMoveTasksResultEntry>',
    );
  });
});

describe('whole responses', () => {
  it('wraps a result in OpResponse/OpResult with the request id', () => {
    const r = successResponse('query', op('CreateQueue'), { QueueUrl: 'http://h/000000000000/q' }, 'rid');
    expect(r.status).toBe(200);
    expect(r.body).toBe(
      `<?xml version="1.0"?><CreateQueueResponse ${NS}><CreateQueueResult><QueueUrl>http://h/000000000000/q</QueueUrl></CreateQueueResult>` +
        '<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></CreateQueueResponse>',
    );
    expect(r.headers).toEqual({ 'content-type': 'text/xml', 'x-amzn-RequestId': 'rid', 'content-length': Buffer.byteLength(r.body) });
  });

  it('writes an empty result as a self-closing element, and no result element for output-less operations', () => {
    expect(successResponse('query', op('ReceiveMessage'), {}, 'r').body).toContain('<ReceiveMessageResponse ' + NS + '><ReceiveMessageResult/><ResponseMetadata>');
    expect(successResponse('query', op('DeleteMessage'), {}, 'r').body).toBe(
      `<?xml version="1.0"?><DeleteMessageResponse ${NS}><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteMessageResponse>`,
    );
  });

  it('counts content-length in bytes, not characters', () => {
    const r = successResponse('json', op('GetQueueUrl'), { QueueUrl: 'é😀' }, 'r');
    expect(r.headers['content-length']).toBe(Buffer.byteLength(r.body));
    expect(r.headers['content-length']).not.toBe(r.body.length);
  });

  it('renders errors over JSON with __type, message and the query-compatible headers', () => {
    const r = errorResponse('json', 'QueueDoesNotExist', 'The specified queue does not exist.', 'rid');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
    expect(r.headers['x-amzn-query-error']).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    // Absent: the AWS SDK for Java v2 would take the namespaced type from it verbatim and miss
    // QueueDoesNotExistException (compat-tests/java proves the class it throws).
    expect(r.headers).not.toHaveProperty('x-amzn-ErrorType');
    expect(r.headers['content-type']).toBe('application/x-amz-json-1.0');

    const coral = errorResponse('json', 'InvalidParameterValue', 'Value 11 for parameter MaxNumberOfMessages is invalid.', 'rid');
    expect(JSON.parse(coral.body).__type).toBe('com.amazon.coral.service#InvalidParameterValueException');
    expect(coral.headers['x-amzn-query-error']).toBe('InvalidParameterValue;Sender');
    expect(JSON.parse(errorResponse('json', 'MissingParameter', 'm', 'r').body).__type).toBe('com.amazon.coral.service#MissingRequiredParameterException');
  });

  it('uses the modelled HTTP status in both protocols', () => {
    expect(errorResponse('json', 'PurgeQueueInProgress', 'm', 'r').status).toBe(403);
    expect(errorResponse('query', 'PurgeQueueInProgress', 'm', 'r').status).toBe(403);
    expect(errorResponse('query', 'ReceiptHandleIsInvalid', 'm', 'r').status).toBe(404);
  });

  it('renders errors over Query as ErrorResponse with the query code and escaped message', () => {
    const r = errorResponse('query', 'ReceiptHandleIsInvalid', 'The input receipt handle "a<b" is not a valid receipt handle.', 'rid');
    expect(r.body).toBe(
      `<?xml version="1.0"?><ErrorResponse ${NS}><Error><Type>Sender</Type><Code>ReceiptHandleIsInvalid</Code>` +
        '<Message>The input receipt handle &quot;a&lt;b&quot; is not a valid receipt handle.</Message><Detail/></Error><RequestId>rid</RequestId></ErrorResponse>',
    );
    expect(errorResponse('query', 'QueueDoesNotExist', 'The specified queue does not exist.', 'r').body).toContain(
      '<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist for this wsdl version.</Message>',
    );
  });

  it('marks internal failures as the receiver’s fault with status 500', () => {
    const q = errorResponse('query', 'InternalFailure', 'boom', 'r');
    expect(q.status).toBe(500);
    expect(q.body).toContain('<Type>Receiver</Type><Code>InternalFailure</Code>');
    expect(errorResponse('json', 'InternalFailure', 'boom', 'r').headers['x-amzn-query-error']).toBe('InternalFailure;Receiver');
  });

  it('answers a Query request without Action with a bare 404 UnknownOperationException', () => {
    const r = unknownOperationResponse('r');
    expect([r.status, r.body]).toEqual([404, '<UnknownOperationException/>']);
  });
});
