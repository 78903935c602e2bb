"""
SASL (and TLS) as the Python Kafka clients speak it (compat-tests/security/kafka-sasl.test.ts):
kafka-python (Debian 2.0.2, or the .venv's 3.x) and confluent-kafka (librdkafka). Produces one
record and reads it back; the last line printed is one JSON object the test reads.

usage: kafka_sasl.py kafka-python|confluent BOOTSTRAP PROTOCOL MECHANISM USER PASSWORD TOPIC [CAFILE]
"""
import json
import sys

client, bootstrap, protocol, mechanism, user, password, topic, *rest = sys.argv[1:]
cafile = rest[0] if rest else None
value = f"via {client} {mechanism}"
out = {"client": client}

try:
    if client == "kafka-python":
        import kafka
        out["version"] = kafka.__version__
        common = dict(bootstrap_servers=bootstrap, security_protocol=protocol, sasl_mechanism=mechanism,
                      sasl_plain_username=user, sasl_plain_password=password, request_timeout_ms=8000)
        if cafile:
            common.update(ssl_cafile=cafile, ssl_check_hostname=False)
        producer = kafka.KafkaProducer(**common, max_block_ms=8000)
        producer.send(topic, value.encode()).get(timeout=8)
        producer.close()
        consumer = kafka.KafkaConsumer(topic, **common, auto_offset_reset="earliest", consumer_timeout_ms=5000)
        out["values"] = [m.value.decode() for m in consumer]
        consumer.close()
    else:
        import confluent_kafka
        out["version"] = confluent_kafka.libversion()[0]
        errors = []
        common = {"bootstrap.servers": bootstrap, "security.protocol": protocol, "sasl.mechanism": mechanism,
                  "sasl.username": user, "sasl.password": password, "error_cb": lambda e: errors.append(e.str())}
        if cafile:
            common.update({"ssl.ca.location": cafile, "ssl.endpoint.identification.algorithm": "none"})
        producer = confluent_kafka.Producer({**common, "message.timeout.ms": 8000})
        delivered = []
        producer.produce(topic, value.encode(), on_delivery=lambda err, msg: delivered.append(str(err) if err else "ok"))
        producer.flush(10)
        if delivered != ["ok"]:
            raise RuntimeError(f"not delivered: {delivered} {errors[:2]}")
        consumer = confluent_kafka.Consumer({**common, "group.id": f"g-{topic}", "auto.offset.reset": "earliest"})
        consumer.subscribe([topic])
        values = []
        for _ in range(40):
            m = consumer.poll(0.25)
            if m is not None and not m.error():
                values.append(m.value().decode())
                break
        consumer.close()
        out["values"] = values
    out["ok"] = True
except Exception as e:  # the test asserts on the failure's type and text
    out["ok"] = False
    out["error"] = f"{type(e).__name__}: {e}"
    if client != "kafka-python":
        out["errors"] = errors[:3]
print(json.dumps(out))
