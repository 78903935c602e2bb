"""Retry paths of the Python clients against Tandem's fault injection (faults.test.ts sets the rule
first): boto3 sends one message through an injected throttle; confluent-kafka (librdkafka) produces
one record through an injected NOT_LEADER_OR_FOLLOWER or a dropped response, idempotent or not.
Prints one JSON line. Usage:
  faults_retry.py boto3 ENDPOINT QUEUE_URL
  faults_retry.py produce BROKER TOPIC IDEMPOTENT(0|1)"""
import json
import sys

mode = sys.argv[1]
if mode == 'boto3':
    import boto3
    from botocore.config import Config
    endpoint, url = sys.argv[2], sys.argv[3]
    sqs = boto3.client('sqs', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='test',
                       aws_secret_access_key='test', config=Config(retries={'mode': 'standard', 'max_attempts': 3}))
    res = sqs.send_message(QueueUrl=url, MessageBody='from boto3')
    print(json.dumps({'retries': res['ResponseMetadata']['RetryAttempts'], 'sent': 'MessageId' in res}))
else:
    from confluent_kafka import Producer
    broker, topic, idempotent = sys.argv[2], sys.argv[3], sys.argv[4] == '1'
    delivered = []
    p = Producer({'bootstrap.servers': broker, 'enable.idempotence': idempotent, 'linger.ms': 0,
                  'retry.backoff.ms': 20, 'message.timeout.ms': 30000})
    p.produce(topic, value=b'once', partition=0, on_delivery=lambda err, m: delivered.append([err and err.name(), m.offset()]))
    p.flush(30)
    print(json.dumps({'delivered': delivered}))
