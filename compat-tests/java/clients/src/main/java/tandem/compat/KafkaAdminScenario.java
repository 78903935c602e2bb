/*
 * The Java AdminClient's config, quota and log-dir calls (issue 10): describeConfigs of a topic
 * with synonyms and documentation, incrementalAlterConfigs on the BROKER resource and what the
 * topic then reports, alterClientQuotas / describeClientQuotas with a strict filter, describeLogDirs.
 * Runs against Tandem and the Kafka oracle alike (java.test.ts); what it reports is asserted there.
 */
package tandem.compat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;

public final class KafkaAdminScenario {
  private KafkaAdminScenario() {}

  public static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    String topic = args.get("adminTopic");
    String user = args.get("quotaUser");
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("bootstrap"));
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      String nodeId = String.valueOf(admin.describeCluster().nodes().get().iterator().next().id());
      ConfigResource topicRes = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      DescribeConfigsOptions full = new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true);

      // Real Kafka (KRaft) answers CreateTopics before its broker knows the topic: ask until it does.
      Config described = null;
      for (int i = 0; described == null; i++) {
        try {
          described = admin.describeConfigs(List.of(topicRes), full).all().get().get(topicRes);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) || i > 250) throw e;
          Thread.sleep(20);
        }
      }
      out.put("topicConfigCount", described.entries().size());
      ConfigEntry mmb = described.get("max.message.bytes");
      out.put("maxMessageBytes", entry(mmb));
      out.put("segmentBytesType", described.get("segment.bytes").type().name());
      out.put("retentionDocumented", described.get("retention.ms").documentation() != null
          && !described.get("retention.ms").documentation().isEmpty());

      ConfigResource brokerRes = new ConfigResource(ConfigResource.Type.BROKER, nodeId);
      AlterConfigOp set = new AlterConfigOp(new ConfigEntry("log.message.timestamp.after.max.ms", "7200000"), AlterConfigOp.OpType.SET);
      admin.incrementalAlterConfigs(Map.of(brokerRes, List.of(set))).all().get();
      try {
        ConfigEntry after = null;
        for (int i = 0; i < 200; i++) {
          after = admin.describeConfigs(List.of(topicRes), full).all().get().get(topicRes).get("message.timestamp.after.max.ms");
          if ("7200000".equals(after.value())) break;
          Thread.sleep(20);
        }
        out.put("topicAfterBrokerSet", entry(after));
        Config broker = admin.describeConfigs(List.of(brokerRes), full).all().get().get(brokerRes);
        out.put("brokerEntry", entry(broker.get("log.message.timestamp.after.max.ms")));
      } finally {
        AlterConfigOp delete = new AlterConfigOp(new ConfigEntry("log.message.timestamp.after.max.ms", ""), AlterConfigOp.OpType.DELETE);
        admin.incrementalAlterConfigs(Map.of(brokerRes, List.of(delete))).all().get();
      }
      try {
        AlterConfigOp bad = new AlterConfigOp(new ConfigEntry("message.max.bytes", "-5"), AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(brokerRes, List.of(bad))).all().get();
        out.put("badBrokerValue", "accepted");
      } catch (java.util.concurrent.ExecutionException e) {
        out.put("badBrokerValue", Main.cause(e) + ": " + e.getCause().getMessage());
      }

      ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, user));
      admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(
          new ClientQuotaAlteration.Op("producer_byte_rate", 1024.0),
          new ClientQuotaAlteration.Op("request_percentage", 12.5))))).all().get();
      ClientQuotaFilter filter = ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user)));
      Map<String, Object> quotas = new TreeMap<>();
      for (int i = 0; i < 200 && quotas.isEmpty(); i++) {
        admin.describeClientQuotas(filter).entities().get().forEach((e, values) -> quotas.put(e.entries().toString(), new TreeMap<>(values)));
        if (quotas.isEmpty()) Thread.sleep(20);
      }
      out.put("quotas", quotas);
      admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(
          new ClientQuotaAlteration.Op("producer_byte_rate", null),
          new ClientQuotaAlteration.Op("request_percentage", null))))).all().get();

      Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(List.of(Integer.valueOf(nodeId))).allDescriptions().get();
      Map<String, LogDirDescription> mine = dirs.get(Integer.valueOf(nodeId));
      out.put("logDirCount", mine.size());
      LogDirDescription d = mine.values().iterator().next();
      out.put("logDirHasTopic", d.replicaInfos().keySet().stream().anyMatch(tp -> tp.topic().equals(topic)));
      out.put("logDirBytesKnown", d.totalBytes().isPresent() && d.usableBytes().isPresent()
          && d.usableBytes().getAsLong() <= d.totalBytes().getAsLong());
    }
  }

  private static Map<String, Object> entry(ConfigEntry e) {
    Map<String, Object> m = new TreeMap<>();
    m.put("value", e.value());
    m.put("source", e.source().name());
    List<String> synonyms = new ArrayList<>();
    for (ConfigEntry.ConfigSynonym s : e.synonyms()) synonyms.add(s.name() + "=" + s.value() + "@" + s.source().name());
    m.put("synonyms", synonyms);
    m.put("readOnly", e.isReadOnly());
    return m;
  }
}
