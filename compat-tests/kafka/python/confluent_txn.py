"""confluent-kafka-python (librdkafka) transactions against the emulator: a transactional producer
aborts one transaction and commits another with offsets (send_offsets_to_transaction), read_committed
and read_uncommitted consumers read the topic, a second producer with the same transactional.id
fences the first. Prints one JSON object. Usage: confluent_txn.py BROKER TOPIC TRANSACTIONAL_ID GROUP"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

broker, topic, txn_id, group = sys.argv[1:5]
out = {}

admin = AdminClient({'bootstrap.servers': broker})
admin.create_topics([NewTopic(topic, 1, 1)])[topic].result()
# Real Kafka makes a new topic's leader known a moment after creating it.
deadline = time.time() + 15
while topic not in admin.list_topics(timeout=5).topics and time.time() < deadline:
    time.sleep(0.05)


def producer():
    return Producer({'bootstrap.servers': broker, 'transactional.id': txn_id, 'transaction.timeout.ms': 60000})


def read(isolation, want):
    """Every value of partition 0 from offset 0 up to its end, read with `isolation`."""
    c = Consumer({'bootstrap.servers': broker, 'group.id': f'{group}-{isolation}', 'isolation.level': isolation,
                  'enable.partition.eof': True, 'enable.auto.commit': False})
    c.assign([TopicPartition(topic, 0, 0)])
    values = []
    deadline = time.time() + 20
    while time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191 and len(values) >= want:  # _PARTITION_EOF
                break
            continue
        values.append(m.value().decode())
    c.close()
    return values


p = producer()
p.init_transactions(30)
p.begin_transaction()
p.produce(topic, b'a1', partition=0)
p.produce(topic, b'a2', partition=0)
p.flush(10)  # abort_transaction purges what is still queued
p.abort_transaction(30)

source = Consumer({'bootstrap.servers': broker, 'group.id': group, 'enable.auto.commit': False})
p.begin_transaction()
p.produce(topic, b'c1', partition=0)
p.produce(topic, b'c2', partition=0)
p.send_offsets_to_transaction([TopicPartition(topic, 0, 42)], source.consumer_group_metadata(), 30)
# librdkafka fetches committed offsets with require_stable: the staged offset is unstable until the commit.
try:
    out['committed_before'] = source.committed([TopicPartition(topic, 0)], timeout=2)[0].offset
except KafkaException as e:
    out['committed_before'] = e.args[0].name()
p.commit_transaction(30)
out['committed_after'] = source.committed([TopicPartition(topic, 0)], timeout=10)[0].offset
source.close()

out['read_committed'] = read('read_committed', 2)
out['read_uncommitted'] = read('read_uncommitted', 4)

# A second producer with the same transactional.id fences the first, whose open transaction is aborted.
p.begin_transaction()
p.produce(topic, b'zombie', partition=0)
p.flush(10)
p2 = producer()
p2.init_transactions(30)
try:
    p.commit_transaction(30)
    out['zombie_commit'] = 'ok'
except KafkaException as e:
    err = e.args[0]
    out['zombie_commit'] = {'name': err.name(), 'fatal': err.fatal()}
p2.begin_transaction()
p2.produce(topic, b'live', partition=0)
p2.commit_transaction(30)
out['after_fence'] = read('read_committed', 3)

print(json.dumps(out))
