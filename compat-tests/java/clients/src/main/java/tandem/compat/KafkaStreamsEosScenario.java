/*
 * Kafka Streams with processing.guarantee=exactly_once_v2: a word count with a state store, so the
 * application uses a repartition topic (groupBy), a changelog topic (compacted) and transactions
 * spanning both plus its output and consumer offsets. The output, read read_committed, must hold
 * each word's exact final count. Runs against Tandem and real Kafka alike.
 */
package tandem.compat;

import java.time.Duration;
import java.util.Arrays;
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
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

final class KafkaStreamsEosScenario {
  static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    String bootstrap = args.get("bootstrap");
    String input = args.get("streamsInput");
    String output = args.get("streamsOutput");
    String appId = args.get("streamsApp");
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    List<String> lines = List.of("the quick brown fox", "the lazy dog", "the fox jumps", "a dog and a fox");
    Map<String, Long> expected = new TreeMap<>();
    for (String line : lines) for (String w : line.split(" ")) expected.merge(w, 1L, Long::sum);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(input, 2, (short) 1), new NewTopic(output, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      Properties pp = new Properties();
      pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      try (KafkaProducer<String, String> p = new KafkaProducer<>(pp)) {
        for (int i = 0; i < lines.size(); i++) p.send(new ProducerRecord<>(input, "line-" + i, lines.get(i))).get(30, TimeUnit.SECONDS);
      }

      StreamsBuilder b = new StreamsBuilder();
      b.<String, String>stream(input)
          .flatMapValues(v -> Arrays.asList(v.split(" ")))
          .groupBy((k, w) -> w, Grouped.with(Serdes.String(), Serdes.String()))
          .count(Materialized.as("word-counts"))
          .toStream()
          .to(output, Produced.with(Serdes.String(), Serdes.Long()));
      Properties sp = new Properties();
      sp.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
      sp.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      sp.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      sp.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
      sp.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
      sp.put(StreamsConfig.STATE_DIR_CONFIG, java.nio.file.Files.createTempDirectory("streams").toString());
      sp.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
      sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

      Map<String, Long> counts = new TreeMap<>();
      try (KafkaStreams streams = new KafkaStreams(b.build(), sp)) {
        streams.start();
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, Long> c = new KafkaConsumer<>(cp)) {
          TopicPartition tp = new TopicPartition(output, 0);
          c.assign(List.of(tp));
          c.seekToBeginning(List.of(tp));
          long deadline = System.currentTimeMillis() + 90_000;
          while (!counts.equals(expected) && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, Long> r : c.poll(Duration.ofMillis(200))) counts.put(r.key(), r.value());
          }
        }
        out.put("state", streams.state().toString());
        streams.close(Duration.ofSeconds(10));
        streams.cleanUp(); // the local state directory
      }
      out.put("expected", expected);
      out.put("counts", counts);
    }
  }
}
