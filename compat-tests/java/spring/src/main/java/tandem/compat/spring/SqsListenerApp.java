/*
 * Spring Cloud AWS 3.x SQS as a Spring Boot app uses it: an @SqsListener (its container creates
 * the queue at startup when GetQueueUrl says QueueDoesNotExist) receives JSON-converted POJOs that
 * SqsTemplate sent, with headers carried as message attributes (a String and a typed
 * Number.java.lang.Integer one); acknowledged messages are deleted. SqsTemplate.receive reads a
 * second queue.
 */
package tandem.compat.spring;

import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.operations.SqsTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = "org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration")
public class SqsListenerApp {
  public record Order(String id, int quantity) {}

  static final List<Map<String, Object>> received = Collections.synchronizedList(new ArrayList<>());

  @Bean
  Listener listener() {
    return new Listener();
  }

  static class Listener {
    // A short poll keeps the container's shutdown short; the default long poll waits 10 s.
    @SqsListener(value = "${app.queue}", pollTimeoutSeconds = "1")
    void onOrder(Order order, @Header("source") String source, @Header("priority") Integer priority) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", order.id());
      r.put("quantity", order.quantity());
      r.put("source", source);
      r.put("priority", priority);
      received.add(r);
    }
  }

  static void scenario(Map<String, String> args, Map<String, Object> out) throws Exception {
    String queue = args.get("queue") + "-spring-orders";
    String pull = args.get("queue") + "-spring-pull";
    Map<String, Object> p = SpringMain.baseProperties();
    p.put("app.queue", queue);
    p.put("spring.cloud.aws.sqs.endpoint", args.get("endpoint"));
    p.put("spring.cloud.aws.region.static", "us-east-1");
    p.put("spring.cloud.aws.credentials.access-key", "test");
    p.put("spring.cloud.aws.credentials.secret-key", "test");
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(SqsListenerApp.class).properties(p).run()) {
      SqsTemplate template = ctx.getBean(SqsTemplate.class);
      for (int i = 1; i <= 3; i++) {
        Order o = new Order("o-" + i, i * 10);
        int priority = i;
        template.send(to -> to.queue(queue).payload(o).header("source", "template").header("priority", priority));
      }
      SpringMain.await(() -> received.size() >= 3, 60_000);
      List<Map<String, Object>> got = new ArrayList<>(received);
      got.sort((a, b) -> String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id"))));
      out.put("received", got);

      // The listener acknowledges in batches after success: the queue drains.
      SqsAsyncClient sqs = ctx.getBean(SqsAsyncClient.class);
      String url = sqs.getQueueUrl(b -> b.queueName(queue)).join().queueUrl();
      out.put("drained", SpringMain.await(() -> {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .join().attributes();
        return "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            && "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
      }, 30_000));

      template.send(pull, new Order("pulled", 7));
      Optional<Message<Order>> m = template.receive(from -> from.queue(pull).pollTimeout(Duration.ofSeconds(5)), Order.class);
      out.put("pulled", m.map(x -> x.getPayload().id()).orElse(null));
      out.put("pullQueueEmptyAfter", template.receive(from -> from.queue(pull).pollTimeout(Duration.ofSeconds(1)), Order.class).isEmpty());
    }
  }
}
