/*
 * kafka-clients 4.x producer with its default settings: idempotence on, so it first asks for a
 * producer id (InitProducerId) and stamps every batch with it and a sequence number the broker
 * checks. Runs against Tandem and real Kafka alike.
 */
package tandem.compat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

final class KafkaIdempotentScenario {
  static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    String bootstrap = args.get("bootstrap");
    String topic = args.get("idempotentTopic");
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      // Bounds only, so a failure ends this run quickly; idempotence and acks keep their defaults.
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
      p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
      out.put("idempotenceDefault", String.valueOf(
          ProducerConfig.configDef().defaultValues().get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)));
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        for (int i = 0; i < 3; i++) {
          RecordMetadata m = producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get(30, TimeUnit.SECONDS);
          out.put("offset", m.offset());
        }
        out.put("ok", true);
      } catch (Exception e) {
        Throwable t = e.getCause() != null ? e.getCause() : e;
        out.put("ok", false);
        out.put("failure", t.getClass().getSimpleName() + ": " + t.getMessage());
      }
      admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    }
  }
}
