/*
 * Issue 10's proof for the Java AdminClient against a three-broker Tandem (--kafka-brokers 3):
 * describeCluster (three nodes, a controller among them), describeTopics (leaders spread round
 * robin, replicas the broker set), then a leader moved through Tandem's admin route
 * (POST /_tandem/partitions/leader, given as `adminEndpoint`) and electLeaders(PREFERRED) moving it
 * back, with ELECTION_NOT_NEEDED for the partitions already led by their preferred replica.
 * Tandem-only: a single real broker cannot move a leader (compat-tests/java/cluster-admin.test.ts).
 */
package tandem.compat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

final class KafkaClusterAdminScenario {
  static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    String topic = args.get("clusterTopic");
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("bootstrap"));
    try (Admin admin = Admin.create(ap)) {
      DescribeClusterResult dc = admin.describeCluster();
      List<Object> nodes = new ArrayList<>();
      for (Node n : dc.nodes().get(30, TimeUnit.SECONDS)) nodes.add(Map.of("id", n.id(), "port", n.port()));
      nodes.sort((a, b) -> Integer.compare((int) ((Map<?, ?>) a).get("id"), (int) ((Map<?, ?>) b).get("id")));
      out.put("nodes", nodes);
      out.put("controller", dc.controller().get(30, TimeUnit.SECONDS).id());
      out.put("clusterId", dc.clusterId().get(30, TimeUnit.SECONDS));

      admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
      out.put("before", describe(admin, topic));

      // Move partition 0's leader to the next live replica, as a test or operator would.
      HttpRequest move = HttpRequest.newBuilder(URI.create(args.get("adminEndpoint") + "/_tandem/partitions/leader"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"" + topic + "\",\"partition\":0}")).build();
      HttpResponse<String> moved = HttpClient.newHttpClient().send(move, HttpResponse.BodyHandlers.ofString());
      out.put("moveStatus", moved.statusCode());
      out.put("moved", describe(admin, topic));

      Set<TopicPartition> all = Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2));
      Map<TopicPartition, Optional<Throwable>> elected = admin.electLeaders(ElectionType.PREFERRED, all).partitions().get(30, TimeUnit.SECONDS);
      Map<String, String> election = new TreeMap<>();
      for (Map.Entry<TopicPartition, Optional<Throwable>> e : elected.entrySet()) {
        election.put(String.valueOf(e.getKey().partition()), e.getValue().map(t -> t.getClass().getSimpleName()).orElse("ok"));
      }
      out.put("election", election);
      out.put("after", describe(admin, topic));

      // Every partition of the cluster (null): those already led by their preferred replica are left out.
      Map<TopicPartition, Optional<Throwable>> again = admin.electLeaders(ElectionType.PREFERRED, null).partitions().get(30, TimeUnit.SECONDS);
      int ours = 0;
      for (TopicPartition tp : again.keySet()) if (tp.topic().equals(topic)) ours++;
      out.put("electAllOurs", ours);
    }
  }

  /** partition -> {leader, replicas, isr} from describeTopics (a fresh Metadata request each call). */
  private static Map<String, Object> describe(Admin admin, String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    Map<String, Object> parts = new TreeMap<>();
    for (TopicPartitionInfo p : d.partitions()) {
      parts.put(String.valueOf(p.partition()), Map.of(
          "leader", p.leader() == null ? -1 : p.leader().id(),
          "replicas", p.replicas().stream().map(Node::id).toList(),
          "isr", p.isr().stream().map(Node::id).toList()));
    }
    return parts;
  }
}
