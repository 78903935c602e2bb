/*
 * Issue 11's proof that exactly-once survives a crash of the broker: the Kafka Streams word count
 * with processing.guarantee=exactly_once_v2 (repartition topic, state store changelog, transactions)
 * runs while the jest side (compat-tests/java/streams-eos-restart.test.ts) kills Tandem with SIGKILL
 * and restarts it on the same data dir and port. The scenario writes half the input, prints
 * {"phase":"kill"} once committed output has appeared (Streams still working through that half),
 * waits for the test's "killed" line on stdin, then writes the other half while Tandem restarts.
 * The read_committed output must end at each word's exact count, every word's counts strictly
 * increasing (a visible aborted transaction or a re-processed record would break one or the other).
 * Tandem-only: the oracle broker is not killed by the test.
 */
package tandem.compat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

final class KafkaStreamsEosRestartScenario {
  private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike"};

  static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    String bootstrap = args.get("bootstrap");
    String input = args.get("streamsInput");
    String output = args.get("streamsOutput");
    int total = Integer.parseInt(args.getOrDefault("streamsLines", "2000"));
    List<String> lines = new ArrayList<>();
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < total; i++) {
      // Deterministic, uneven counts: word w appears in line i when (i + w) % (w % 4 + 1) == 0.
      List<String> ws = new ArrayList<>();
      for (int w = 0; w < WORDS.length; w++) if ((i + w) % (w % 4 + 1) == 0) ws.add(WORDS[w]);
      lines.add(String.join(" ", ws));
      for (String w : ws) expected.merge(w, 1L, Long::sum);
    }
    long firstHalf = 0;
    for (int i = 0; i < total / 2; i++) firstHalf += lines.get(i).split(" ").length;
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(input, 2, (short) 1), new NewTopic(output, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    StreamsBuilder b = new StreamsBuilder();
    b.<String, String>stream(input)
        .flatMapValues(v -> Arrays.asList(v.split(" ")))
        .groupBy((k, w) -> w, Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.as("word-counts"))
        .toStream()
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    Properties sp = new Properties();
    sp.put(StreamsConfig.APPLICATION_ID_CONFIG, args.get("streamsApp"));
    sp.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    sp.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    sp.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    sp.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    sp.put(StreamsConfig.STATE_DIR_CONFIG, java.nio.file.Files.createTempDirectory("streams").toString());
    sp.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Ride out the seconds the broker is gone: retry sends and commits instead of failing the task.
    sp.put(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), 120_000);
    sp.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), 120_000);
    sp.put(StreamsConfig.TASK_TIMEOUT_MS_CONFIG, 120_000);
    sp.put(StreamsConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);

    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
    pp.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    pp.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);

    Map<String, Long> counts = new TreeMap<>();
    Map<String, Integer> nonIncreasing = new TreeMap<>();
    int outputRecords = 0;
    final int[] replaced = {0};
    try (KafkaStreams streams = new KafkaStreams(b.build(), sp);
        KafkaProducer<String, String> p = new KafkaProducer<>(pp);
        KafkaConsumer<String, Long> c = new KafkaConsumer<>(cp)) {
      // A thread that dies of an error the restart caused comes back; EOS makes the retry safe.
      streams.setUncaughtExceptionHandler(e -> {
        replaced[0]++;
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      streams.start();
      TopicPartition tp = new TopicPartition(output, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      Map<String, Long> lastSeen = new HashMap<>();
      int half = total / 2;
      for (int i = 0; i < half; i++) p.send(new ProducerRecord<>(input, "line-" + i, lines.get(i)));
      p.flush();
      long deadline = System.currentTimeMillis() + 60_000;
      while (outputRecords == 0 && System.currentTimeMillis() < deadline) {
        outputRecords += drain(c, counts, lastSeen, nonIncreasing);
      }
      out.put("outputBeforeKill", outputRecords);
      out.put("wordsBeforeKill", counts.values().stream().mapToLong(Long::longValue).sum());
      System.out.println("{\"phase\":\"kill\"}");
      System.out.flush();
      String answer = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
      if (!"killed".equals(answer)) throw new IllegalStateException("expected 'killed' on stdin, got " + answer);
      // The second half goes out through the outage, a few lines at a time, while Streams works.
      for (int i = half; i < total; i++) {
        p.send(new ProducerRecord<>(input, "line-" + i, lines.get(i)));
        if (i % 50 == 0) outputRecords += drain(c, counts, lastSeen, nonIncreasing);
      }
      p.flush();
      deadline = System.currentTimeMillis() + 180_000;
      while (!counts.equals(expected) && System.currentTimeMillis() < deadline) {
        outputRecords += drain(c, counts, lastSeen, nonIncreasing);
      }
      // A little longer: a duplicate commit after the exact state would show as an extra count.
      long settle = System.currentTimeMillis() + 1_000;
      while (System.currentTimeMillis() < settle) outputRecords += drain(c, counts, lastSeen, nonIncreasing);
      out.put("state", streams.state().toString());
      streams.close(Duration.ofSeconds(10));
      streams.cleanUp();
    }
    out.put("expected", expected);
    out.put("words", expected.values().stream().mapToLong(Long::longValue).sum());
    out.put("firstHalfWords", firstHalf);
    out.put("counts", counts);
    out.put("nonIncreasing", nonIncreasing);
    out.put("outputRecords", outputRecords);
    out.put("threadsReplaced", replaced[0]);
  }

  private static int drain(KafkaConsumer<String, Long> c, Map<String, Long> counts, Map<String, Long> lastSeen, Map<String, Integer> nonIncreasing) {
    int n = 0;
    for (ConsumerRecord<String, Long> r : c.poll(Duration.ofMillis(100))) {
      Long prev = lastSeen.put(r.key(), r.value());
      if (prev != null && r.value() <= prev) nonIncreasing.merge(r.key(), 1, Integer::sum);
      counts.put(r.key(), r.value());
      n++;
    }
    return n;
  }
}
