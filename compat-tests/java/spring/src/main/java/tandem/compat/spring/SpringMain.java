/*
 * Entry point of the Spring scenarios, one JVM for both apps:
 *   java -cp <classpath> tandem.compat.spring.SpringMain <scenario>[,<scenario>...] key=value...
 * Each scenario starts its own Spring Boot application (non-web, started programmatically as a
 * user's main() does), drives it, closes it and prints one JSON line {"scenario": name, ...}
 * (or {"scenario", "error"} when it threw). Spring's console log goes to stdout too, so the jest
 * side reads only the lines that start with {"scenario".
 */
package tandem.compat.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

public final class SpringMain {
  interface Scenario {
    void run(Map<String, String> args, Map<String, Object> out) throws Exception;
  }

  private static final Map<String, Scenario> SCENARIOS = Map.of(
      "spring-kafka", KafkaDltApp::scenario,
      "spring-sqs", SqsListenerApp::scenario);

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 1; i < argv.length; i++) {
      int eq = argv[i].indexOf('=');
      args.put(argv[i].substring(0, eq), argv[i].substring(eq + 1));
    }
    ObjectMapper json = new ObjectMapper();
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
      System.out.println(json.writeValueAsString(out));
      System.out.flush();
    }
    System.exit(0);
  }

  /** The Spring Boot properties every scenario shares: no web server, no banner, quiet logs. */
  static Map<String, Object> baseProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put("spring.main.web-application-type", "none");
    p.put("spring.main.banner-mode", "off");
    p.put("spring.main.log-startup-info", "false");
    p.put("logging.level.root", "WARN");
    return p;
  }

  /** Waits for a condition; the bound only stops a hung client from hanging the run. */
  static boolean await(java.util.function.BooleanSupplier done, long giveUpMs) throws InterruptedException {
    long end = System.currentTimeMillis() + giveUpMs;
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > end) return false;
      Thread.sleep(50);
    }
    return true;
  }
}
