/*
 * Spring Kafka as a Spring Boot app uses it: NewTopic beans (created by KafkaAdmin at startup), a
 * @KafkaListener, a DefaultErrorHandler retrying with a FixedBackOff, then handing the record to a
 * DeadLetterPublishingRecoverer that publishes it to <topic>.DLT; a second listener reads the DLT.
 * Good records are processed; the poison one is tried 1 + 2 times and lands in the DLT with Spring's
 * kafka_dlt-* headers.
 * The producer keeps kafka-clients' defaults (idempotent).
 */
package tandem.compat.spring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = "io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration")
public class KafkaDltApp {
  /** What the listeners saw, read by the scenario after the app has worked. */
  static final List<String> processed = Collections.synchronizedList(new ArrayList<>());
  static final Map<String, Integer> attempts = new ConcurrentHashMap<>();
  static final List<Map<String, Object>> deadLetters = Collections.synchronizedList(new ArrayList<>());

  @Bean
  NewTopic orders(@Value("${app.topic}") String topic) {
    return TopicBuilder.name(topic).partitions(1).replicas(1).build();
  }

  @Bean
  NewTopic ordersDlt(@Value("${app.topic}") String topic) {
    return TopicBuilder.name(topic + ".DLT").partitions(1).replicas(1).build();
  }

  /**
   * Boot hands this CommonErrorHandler to its default listener container factory. The destination is
   * named explicitly: <topic>.DLT, same partition (spring-kafka 3.3's own default suffix is -dlt).
   */
  @Bean
  DefaultErrorHandler errorHandler(KafkaOperations<Object, Object> template) {
    DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
        (record, ex) -> new TopicPartition(record.topic() + ".DLT", record.partition()));
    return new DefaultErrorHandler(recoverer, new FixedBackOff(100L, 2L));
  }

  @Bean
  Listeners listeners() {
    return new Listeners();
  }

  static class Listeners {
    @KafkaListener(id = "orders", topics = "${app.topic}", groupId = "${app.group}")
    void onOrder(String value) {
      attempts.merge(value, 1, Integer::sum);
      if (value.startsWith("poison")) throw new IllegalStateException("cannot process " + value);
      processed.add(value);
    }

    @KafkaListener(id = "orders-dlt", topics = "${app.topic}.DLT", groupId = "${app.group}-dlt")
    void onDeadLetter(ConsumerRecord<String, String> r) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("topic", r.topic());
      d.put("key", r.key());
      d.put("value", r.value());
      d.put("originalTopic", header(r, "kafka_dlt-original-topic"));
      d.put("exception", header(r, "kafka_dlt-exception-cause-fqcn"));
      deadLetters.add(d);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
      Header h = r.headers().lastHeader(name);
      return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
  }

  static void scenario(Map<String, String> args, Map<String, Object> out) throws Exception {
    String topic = args.get("springTopic");
    Map<String, Object> p = SpringMain.baseProperties();
    p.put("app.topic", topic);
    p.put("app.group", args.get("springGroup"));
    p.put("spring.kafka.bootstrap-servers", args.get("bootstrap"));
    p.put("spring.kafka.consumer.auto-offset-reset", "earliest");
    // Startup fails if the NewTopic beans cannot be created, instead of only logging it.
    p.put("spring.kafka.admin.fail-fast", "true");
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(KafkaDltApp.class).properties(p).run()) {
      @SuppressWarnings("unchecked")
      KafkaTemplate<String, String> template = ctx.getBean(KafkaTemplate.class);
      for (String v : List.of("good-1", "poison-1", "good-2")) {
        template.send(topic, "k-" + v, v).get(30, TimeUnit.SECONDS);
      }
      SpringMain.await(() -> processed.size() >= 2 && !deadLetters.isEmpty(), 90_000);
      // Anything more (a second dead letter, a re-processed record) would show up meanwhile.
      Thread.sleep(500);
      out.put("processed", new ArrayList<>(processed));
      out.put("attempts", new java.util.TreeMap<>(attempts));
      out.put("deadLetters", new ArrayList<>(deadLetters));
    }
  }
}
