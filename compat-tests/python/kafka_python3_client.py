"""kafka-python 3.x from PyPI through its quick-start flow with default settings: KafkaAdminClient
creates and lists a topic, a KafkaProducer (idempotent by default since 3.0, KIP-679) sends keyed
records with headers, a KafkaConsumer in a group reads them and commits, a second group member
resumes after the commit. Error case: creating the topic again. Also reports the broker version the
client inferred and the version it picked per API. Prints one JSON line for python.test.ts.
Usage: kafka_python3_client.py BROKER TOPIC GROUP default|no-idempotence
("no-idempotence" passes enable_idempotence=False, for a broker that does not serve InitProducerId)."""
import json
import sys
import time

import kafka
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

broker, topic, group, mode = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
out = {'client': kafka.__version__}
# A safety net against a hang; the test asserts on values, never on this.
deadline = time.time() + 45

admin = KafkaAdminClient(bootstrap_servers=broker)
out['api_version'] = list(admin.config['api_version'] or admin._client.check_version())
admin.create_topics([NewTopic(topic, 2, 1)])
try:
    admin.create_topics([NewTopic(topic, 2, 1)])
    out['create_again'] = 'created'
except TopicAlreadyExistsError as e:
    out['create_again'] = type(e).__name__
out['listed'] = topic in admin.list_topics()

producer = KafkaProducer(bootstrap_servers=broker, **({} if mode == 'default' else {'enable_idempotence': False}))
out['idempotent'] = producer.config['enable_idempotence']
futures = [producer.send(topic, key=b'k%d' % i, value=b'v%d' % i, partition=i % 2, headers=[('n', b'%d' % i)])
           for i in range(4)]
out['sent'] = sorted([m.partition, m.offset] for m in (f.get(timeout=15) for f in futures))
producer.flush()


def member():
    return KafkaConsumer(topic, bootstrap_servers=broker, group_id=group, auto_offset_reset='earliest',
                         enable_auto_commit=False)


def consume(c, n):
    got = []
    while len(got) < n and time.time() < deadline:
        for records in c.poll(timeout_ms=500).values():
            got.extend([r.partition, r.offset, r.key.decode(), r.value.decode(),
                        [[k, v.decode()] for k, v in r.headers]] for r in records)
    return sorted(got)


first = member()
out['first'] = consume(first, 4)
out['assignment'] = sorted(tp.partition for tp in first.assignment())
first.commit()
out['committed'] = [first.committed(TopicPartition(topic, p)) for p in range(2)]
first.close()

late = producer.send(topic, key=b'late', value=b'after-commit', partition=0).get(timeout=15)
out['late'] = [late.partition, late.offset]
producer.close()
second = member()
out['second'] = consume(second, 1)
second.close()

out['groups'] = [g for g in admin.list_groups() if g.get('group_id') == group]
admin.delete_topics([topic])
# Kafka's brokers learn of a deletion from the controller shortly after answering DeleteTopics.
while topic in admin.list_topics() and time.time() < deadline:
    time.sleep(0.1)
out['listed_after_delete'] = topic in admin.list_topics()
admin.close()
print(json.dumps(out))
