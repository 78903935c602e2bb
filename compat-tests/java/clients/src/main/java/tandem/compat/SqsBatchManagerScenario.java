/*
 * The AWS SDK v2 SqsAsyncBatchManager (sqsAsyncClient.batchManager()), which apps use to cut request
 * counts: single sends, receives and deletes are buffered and go out as SendMessageBatch,
 * DeleteMessageBatch and background long-poll receives (after a GetQueueAttributes for the queue's
 * visibility and wait settings). Every message sent comes back once and the queue ends empty.
 */
package tandem.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

final class SqsBatchManagerScenario {
  private static final int COUNT = 12;

  static void run(Map<String, String> args, Map<String, Object> out) throws Exception {
    String name = args.get("queue") + "-batched";
    try (SqsAsyncClient sqs = Sqs.async(args.get("endpoint"))) {
      String url = sqs.createQueue(b -> b.queueName(name)).join().queueUrl();
      TreeSet<String> bodies = new TreeSet<>();
      try (SqsAsyncBatchManager batch = sqs.batchManager()) {
        List<CompletableFuture<SendMessageResponse>> sends = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
          String body = "batched-" + i;
          sends.add(batch.sendMessage(b -> b.queueUrl(url).messageBody(body)));
        }
        int sent = 0;
        for (CompletableFuture<SendMessageResponse> f : sends) if (f.join().messageId() != null) sent++;
        out.put("sent", sent);

        List<CompletableFuture<?>> deletes = new ArrayList<>();
        // Until every message came back: the manager fills its buffer by background receives, whose
        // pace depends on the machine, so a fixed number of tries is no bound (a safety net of 60 s).
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (bodies.size() < COUNT && System.nanoTime() < deadline) {
          for (Message m : batch.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).join().messages()) {
            bodies.add(m.body());
            deletes.add(batch.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
          }
        }
        CompletableFuture.allOf(deletes.toArray(new CompletableFuture[0])).join();
        out.put("deletes", deletes.size());
      }
      out.put("received", new ArrayList<>(bodies));
      Map<QueueAttributeName, String> qa = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
          .join().attributes();
      out.put("left", Map.of(
          "visible", qa.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
          "inFlight", qa.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
      sqs.deleteQueue(b -> b.queueUrl(url)).join();
    }
  }
}
