/*
 * AWS SDK for Java v2 SqsAsyncClient (the Netty-based client Spring Cloud AWS and reactive apps use):
 * create, send with message attributes, receive, delete, queue attributes, delete queue; and the
 * missing-queue error, which arrives as a failed future whose cause is QueueDoesNotExistException.
 */
package tandem.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

final class SqsAsyncScenario {
  static void run(Map<String, String> args, Map<String, Object> out) {
    String name = args.get("queue") + "-async";
    try (SqsAsyncClient sqs = Sqs.async(args.get("endpoint"))) {
      String url = sqs.createQueue(b -> b.queueName(name)).join().queueUrl();
      out.put("queueUrlEndsWith", url.substring(url.lastIndexOf('/') + 1));
      var sent = sqs.sendMessage(b -> b.queueUrl(url).messageBody("async hello").messageAttributes(Sqs.attributes(7))).join();
      out.put("sendMd5Body", sent.md5OfMessageBody());

      List<Message> got = new ArrayList<>();
      for (int i = 0; i < 20 && got.isEmpty(); i++) {
        got.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
            .messageAttributeNames("All")).join().messages());
      }
      List<Object> received = new ArrayList<>();
      for (Message m : got) received.add(Sqs.describe(m));
      out.put("received", received);
      sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(got.get(0).receiptHandle())).join();

      Map<QueueAttributeName, String> qa = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
          .join().attributes();
      out.put("afterDelete", Map.of(
          "visible", qa.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
          "inFlight", qa.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
      sqs.deleteQueue(b -> b.queueUrl(url)).join();

      Map<String, Object> e = new LinkedHashMap<>();
      try {
        sqs.getQueueUrl(b -> b.queueName(name + "-missing")).join();
        e.put("exception", "none");
      } catch (CompletionException x) {
        e.put("wrapper", "CompletionException");
        e.put("exception", x.getCause().getClass().getSimpleName());
        if (x.getCause() instanceof SqsException s) {
          e.put("code", s.awsErrorDetails().errorCode());
          e.put("status", s.statusCode());
        }
      }
      out.put("missing", e);
    }
  }
}
