"""What confluent-kafka (librdkafka) sees of ACL enforcement as one SASL user: KIP-430 authorized
operations of a topic, the cluster and a group (describe_topics / describe_cluster /
describe_consumer_groups), and the delivery error of producing one record. Prints one JSON line.
Used by kafka-acl-enforce.test.ts."""
import json
import sys

from confluent_kafka import KafkaException, Producer, TopicCollection
from confluent_kafka.admin import AdminClient

bootstrap, user, password, topic, group = sys.argv[1:6]
conf = {
    'bootstrap.servers': bootstrap,
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanisms': 'SCRAM-SHA-256',
    'sasl.username': user,
    'sasl.password': password,
}
out = {}


def ops(found):
    return sorted(o.name for o in (found or []))


def attempt(key, fn):
    try:
        out[key] = fn()
    except KafkaException as e:
        out[key] = 'error:' + e.args[0].name()


admin = AdminClient(conf)
attempt('topic', lambda: ops(admin.describe_topics(TopicCollection([topic]), include_authorized_operations=True)[topic].result(15).authorized_operations))
attempt('cluster', lambda: ops(admin.describe_cluster(include_authorized_operations=True).result(15).authorized_operations))
attempt('group', lambda: ops(admin.describe_consumer_groups([group], include_authorized_operations=True)[group].result(15).authorized_operations))

delivered = {}
producer = Producer(conf)
producer.produce(topic, b'from confluent', callback=lambda err, msg: delivered.update(err=err.name() if err else None))
producer.flush(15)
out['produce'] = delivered.get('err', 'TIMEOUT')
print(json.dumps(out))
