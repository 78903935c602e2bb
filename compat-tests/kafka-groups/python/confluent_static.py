"""A static confluent-kafka member (group.instance.id) consumes, commits and closes without
leaving the group; with phase "second" a new incarnation under the same instance id resumes.
argv: broker topic group expected-count. Prints JSON: assignment, messages read."""
import json
import sys
import time

from confluent_kafka import Consumer

broker, topic, group, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

c = Consumer({
    'bootstrap.servers': broker,
    'group.id': group,
    'group.instance.id': 'static-1',
    'client.id': 'static',
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': False,
    'session.timeout.ms': 10000,
    'heartbeat.interval.ms': 200,
})
c.subscribe([topic])
seen = []
deadline = time.time() + 60
while (len(seen) < expected or not c.assignment()) and time.time() < deadline:
    m = c.poll(0.05)
    if m is not None and m.error() is None:
        seen.append('%d:%d' % (m.partition(), m.offset()))
c.commit(asynchronous=False)
result = {'assignment': sorted(tp.partition for tp in c.assignment()), 'seen': seen}
c.close()
print(json.dumps(result))
