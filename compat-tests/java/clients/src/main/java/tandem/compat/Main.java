/*
 * Entry point of the plain-client scenarios, so the jest side starts one JVM for several of them:
 *   java -cp <classpath> tandem.compat.Main <scenario>[,<scenario>...] key=value...
 * Each scenario prints one JSON line {"scenario": name, ...results} (or {"scenario", "error"} when
 * it threw), so one failing scenario does not hide the others' results.
 */
package tandem.compat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

public final class Main {
  public interface Scenario {
    void run(Map<String, String> args, Map<String, Object> out) throws Exception;
  }

  // Map.ofEntries: Map.of stops at ten pairs.
  private static final Map<String, Scenario> SCENARIOS = Map.ofEntries(
      Map.entry("kafka", (Scenario) KafkaScenario::run),
      Map.entry("kafka-idempotent", (Scenario) KafkaIdempotentScenario::run),
      Map.entry("kafka-admin", (Scenario) KafkaAdminScenario::run),
      Map.entry("kafka-transactional", (Scenario) KafkaTransactionalScenario::run),
      Map.entry("kafka-streams-eos", (Scenario) KafkaStreamsEosScenario::run),
      Map.entry("kafka-streams-eos-restart", (Scenario) KafkaStreamsEosRestartScenario::run),
      Map.entry("kafka-cluster-admin", (Scenario) KafkaClusterAdminScenario::run),
      Map.entry("kafka-consumer-protocol", (Scenario) KafkaConsumerProtocolScenario::run),
      Map.entry("kafka-acl", (Scenario) KafkaAclScenario::run),
      Map.entry("sqs-sync", (Scenario) SqsSyncScenario::run),
      Map.entry("sqs-async", (Scenario) SqsAsyncScenario::run),
      Map.entry("sqs-fifo", (Scenario) SqsFifoScenario::run),
      Map.entry("sqs-batch-manager", (Scenario) SqsBatchManagerScenario::run));

  public static void main(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 1; i < argv.length; i++) {
      int eq = argv[i].indexOf('=');
      args.put(argv[i].substring(0, eq), argv[i].substring(eq + 1));
    }
    for (String name : argv[0].split(",")) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("scenario", name);
      long started = System.nanoTime();
      try {
        Scenario s = SCENARIOS.get(name);
        if (s == null) throw new IllegalArgumentException("unknown scenario " + name);
        s.run(args, out);
      } catch (Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        out.put("error", trace.toString());
      }
      // Timing goes to stderr for whoever tunes CI time; nothing asserts on it.
      System.err.printf("%s took %d ms%n", name, (System.nanoTime() - started) / 1_000_000);
      System.out.println(Json.write(out));
      System.out.flush();
    }
    // Client libraries may leave non-daemon threads behind (netty, kafka); results are printed.
    System.exit(0);
  }

  /** The simple class name of an exception's root cause chain entry that is not a wrapper. */
  public static String cause(Throwable t) {
    while ((t instanceof java.util.concurrent.ExecutionException
        || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }
}
