/*
 * kafka-clients 4.x quick-start flow: AdminClient creates, describes and lists a topic with several
 * partitions; a producer writes keyed records with headers; a consumer in a group reads them all and
 * commits with commitSync; a second consumer of the same group resumes after the commit; the
 * admin describes the (now empty) group, lists it and the cluster, sets and reads a topic config,
 * adds a partition (and fails to shrink); the topic is deleted. Error cases: creating an existing topic, describing a missing one.
 * The producer keeps kafka-clients' defaults (idempotent, acks=all).
 */
package tandem.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

final class KafkaScenario {
  private static final int PARTITIONS = 3;
  private static final int RECORDS = 9;
  /** Only stops a hung client from hanging the run; nothing asserts on it. */
  private static final long GIVE_UP_MS = 60_000;

  static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    String bootstrap = args.get("bootstrap");
    String topic = args.get("topic");
    String group = args.get("group");
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
      out.put("created", true);

      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      List<Object> parts = new ArrayList<>();
      for (TopicPartitionInfo p : d.partitions()) {
        parts.add(Map.of("partition", p.partition(), "hasLeader", p.leader() != null, "replicas", p.replicas().size()));
      }
      out.put("describe", Map.of("name", d.name(), "internal", d.isInternal(), "partitions", parts));
      out.put("listed", admin.listTopics().names().get().contains(topic));

      out.put("createAgain", errorOf(() -> admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get()));
      String missing = topic + "-missing";
      out.put("describeMissing", errorOf(() -> admin.describeTopics(List.of(missing)).allTopicNames().get()));

      out.put("produced", produce(bootstrap, topic, 0, RECORDS));
      out.put("consumed", consume(bootstrap, topic, group, RECORDS, true));
      Map<String, Long> committed = new TreeMap<>();
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
        committed.put(String.valueOf(e.getKey().partition()), e.getValue().offset());
      }
      out.put("committed", committed);

      // A new member of the same group starts from the committed offsets: it sees only what follows.
      out.put("producedLater", produce(bootstrap, topic, RECORDS, 1));
      out.put("resumed", consume(bootstrap, topic, group, 1, false));

      // Both members have left: the group is empty but known, with its classic protocol type.
      ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      out.put("group", Map.of("state", g.groupState().toString(), "members", g.members().size(), "type", g.type().toString()));
      out.put("groupListed", admin.listGroups().all().get().stream().anyMatch(l -> l.groupId().equals(group)));
      out.put("clusterNodes", admin.describeCluster().nodes().get().size());

      // Topic configs and growth, as an operator's tooling does them.
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(res, List.of(new AlterConfigOp(
          new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET)))).all().get();
      Config config = admin.describeConfigs(List.of(res)).all().get().get(res);
      out.put("retention", Map.of("value", config.get("retention.ms").value(), "source", config.get("retention.ms").source().toString()));
      out.put("cleanupPolicy", Map.of("value", config.get("cleanup.policy").value(), "source", config.get("cleanup.policy").source().toString()));
      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(PARTITIONS + 1))).all().get();
      out.put("partitionsAfterGrowth", admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size());
      out.put("shrink", errorOf(() -> admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(1))).all().get()));

      admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      out.put("listedAfterDelete", listedAfterDelete(admin, topic));
    }
  }

  private static List<Object> produce(String bootstrap, String topic, int from, int count) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    List<Object> acks = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, "key-" + i, "value-" + i);
        r.headers().add("n", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
        futures.add(producer.send(r));
      }
      producer.flush();
      for (int i = 0; i < futures.size(); i++) {
        RecordMetadata m = futures.get(i).get();
        acks.add(Map.of("key", "key-" + (from + i), "partition", m.partition(), "offset", m.offset()));
      }
    }
    return acks;
  }

  private static List<Object> consume(String bootstrap, String topic, String group, int want, boolean commit) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<Object> got = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(topic));
      long giveUp = System.currentTimeMillis() + GIVE_UP_MS;
      while (got.size() < want && System.currentTimeMillis() < giveUp) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          Header h = r.headers().lastHeader("n");
          got.add(Map.of("partition", r.partition(), "offset", r.offset(), "key", r.key(), "value", r.value(),
              "header", h == null ? "" : new String(h.value(), StandardCharsets.UTF_8)));
        }
      }
      if (commit) consumer.commitSync();
      // Anything beyond what was produced would show up here.
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
        got.add(Map.of("unexpected", r.value()));
      }
    }
    return got;
  }

  private static boolean listedAfterDelete(Admin admin, String topic) throws Exception {
    // Real Kafka applies a deletion to its metadata cache just after answering DeleteTopics.
    for (int i = 0; i < 50; i++) {
      if (!admin.listTopics().names().get().contains(topic)) return false;
      Thread.sleep(100);
    }
    return true;
  }

  interface Call {
    Object call() throws Exception;
  }

  /** The exception a call ends in (unwrapped from ExecutionException), or "none". */
  static String errorOf(Call call) {
    try {
      call.call();
      return "none";
    } catch (ExecutionException e) {
      return Main.cause(e);
    } catch (Exception e) {
      return e.getClass().getSimpleName();
    }
  }
}
