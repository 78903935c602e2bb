"""confluent-kafka-python (librdkafka) against the emulator: admin create/describe/alter/delete,
produce with every codec (acks=all), consume from chosen offsets with assign(), offsets_for_times,
watermarks. Prints one JSON object. Usage: confluent_client.py BROKER TOPIC"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

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


admin = AdminClient({'bootstrap.servers': broker})


def result(futures):
    res = {}
    for key, f in futures.items():
        try:
            f.result(10)
            res[str(key)] = 'ok'
        except Exception as e:  # the KafkaException carries the broker's error
            res[str(key)] = e.args[0].name() if e.args and hasattr(e.args[0], 'name') else str(e)
    return res


out['create'] = result(admin.create_topics([NewTopic(topic, 2, 1, config={'message.timestamp.type': 'CreateTime'})]))
out['create_again'] = result(admin.create_topics([NewTopic(topic, 2, 1)]))
out['create_bad_config'] = result(admin.create_topics([NewTopic(topic + '-bad', 1, 1, config={'cleanup.policy': 'sometimes'})]))
out['alter'] = result(admin.alter_configs([ConfigResource('topic', topic, set_config={'retention.bytes': '1000000'})]))


def describe():
    [f] = admin.describe_configs([ConfigResource('topic', topic)]).values()
    return {k: {'value': v.value, 'source': v.source, 'is_default': v.is_default} for k, v in f.result(10).items()}


out['configs'] = until(describe, lambda c: c['retention.bytes']['value'] == '1000000')

delivered = []
base = int(time.time() * 1000)
for i, codec in enumerate(['none', 'gzip', 'snappy', 'lz4', 'zstd']):
    p = Producer({'bootstrap.servers': broker, 'compression.type': codec, 'acks': 'all', 'linger.ms': 0})
    for j in range(2):
        p.produce(topic, key=b'%s-%d' % (codec.encode(), j), value=b'%d' % (i * 2 + j), partition=1,
                  timestamp=base + (i * 2 + j) * 1000, headers=[('codec', codec.encode())],
                  on_delivery=lambda err, msg: delivered.append([str(err) if err else None, msg.offset()]))
    p.flush(10)
out['delivered'] = delivered

c = Consumer({'bootstrap.servers': broker, 'group.id': 'confluent-compat', 'enable.auto.commit': False,
              'enable.partition.eof': True})
c.assign([TopicPartition(topic, 1, 4)])
got = []
while True:
    m = c.poll(10)
    if m is None:
        break
    if m.error():
        if m.error().code() == KafkaError._PARTITION_EOF:
            break
        got.append(['error', m.error().name()])
        break
    got.append([m.offset(), m.key().decode(), m.value().decode(), [[k, v.decode()] for k, v in (m.headers() or [])]])
out['from4'] = got
[tp] = c.offsets_for_times([TopicPartition(topic, 1, base + 2500)], 10)
out['by_time'] = tp.offset
out['watermarks'] = list(c.get_watermark_offsets(TopicPartition(topic, 1), 10))
c.close()

out['delete'] = result(admin.delete_topics([topic]))
out['topics_after'] = topic in until(lambda: admin.list_topics(timeout=10).topics, lambda topics: topic not in topics)
print(json.dumps(out))
