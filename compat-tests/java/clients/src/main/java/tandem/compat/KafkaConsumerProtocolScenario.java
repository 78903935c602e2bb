/*
 * The KIP-848 consumer group protocol from kafka-clients 4.x (group.protocol=consumer, server-side
 * assignment through ConsumerGroupHeartbeat): two consumers share a 6-partition topic, a third
 * joins, the first leaves; records are produced in each phase. Each consumer commits after every
 * batch and in onPartitionsRevoked, so every record must be consumed exactly once while partitions
 * move. Reports what each phase's assignment was and what the AdminClient says of the group
 * (ConsumerGroupDescribe), for the jest side to assert on.
 */
package tandem.compat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

final class KafkaConsumerProtocolScenario {
  private static final int PARTITIONS = 6;
  private static final int PER_PHASE = 60;
  /** Only stops a hung client from hanging the run; nothing asserts on it. */
  private static final long GIVE_UP_MS = 90_000;

  /** One consumer on its own thread: polls, records what it got, commits after each batch. */
  static final class Member implements Runnable {
    final String name;
    final KafkaConsumer<String, String> consumer;
    final Map<TopicPartition, Long> next = new HashMap<>();
    final List<String> consumed;
    volatile Set<Integer> assignment = Set.of();
    volatile boolean stop;
    volatile Throwable failure;
    final Thread thread;
    final String topic;

    Member(String name, String bootstrap, String group, String topic, List<String> consumed) {
      this.name = name;
      this.topic = topic;
      this.consumed = consumed;
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
      p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      consumer = new KafkaConsumer<>(p);
      thread = new Thread(this, name);
    }

    private void commit(Collection<TopicPartition> parts) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition tp : parts) if (next.containsKey(tp)) offsets.put(tp, new OffsetAndMetadata(next.get(tp)));
      if (!offsets.isEmpty()) consumer.commitSync(offsets);
    }

    @Override
    public void run() {
      try {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit(partitions);
            for (TopicPartition tp : partitions) next.remove(tp);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
        });
        while (!stop) {
          var records = consumer.poll(Duration.ofMillis(100));
          for (ConsumerRecord<String, String> r : records) {
            consumed.add(r.partition() + ":" + r.offset() + ":" + r.value() + ":" + name);
            next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
          }
          if (!records.isEmpty()) commit(records.partitions());
          Set<Integer> now = new TreeSet<>();
          for (TopicPartition tp : consumer.assignment()) now.add(tp.partition());
          assignment = now;
        }
        consumer.close();
      } catch (Throwable t) {
        failure = t;
      }
    }
  }

  private static void await(String what, BooleanSupplier ok) throws InterruptedException {
    long until = System.currentTimeMillis() + GIVE_UP_MS;
    while (!ok.getAsBoolean()) {
      if (System.currentTimeMillis() > until) throw new IllegalStateException("timed out waiting for " + what);
      Thread.sleep(50);
    }
  }

  /**
   * Every partition owned by exactly one of `members`, and evenly (the uniform assignor's target).
   * Reconciliation passes through uneven states (a newcomer gets a released partition while
   * another owner is still revoking), on real Kafka too, so the phases wait for the target.
   */
  private static boolean spread(List<Member> members) {
    Set<Integer> all = new TreeSet<>();
    int total = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (Member m : members) {
      if (m.failure != null) throw new IllegalStateException(m.name + " failed", m.failure);
      Set<Integer> a = m.assignment;
      all.addAll(a);
      total += a.size();
      min = Math.min(min, a.size());
      max = Math.max(max, a.size());
    }
    return all.size() == PARTITIONS && total == PARTITIONS && min > 0 && max - min <= 1;
  }

  private static Map<String, Object> snapshot(List<Member> members) {
    Map<String, Object> out = new TreeMap<>();
    for (Member m : members) out.put(m.name, new ArrayList<>(m.assignment));
    return out;
  }

  static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    String bootstrap = args.get("bootstrap");
    String topic = args.get("cgTopic");
    String group = args.get("cgGroup");
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    List<String> consumed = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Member> started = new ArrayList<>();
    try (Admin admin = Admin.create(ap); KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
      await("topic metadata", () -> {
        try {
          return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size() == PARTITIONS;
        } catch (Exception e) {
          return false;
        }
      });
      int[] produced = {0};
      Runnable producePhase = () -> {
        for (int i = 0; i < PER_PHASE; i++, produced[0]++) {
          // Round robin over the partitions so every owner has work in every phase.
          producer.send(new ProducerRecord<>(topic, produced[0] % PARTITIONS, "k" + produced[0], "v" + produced[0]));
        }
        producer.flush();
      };

      Member a = new Member("consumer-a", bootstrap, group, topic, consumed);
      Member b = new Member("consumer-b", bootstrap, group, topic, consumed);
      Member c = new Member("consumer-c", bootstrap, group, topic, consumed);
      started.add(a);
      started.add(b);
      a.thread.start();
      b.thread.start();
      await("a and b to share the partitions", () -> spread(List.of(a, b)));
      out.put("phase1", snapshot(List.of(a, b)));
      producePhase.run();
      await("phase 1 records", () -> consumed.size() >= produced[0]);

      started.add(c);
      c.thread.start();
      await("c to get partitions", () -> spread(List.of(a, b, c)));
      out.put("phase2", snapshot(List.of(a, b, c)));
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
      Map<String, Object> described = new TreeMap<>();
      described.put("type", d.type().toString());
      described.put("state", d.groupState().toString());
      described.put("members", d.members().size());
      Map<String, Object> byClient = new TreeMap<>();
      for (MemberDescription m : d.members()) byClient.put(m.clientId(), m.assignment().topicPartitions().size());
      described.put("assigned", byClient);
      out.put("described", described);
      producePhase.run();
      await("phase 2 records", () -> consumed.size() >= produced[0]);

      a.stop = true;
      a.thread.join(GIVE_UP_MS);
      await("b and c to take over", () -> spread(List.of(b, c)));
      out.put("phase3", snapshot(List.of(b, c)));
      producePhase.run();
      await("phase 3 records", () -> consumed.size() >= produced[0]);
      // A moment for a duplicate delivery to show up, if there were one.
      Thread.sleep(500);
      out.put("produced", produced[0]);
    } finally {
      for (Member m : started) m.stop = true;
      for (Member m : started) m.thread.join(GIVE_UP_MS);
    }
    List<String> copy;
    synchronized (consumed) {
      copy = new ArrayList<>(consumed);
    }
    out.put("consumed", copy);
    for (Member m : started) if (m.failure != null) throw new IllegalStateException(m.name + " failed", m.failure);
    try (Admin admin = Admin.create(ap)) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      Map<String, Long> c = new TreeMap<>();
      for (var e : committed.entrySet()) c.put(String.valueOf(e.getKey().partition()), e.getValue().offset());
      out.put("committed", c);
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
      out.put("finalState", d.groupState().toString());
    }
  }
}
