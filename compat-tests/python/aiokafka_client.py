"""aiokafka 0.14 from PyPI through its quick-start flow: an AIOKafkaProducer sends keyed records with
headers (send_and_wait), an AIOKafkaConsumer in a group reads them and commits, a second member of
the group resumes after the commit; the topic is made and removed with its AIOKafkaAdminClient.
Error case: creating the topic again (the admin client returns the CreateTopics response, whose
per-topic error code the script reports by name).
Prints one JSON line for python.test.ts. Usage: aiokafka_client.py BROKER TOPIC GROUP"""
import asyncio
import json
import sys

import aiokafka
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code

broker, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]


async def consume(consumer, n):
    got = []
    # A safety net against a hang; the test asserts on values, never on this.
    async with asyncio.timeout(45):
        async for r in consumer:
            got.append([r.partition, r.offset, r.key.decode(), r.value.decode(),
                        [[k, v.decode()] for k, v in r.headers]])
            if len(got) == n:
                break
    return sorted(got)


async def main():
    out = {'client': aiokafka.__version__}
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 2, 1)])
    again = await admin.create_topics([NewTopic(topic, 2, 1)])
    out['create_again'] = [[t[0], for_code(t[1]).__name__] for t in again.topic_errors]
    out['listed'] = topic in await admin.list_topics()

    producer = AIOKafkaProducer(bootstrap_servers=broker)
    await producer.start()
    sent = [await producer.send_and_wait(topic, key=b'k%d' % i, value=b'v%d' % i, partition=i % 2,
                                         headers=[('n', b'%d' % i)]) for i in range(4)]
    out['sent'] = sorted([m.partition, m.offset] for m in sent)

    first = AIOKafkaConsumer(topic, bootstrap_servers=broker, group_id=group, auto_offset_reset='earliest',
                             enable_auto_commit=False)
    await first.start()
    out['first'] = await consume(first, 4)
    out['assignment'] = sorted(tp.partition for tp in first.assignment())
    await first.commit()
    out['committed'] = [await first.committed(TopicPartition(topic, p)) for p in range(2)]
    await first.stop()

    late = await producer.send_and_wait(topic, key=b'late', value=b'after-commit', partition=1)
    out['late'] = [late.partition, late.offset]
    await producer.stop()
    second = AIOKafkaConsumer(topic, bootstrap_servers=broker, group_id=group, auto_offset_reset='earliest',
                              enable_auto_commit=False)
    await second.start()
    out['second'] = await consume(second, 1)
    await second.stop()

    await admin.delete_topics([topic])
    # Kafka's brokers learn of a deletion from the controller shortly after answering DeleteTopics.
    for _ in range(100):
        if topic not in await admin.list_topics():
            break
        await asyncio.sleep(0.1)
    out['listed_after_delete'] = topic in await admin.list_topics()
    await admin.close()
    print(json.dumps(out))


asyncio.run(main())
