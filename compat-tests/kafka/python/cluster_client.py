"""confluent-kafka-python (librdkafka) against a three-broker Tandem: one idempotent producer keeps
producing while the topic's partition 0 changes leader (through Tandem's admin route), so it must
follow the move (NOT_LEADER_OR_FOLLOWER, metadata refresh, retry); then a consumer reads the
partition back. Prints one JSON object.
Usage: cluster_client.py BOOTSTRAP TOPIC ADMIN_URL"""
import json
import sys
import urllib.request

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

bootstrap, topic, admin_url = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}


def leaders(admin):
    md = admin.list_topics(topic, timeout=10)
    return {"brokers": sorted(b.id for b in md.brokers.values()), "leader": md.topics[topic].partitions[0].leader}


admin = AdminClient({"bootstrap.servers": bootstrap})
out["before"] = leaders(admin)

errors = []
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 0})


def produce(values):
    for v in values:
        producer.produce(topic, value=v.encode(), partition=0, on_delivery=lambda err, msg: err and errors.append(str(err)))
    producer.flush(30)


produce([f"a{i}" for i in range(20)])
req = urllib.request.Request(admin_url + "/_tandem/partitions/leader", data=json.dumps({"topic": topic, "partition": 0}).encode(), method="POST")
out["moved"] = json.loads(urllib.request.urlopen(req).read())
produce([f"b{i}" for i in range(20)])
out["errors"] = errors
out["after"] = leaders(admin)

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": topic + "-reader", "enable.auto.commit": False})
consumer.assign([TopicPartition(topic, 0, 0)])
values = []
while len(values) < 40:
    msg = consumer.poll(10)
    if msg is None:
        break
    if not msg.error():
        values.append(msg.value().decode())
consumer.close()
out["values"] = values
print(json.dumps(out))
