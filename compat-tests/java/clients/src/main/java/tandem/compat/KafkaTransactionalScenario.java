/*
 * kafka-clients 4.x exactly-once consume-transform-produce: a read_committed consumer in a group
 * reads an input topic, a transactional producer writes each batch upper-cased to an output topic
 * and commits the consumer's offsets in the same transaction (sendOffsetsToTransaction). The first
 * transaction is aborted on purpose and its input re-read from the committed position. Afterwards
 * a read_committed reader of the output sees every value exactly once, a read_uncommitted one also
 * the aborted ones, the group's committed offset is the input's end, and a second producer with the
 * same transactional.id fences the first (ProducerFencedException). Runs against Tandem and real
 * Kafka alike.
 */
package tandem.compat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

final class KafkaTransactionalScenario {
  private static final int RECORDS = 10;

  static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    String bootstrap = args.get("bootstrap");
    String input = args.get("txnInput");
    String output = args.get("txnOutput");
    String group = args.get("txnGroup");
    String txnId = args.get("txnId");
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(input, 1, (short) 1), new NewTopic(output, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      try (KafkaProducer<String, String> plain = new KafkaProducer<>(producerProps(bootstrap, null))) {
        for (int i = 0; i < RECORDS; i++) plain.send(new ProducerRecord<>(input, 0, null, "w" + i)).get(30, TimeUnit.SECONDS);
      }

      TopicPartition in = new TopicPartition(input, 0);
      List<String> processed = new ArrayList<>();
      int aborted = 0;
      KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, txnId));
      producer.initTransactions();
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap, group, "read_committed"))) {
        consumer.subscribe(List.of(input));
        long deadline = System.currentTimeMillis() + 60_000;
        while (processed.size() < RECORDS && System.currentTimeMillis() < deadline) {
          ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
          if (records.isEmpty()) continue;
          producer.beginTransaction();
          long next = -1;
          List<String> batch = new ArrayList<>();
          for (ConsumerRecord<String, String> r : records) {
            producer.send(new ProducerRecord<>(output, 0, null, r.value().toUpperCase()));
            batch.add(r.value());
            next = r.offset() + 1;
          }
          if (aborted == 0) {
            // The first transaction fails on purpose: its output is aborted, its input read again.
            aborted++;
            producer.flush(); // written, then aborted (unflushed records would just be dropped)
            producer.abortTransaction();
            OffsetAndMetadata committed = consumer.committed(java.util.Set.of(in)).get(in);
            consumer.seek(in, committed == null ? 0 : committed.offset());
            continue;
          }
          producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(next)), consumer.groupMetadata());
          producer.commitTransaction();
          processed.addAll(batch);
        }
      }
      out.put("processed", processed);
      out.put("abortedTransactions", aborted);
      out.put("readCommitted", readAll(bootstrap, output, "read_committed"));
      out.put("readUncommittedCount", readAll(bootstrap, output, "read_uncommitted").size());
      OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(in);
      out.put("committedOffset", committed == null ? -1 : committed.offset());

      // A second producer with the same transactional.id fences the first.
      try (KafkaProducer<String, String> second = new KafkaProducer<>(producerProps(bootstrap, txnId))) {
        second.initTransactions();
        try {
          producer.beginTransaction();
          producer.send(new ProducerRecord<>(output, 0, null, "zombie")).get(30, TimeUnit.SECONDS);
          producer.commitTransaction();
          out.put("fenced", "none");
        } catch (Exception e) {
          out.put("fenced", Main.cause(e));
        }
      }
      producer.close(Duration.ofSeconds(5));
      admin.deleteTopics(List.of(input, output)).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static Properties producerProps(String bootstrap, String txnId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    if (txnId != null) p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
    return p;
  }

  private static Properties consumerProps(String bootstrap, String group, String isolation) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    if (group != null) c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    return c;
  }

  /** Every value of partition 0 of `topic`, up to its end for `isolation` (the LSO under read_committed). */
  private static List<String> readAll(String bootstrap, String topic, String isolation) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(bootstrap, null, isolation))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 30_000;
      while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) values.add(r.value());
      }
    }
    return values;
  }
}
