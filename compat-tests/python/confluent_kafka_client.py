"""confluent-kafka 2.x from PyPI (its wheel bundles a current librdkafka) through its quick-start
flow: AdminClient creates, lists and deletes a topic; a Producer's records reach a Consumer in a
group, which commits; a second consumer of the group resumes after the commit. Error cases: creating
the topic again, and the metadata of a topic that does not exist (with auto-creation off).
Prints one JSON line for python.test.ts. Usage: confluent_kafka_client.py BROKER TOPIC GROUP"""
import json
import sys
import time

import confluent_kafka
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

broker, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
out = {'client': confluent_kafka.__version__, 'librdkafka': confluent_kafka.libversion()[0]}
# A safety net against a hang; the test asserts on values, never on this.
deadline = time.time() + 45

admin = AdminClient({'bootstrap.servers': broker})
admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])[topic].result(timeout=15)
try:
    admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])[topic].result(timeout=15)
    out['create_again'] = 'created'
except KafkaException as e:
    out['create_again'] = e.args[0].name()
# A real broker publishes a new topic in its metadata a moment after acknowledging the creation.
meta = admin.list_topics(timeout=10)
while topic not in meta.topics and time.time() < deadline:
    time.sleep(0.1)
    meta = admin.list_topics(timeout=10)
out['listed'] = topic in meta.topics
out['partitions'] = sorted(meta.topics[topic].partitions)

delivered = []
producer = Producer({'bootstrap.servers': broker, 'linger.ms': 0})
for i in range(6):
    producer.produce(topic, key=b'k%d' % i, value=b'v%d' % i, partition=i % 3, headers=[('n', b'%d' % i)],
                     on_delivery=lambda err, m: delivered.append([err and err.name(), m.partition(), m.offset()]))
producer.flush(15)
out['delivered'] = sorted(delivered, key=lambda d: (d[1], d[2]))


def group_consumer(name):
    c = Consumer({'bootstrap.servers': broker, 'group.id': group, 'client.id': name,
                  'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
    c.subscribe([topic])
    return c


def consume(c, n):
    got = []
    while len(got) < n and time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            got.append(['error', m.error().name()])
            continue
        got.append([m.partition(), m.offset(), m.key().decode(), m.value().decode(),
                    [[k, v.decode()] for k, v in (m.headers() or [])]])
    return sorted(got, key=lambda r: (str(r[0]), r[1]))


first = group_consumer('first')
out['first'] = consume(first, 6)
out['assignment'] = sorted(tp.partition for tp in first.assignment())
first.commit(asynchronous=False)
out['committed'] = sorted([tp.partition, tp.offset] for tp in
                          first.committed([TopicPartition(topic, p) for p in range(3)], timeout=10))
first.close()

producer.produce(topic, key=b'late', value=b'after-commit', partition=1)
producer.flush(15)
second = group_consumer('second')
out['second'] = consume(second, 1)
second.commit(asynchronous=False)
second.close()

stray = Consumer({'bootstrap.servers': broker, 'group.id': group + '-stray', 'allow.auto.create.topics': False})
try:
    md = stray.list_topics(topic + '-missing', timeout=10)
    err = md.topics[topic + '-missing'].error
    out['missing_topic'] = err.name() if err else None
finally:
    stray.close()

admin.delete_topics([topic])[topic].result(timeout=15)
# Kafka's brokers learn of a deletion from the controller shortly after answering DeleteTopics.
while topic in admin.list_topics(timeout=10).topics and time.time() < deadline:
    time.sleep(0.1)
out['listed_after_delete'] = topic in admin.list_topics(timeout=10).topics
print(json.dumps(out))
