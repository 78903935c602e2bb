"""kafka-python 2.0.2 for the record-batch tests: produce with a codec (snappy is written in
snappy-java's xerial framing, as kafka-python does by default), or consume a partition from the start.

usage: records_client.py produce BROKER TOPIC CODEC N | consume BROKER TOPIC N
Prints one JSON line.
"""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

mode, broker, topic = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == 'produce':
    codec, n = sys.argv[4], int(sys.argv[5])
    producer = KafkaProducer(bootstrap_servers=broker, acks='all', compression_type=codec, linger_ms=50)
    futures = [producer.send(topic, partition=0, key=b'k%d' % i, value=b'py %d' % i, headers=[('h', b'v%d' % i)]) for i in range(n)]
    producer.flush()
    offsets = [f.get(timeout=30).offset for f in futures]
    producer.close()
    print(json.dumps({'offsets': offsets}))
else:
    n = int(sys.argv[4])
    consumer = KafkaConsumer(bootstrap_servers=broker, enable_auto_commit=False, consumer_timeout_ms=20000)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    out = []
    for msg in consumer:
        out.append({'offset': msg.offset, 'value': msg.value.decode(), 'timestamp': msg.timestamp})
        if len(out) >= n:
            break
    consumer.close()
    print(json.dumps({'records': out}))
