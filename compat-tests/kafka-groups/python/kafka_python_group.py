"""kafka-python 2.0.2: a group consumer reads a topic, commits, and the admin client lists and
describes the group and its offsets while the consumer is still in it.
argv: broker topic group expected-count. Prints JSON."""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer

broker, topic, group, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

consumer = KafkaConsumer(
    topic,
    bootstrap_servers=broker,
    group_id=group,
    client_id='kp',
    auto_offset_reset='earliest',
    enable_auto_commit=False,
    heartbeat_interval_ms=200,
)
seen = []
deadline = time.time() + 60
while len(seen) < expected and time.time() < deadline:
    for records in consumer.poll(timeout_ms=100).values():
        seen.extend('%d:%d' % (r.partition, r.offset) for r in records)
consumer.commit()

admin = KafkaAdminClient(bootstrap_servers=broker, client_id='kp-admin')
listed = admin.list_consumer_groups()
offsets = admin.list_consumer_group_offsets(group)
described = admin.describe_consumer_groups([group])[0]
consumer.close()
admin.close()
print(json.dumps({
    'seen': len(seen),
    'unique': len(set(seen)),
    'listed': [list(g) for g in listed],
    'offsets': {'%s:%d' % (tp.topic, tp.partition): om.offset for tp, om in offsets.items()},
    'state': described.state,
    'protocol_type': described.protocol_type,
    'protocol': described.protocol,
    'members': [{'client_id': m.client_id, 'host': m.client_host,
                 'assignment': sorted(p for t in m.member_assignment.assignment for p in t[1])}
                for m in described.members],
}))
