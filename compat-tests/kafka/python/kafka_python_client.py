"""kafka-python 2.0.2 against the emulator: version inference, produce (acks=all, gzip), consume
from chosen offsets with assign(), offsets_for_times, admin topics and configs.
Prints one JSON object; the jest test asserts on it. Usage: kafka_python_client.py BROKER TOPIC"""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
from kafka.errors import InvalidTopicError, TopicAlreadyExistsError

broker, topic = sys.argv[1], sys.argv[2]
out = {}


def until(fetch, ok, seconds=15):
    """Real Kafka applies topic creations, deletions and config changes to what its brokers answer a
    moment after acknowledging them; poll until `ok` (Tandem: at once). An error counts as not yet.
    Returns the last answer, or raises the last error, when `seconds` have passed."""
    deadline = time.time() + seconds
    while True:
        try:
            got = fetch()
            if ok(got):
                return got
        except Exception:
            if time.time() > deadline:
                raise
        else:
            if time.time() > deadline:
                return got
        time.sleep(0.05)


admin = KafkaAdminClient(bootstrap_servers=broker, request_timeout_ms=10000)
out['api_version'] = list(admin.config['api_version'])
admin.create_topics([NewTopic(topic, 2, 1, topic_configs={'retention.ms': '86400000'})])
try:
    admin.create_topics([NewTopic(topic, 2, 1)])
    out['duplicate'] = 'created'
except TopicAlreadyExistsError:
    out['duplicate'] = 'TopicAlreadyExistsError'
try:
    admin.create_topics([NewTopic('bad name!', 1, 1)])
    out['bad_name'] = 'created'
except InvalidTopicError:
    out['bad_name'] = 'InvalidTopicError'
configs = until(lambda: admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])[0].resources[0][4], len)
out['configs'] = {name: {'value': value, 'source_or_default': src} for (name, value, _ro, src, _sens, *_rest) in configs}
admin.create_partitions({topic: NewPartitions(3)})

# retries: a partition whose leadership the broker is still taking up refuses a batch (retriable).
producer = KafkaProducer(bootstrap_servers=broker, acks='all', compression_type='gzip', linger_ms=0, retries=5)
base = int(time.time() * 1000)
futures = [producer.send(topic, key=b'k%d' % i, value=b'v%d' % i, partition=0, timestamp_ms=base + i * 1000,
                         headers=[('h', b'%d' % i)]) for i in range(6)]
out['offsets'] = [f.get(timeout=10).offset for f in futures]
producer.close()

consumer = KafkaConsumer(bootstrap_servers=broker, enable_auto_commit=False, check_crcs=True)
tp = TopicPartition(topic, 0)
consumer.assign([tp])
consumer.seek(tp, 3)
records = []
while len(records) < 3:
    for batch in consumer.poll(timeout_ms=5000).values():
        records.extend(batch)
out['from3'] = [[r.offset, r.key.decode(), r.value.decode(), [[k, v.decode()] for k, v in r.headers]] for r in records]
found = consumer.offsets_for_times({tp: base + 1500})[tp]
out['by_time'] = [found.offset, found.timestamp - base]
out['after_last'] = consumer.offsets_for_times({tp: base + 60000})[tp]
out['begin_end'] = [consumer.beginning_offsets([tp])[tp], consumer.end_offsets([tp])[tp]]
out['partitions'] = sorted(consumer.partitions_for_topic(topic))
consumer.close()

# LogAppendTime: the broker restamps the batch and recomputes its CRC, which this client checks.
lat = topic + '-lat'
admin.create_topics([NewTopic(lat, 1, 1, topic_configs={'message.timestamp.type': 'LogAppendTime'})])
producer = KafkaProducer(bootstrap_servers=broker, acks=1, retries=5)
meta = producer.send(lat, value=b'stamped', timestamp_ms=1000).get(timeout=10)
producer.close()
consumer = KafkaConsumer(bootstrap_servers=broker, enable_auto_commit=False, check_crcs=True)
consumer.assign([TopicPartition(lat, 0)])
consumer.seek(TopicPartition(lat, 0), 0)
stamped = []
while not stamped:
    for batch in consumer.poll(timeout_ms=5000).values():
        stamped.extend(batch)
consumer.close()
out['log_append_time'] = {'ack_timestamp': meta.timestamp, 'record': [stamped[0].timestamp, stamped[0].timestamp_type, stamped[0].value.decode()]}

admin.delete_topics([topic])
out['listed_after_delete'] = topic in until(admin.list_topics, lambda topics: topic not in topics)
admin.close()
print(json.dumps(out))
