"""KIP-848 from librdkafka (confluent-kafka 2.16, group.protocol=consumer): two consumers share a
6-partition topic, a third joins, the first leaves, records produced in every phase. Each record is
committed synchronously as soon as it is read, so every record must be consumed exactly once while
partitions move. argv: broker topic group. Prints JSON."""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

broker, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
PARTITIONS, PER_PHASE = 6, 60
# A safety net against a hang, not part of what is tested.
GIVE_UP = 90

admin = AdminClient({'bootstrap.servers': broker})
admin.create_topics([NewTopic(topic, PARTITIONS, 1)])[topic].result()
deadline = time.time() + GIVE_UP
while len(admin.list_topics(topic, timeout=5).topics[topic].partitions) != PARTITIONS:
    if time.time() > deadline:
        raise SystemExit('topic metadata never showed')
    time.sleep(0.1)

producer = Producer({'bootstrap.servers': broker})
produced = 0


def produce_phase():
    global produced
    for _ in range(PER_PHASE):
        producer.produce(topic, key='k%d' % produced, value='v%d' % produced, partition=produced % PARTITIONS)
        produced += 1
    producer.flush(30)


def consumer(name):
    c = Consumer({
        'bootstrap.servers': broker,
        'group.id': group,
        'group.protocol': 'consumer',
        'client.id': name,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
    })
    c.subscribe([topic])
    return c


members = {}
consumed = []


def poll_all():
    for name, c in members.items():
        m = c.poll(0.02)
        if m is not None and m.error() is None:
            consumed.append('%d:%d:%s:%s' % (m.partition(), m.offset(), m.value().decode(), name))
            c.commit(message=m, asynchronous=False)


def assigned(c):
    return sorted(tp.partition for tp in c.assignment())


def wait(what, ok):
    deadline = time.time() + GIVE_UP
    while not ok():
        if time.time() > deadline:
            raise SystemExit('timed out waiting for ' + what)
        poll_all()


def spread():
    # Evenly, as the uniform assignor's target: reconciliation passes through uneven states (a
    # newcomer gets a released partition while another owner is still revoking), on Kafka too.
    sizes = [len(assigned(c)) for c in members.values()]
    parts = [p for c in members.values() for p in assigned(c)]
    return min(sizes) > 0 and max(sizes) - min(sizes) <= 1 and sorted(parts) == list(range(PARTITIONS))


out = {}
members['a'] = consumer('a')
members['b'] = consumer('b')
wait('a and b to share the partitions', spread)
out['phase1'] = {n: assigned(c) for n, c in members.items()}
produce_phase()
wait('phase 1 records', lambda: len(consumed) >= produced)

members['c'] = consumer('c')
wait('c to get partitions', spread)
out['phase2'] = {n: assigned(c) for n, c in members.items()}
produce_phase()
wait('phase 2 records', lambda: len(consumed) >= produced)

members.pop('a').close()
wait('b and c to take over', spread)
out['phase3'] = {n: assigned(c) for n, c in members.items()}
produce_phase()
wait('phase 3 records', lambda: len(consumed) >= produced)
# A moment for a duplicate delivery to show up, if there were one.
end = time.time() + 0.5
while time.time() < end:
    poll_all()
committed = members['b'].committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=10)
out['committed'] = {str(tp.partition): tp.offset for tp in committed}
for c in members.values():
    c.close()
out['produced'] = produced
out['consumed'] = consumed
print(json.dumps(out))
