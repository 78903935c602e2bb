"""boto3 1.44 (AWS JSON 1.0 protocol) against Tandem's SQS, the way its quick start uses it: create a
queue, send with message attributes, receive, delete, batch send and batch delete, a FIFO round trip,
and QueueDoesNotExist caught as the modelled exception class. Prints one JSON line; the jest test
(python.test.ts) checks every value against what AWS answers, computing digests on its own side.
Usage: boto3_sqs.py ENDPOINT PREFIX"""
import base64
import json
import sys

import boto3
import botocore

endpoint, prefix = sys.argv[1], sys.argv[2]
sqs = boto3.client('sqs', endpoint_url=endpoint, region_name='us-east-1',
                   aws_access_key_id='test', aws_secret_access_key='test',
                   config=botocore.config.Config(retries={'max_attempts': 1}))
out = {'boto3': boto3.__version__, 'botocore': botocore.__version__,
       'protocol': sqs.meta.service_model.protocol}

# --- standard queue: create, send with attributes, receive, delete ---
url = sqs.create_queue(QueueName=prefix + '-orders', Attributes={'VisibilityTimeout': '45'},
                       tags={'team': 'py'})['QueueUrl']
out['url'] = url
out['url_again'] = sqs.get_queue_url(QueueName=prefix + '-orders')['QueueUrl']
out['visibility'] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['VisibilityTimeout'])['Attributes']
sent = sqs.send_message(QueueUrl=url, MessageBody='order #1', MessageAttributes={
    'customer': {'DataType': 'String', 'StringValue': 'ada'},
    'amount': {'DataType': 'Number', 'StringValue': '12.5'},
    'blob': {'DataType': 'Binary', 'BinaryValue': b'\x00\x01\xfe'},
})
out['sent'] = {k: sent[k] for k in ('MessageId', 'MD5OfMessageBody', 'MD5OfMessageAttributes')}
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                          MessageAttributeNames=['All'], MessageSystemAttributeNames=['All'])['Messages']
m = got[0]
attrs = {name: dict(v) for name, v in m['MessageAttributes'].items()}
attrs['blob']['BinaryValue'] = base64.b64encode(attrs['blob']['BinaryValue']).decode()
out['received'] = {
    'count': len(got),
    'MessageId': m['MessageId'],
    'Body': m['Body'],
    'MD5OfBody': m['MD5OfBody'],
    'MD5OfMessageAttributes': m['MD5OfMessageAttributes'],
    'MessageAttributes': attrs,
    'ApproximateReceiveCount': m['Attributes']['ApproximateReceiveCount'],
    'SenderId': m['Attributes']['SenderId'],
}
sqs.delete_message(QueueUrl=url, ReceiptHandle=m['ReceiptHandle'])
out['after_delete'] = sqs.get_queue_attributes(
    QueueUrl=url, AttributeNames=['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])['Attributes']

# --- batches: three sent, their three receipt handles plus a forged one deleted ---
batch = sqs.send_message_batch(QueueUrl=url, Entries=[
    {'Id': 'a', 'MessageBody': 'first'},
    {'Id': 'b', 'MessageBody': 'second', 'DelaySeconds': 0},
    {'Id': 'c', 'MessageBody': 'third', 'MessageAttributes': {'n': {'DataType': 'Number', 'StringValue': '3'}}},
])
out['batch_sent'] = sorted([e['Id'], e['MD5OfMessageBody']] for e in batch['Successful'])
out['batch_send_failed'] = batch.get('Failed', [])
bodies = {}
while len(bodies) < 3:
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get('Messages', [])
    if not msgs:
        break
    for msg in msgs:
        bodies[msg['Body']] = msg['ReceiptHandle']
out['batch_received'] = sorted(bodies)
entries = [{'Id': 'd%d' % i, 'ReceiptHandle': h} for i, h in enumerate(bodies.values())]
entries.append({'Id': 'forged', 'ReceiptHandle': 'not-a-receipt-handle'})
deleted = sqs.delete_message_batch(QueueUrl=url, Entries=entries)
out['batch_deleted'] = sorted(e['Id'] for e in deleted['Successful'])
out['batch_delete_failed'] = [{k: e[k] for k in ('Id', 'Code', 'SenderFault')} for e in deleted.get('Failed', [])]

# --- FIFO: content-based dedup, order within a group ---
fifo = sqs.create_queue(QueueName=prefix + '-ledger.fifo',
                        Attributes={'FifoQueue': 'true', 'ContentBasedDeduplication': 'true'})['QueueUrl']
fifo_sent = [sqs.send_message(QueueUrl=fifo, MessageBody=body, MessageGroupId='acct-1')
             for body in ('debit 5', 'credit 7', 'debit 2')]
dup = sqs.send_message(QueueUrl=fifo, MessageBody='debit 5', MessageGroupId='acct-1')
out['fifo_sequence_increasing'] = [int(s['SequenceNumber']) for s in fifo_sent] == sorted(int(s['SequenceNumber']) for s in fifo_sent)
out['fifo_dup_same_id'] = dup['MessageId'] == fifo_sent[0]['MessageId']
fifo_got = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                               MessageSystemAttributeNames=['All'])['Messages']
out['fifo_received'] = [[f['Body'], f['Attributes']['MessageGroupId'], f['Attributes']['SequenceNumber']] for f in fifo_got]
out['fifo_sent_sequence'] = [s['SequenceNumber'] for s in fifo_sent]
# While acct-1's messages are in flight the group is locked: nothing more to receive.
out['fifo_locked'] = sqs.receive_message(QueueUrl=fifo, WaitTimeSeconds=0).get('Messages', [])
sqs.delete_message_batch(QueueUrl=fifo, Entries=[{'Id': str(i), 'ReceiptHandle': f['ReceiptHandle']}
                                                 for i, f in enumerate(fifo_got)])

# --- errors: the modelled exception class, and a validation error ---
try:
    sqs.get_queue_url(QueueName=prefix + '-missing')
    out['missing'] = 'found'
except sqs.exceptions.QueueDoesNotExist as e:
    out['missing'] = {'class': type(e).__name__, 'code': e.response['Error']['Code'],
                      'message': e.response['Error']['Message'],
                      'status': e.response['ResponseMetadata']['HTTPStatusCode']}
try:
    sqs.send_message(QueueUrl=fifo, MessageBody='no group')
    out['no_group'] = 'sent'
except botocore.exceptions.ClientError as e:
    out['no_group'] = {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'],
                       'status': e.response['ResponseMetadata']['HTTPStatusCode']}

sqs.delete_queue(QueueUrl=url)
sqs.delete_queue(QueueUrl=fifo)
out['listed_after'] = sqs.list_queues(QueueNamePrefix=prefix).get('QueueUrls', [])
print(json.dumps(out))
