"""Two confluent-kafka (librdkafka) consumers in one group share a topic until every message is
read, then commit and report. argv: broker topic group assignor expected-count. Prints JSON."""
import json
import sys
import time

from confluent_kafka import Consumer

broker, topic, group, assignor, expected = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])


def consumer(name):
    c = Consumer({
        'bootstrap.servers': broker,
        'group.id': group,
        'client.id': name,
        'partition.assignment.strategy': assignor,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
        'session.timeout.ms': 10000,
        'heartbeat.interval.ms': 200,
        'topic.metadata.refresh.interval.ms': 1000,
    })
    c.subscribe([topic])
    return c


members = {'a': consumer('a'), 'b': consumer('b')}
seen = {name: [] for name in members}
# A safety net against a hang, not part of what is tested.
deadline = time.time() + 60


def both_assigned():
    return all(len(c.assignment()) > 0 for c in members.values())


while time.time() < deadline:
    for name, c in members.items():
        m = c.poll(0.05)
        if m is not None and m.error() is None:
            seen[name].append('%d:%d' % (m.partition(), m.offset()))
    # Until every record was seen: a member may read a partition again after a rebalance (nothing is
    # committed before the end), which Kafka's at-least-once delivery allows.
    unique = len(set(x for s in seen.values() for x in s))
    if unique >= expected and both_assigned():
        break



def caught_up():
    # Every member at the end of every partition it holds: a partition handed over in a rebalance
    # is read again by its new owner (nothing was committed), and its position must reach the end
    # before the commit, or the commit records where the re-read had got to.
    for c in members.values():
        for tp in c.position(c.assignment()):
            hi = c.get_watermark_offsets(tp, timeout=5)[1]
            if tp.offset < hi:
                return False
    return True


while time.time() < deadline and not caught_up():
    for name, c in members.items():
        m = c.poll(0.05)
        if m is not None and m.error() is None:
            seen[name].append('%d:%d' % (m.partition(), m.offset()))

for c in members.values():
    c.commit(asynchronous=False)
assignment = {name: sorted(tp.partition for tp in c.assignment()) for name, c in members.items()}
for c in members.values():
    c.close()
everything = [x for s in seen.values() for x in s]
print(json.dumps({'assignment': assignment, 'total': len(everything), 'unique': len(set(everything))}))
