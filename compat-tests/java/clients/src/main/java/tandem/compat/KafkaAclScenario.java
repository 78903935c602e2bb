/*
 * ACLs through the Java AdminClient (compat-tests/security/java-acls.test.ts), against a Tandem
 * started with --kafka-authorizer: create (one invalid binding refused), describe with a MATCH
 * filter, delete by filter, describe again. Prints what each step saw.
 */
package tandem.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

final class KafkaAclScenario {
  private KafkaAclScenario() {}

  static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("bootstrap"));
    try (Admin admin = Admin.create(props)) {
      String topic = args.getOrDefault("topic", "java-acl");
      AclBinding read = new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
          new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW));
      AclBinding prefixed = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "java-", PatternType.PREFIXED),
          new AccessControlEntry("User:bob", "*", AclOperation.WRITE, AclPermissionType.DENY));
      admin.createAcls(List.of(read, prefixed)).all().get();
      AclBinding invalid = new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "not-the-cluster", PatternType.LITERAL),
          new AccessControlEntry("User:alice", "*", AclOperation.ALTER, AclPermissionType.ALLOW));
      try {
        admin.createAcls(List.of(invalid)).all().get();
        out.put("invalid", "accepted");
      } catch (Exception e) {
        out.put("invalid", Main.cause(e));
        Throwable root = e.getCause() != null ? e.getCause() : e;
        out.put("invalidMessage", root.getMessage());
      }
      AclBindingFilter match = new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, topic, PatternType.MATCH), AccessControlEntryFilter.ANY);
      out.put("matched", describe(admin, match));
      out.put("deleted", admin.deleteAcls(List.of(new AclBindingFilter(ResourcePatternFilter.ANY,
          new AccessControlEntryFilter("User:bob", null, AclOperation.ANY, AclPermissionType.ANY)))).all().get().size());
      out.put("after", describe(admin, AclBindingFilter.ANY));
    }
  }

  private static List<String> describe(Admin admin, AclBindingFilter filter) throws Exception {
    TreeSet<String> seen = new TreeSet<>();
    for (AclBinding b : admin.describeAcls(filter).values().get()) {
      seen.add(b.pattern().patternType() + ":" + b.pattern().name() + " " + b.entry().principal() + " " + b.entry().operation() + " " + b.entry().permissionType());
    }
    return new ArrayList<>(seen);
  }
}
