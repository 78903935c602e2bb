/*
 * AWS SDK for Java v2 SqsClient quick-start flow against Tandem's SQS endpoint: create a queue, look
 * it up and list it, send (single with message attributes, and a batch), receive with attributes,
 * delete, read and set queue attributes, then delete the queue. Error case: the missing queue ends in
 * QueueDoesNotExistException, both for GetQueueUrl and for a send to a missing queue URL.
 */
package tandem.compat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

final class SqsSyncScenario {
  static void run(Map<String, String> args, Map<String, Object> out) {
    String name = args.get("queue") + "-sync";
    try (SqsClient sqs = Sqs.sync(args.get("endpoint"))) {
      String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
      out.put("queueUrlEndsWith", url.substring(url.lastIndexOf('/') + 1));
      out.put("getQueueUrlSame", sqs.getQueueUrl(b -> b.queueName(name)).queueUrl().equals(url));
      out.put("listed", sqs.listQueues(b -> b.queueNamePrefix(name)).queueUrls().contains(url));

      SendMessageResponse sent = sqs.sendMessage(b -> b.queueUrl(url).messageBody("hello 0")
          .messageAttributes(Sqs.attributes(0)));
      out.put("sendHasId", sent.messageId() != null && !sent.messageId().isEmpty());
      out.put("sendMd5Body", sent.md5OfMessageBody());
      out.put("sendHasMd5Attributes", sent.md5OfMessageAttributes() != null);
      var batch = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
          SendMessageBatchRequestEntry.builder().id("a").messageBody("hello 1").messageAttributes(Sqs.attributes(1)).build(),
          SendMessageBatchRequestEntry.builder().id("b").messageBody("hello 2").delaySeconds(0).build()));
      out.put("batchSuccessful", batch.successful().size());
      out.put("batchFailed", batch.failed().size());

      List<Message> got = new ArrayList<>();
      for (int i = 0; i < 20 && got.size() < 3; i++) {
        got.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
            .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
      }
      got.sort(Comparator.comparing(Message::body));
      List<Object> received = new ArrayList<>();
      for (Message m : got) received.add(Sqs.describe(m));
      out.put("received", received);

      sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(got.get(0).receiptHandle()));
      var del = sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(
          DeleteMessageBatchRequestEntry.builder().id("1").receiptHandle(got.get(1).receiptHandle()).build(),
          DeleteMessageBatchRequestEntry.builder().id("2").receiptHandle(got.get(2).receiptHandle()).build()));
      out.put("deleteBatchSuccessful", del.successful().size());

      sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "45")));
      Map<QueueAttributeName, String> qa = sqs.getQueueAttributes(b -> b.queueUrl(url)
          .attributeNames(QueueAttributeName.ALL)).attributes();
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("VisibilityTimeout", qa.get(QueueAttributeName.VISIBILITY_TIMEOUT));
      attrs.put("ApproximateNumberOfMessages", qa.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
      attrs.put("ApproximateNumberOfMessagesNotVisible", qa.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
      attrs.put("QueueArn", qa.get(QueueAttributeName.QUEUE_ARN));
      attrs.put("MaximumMessageSize", qa.get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE));
      out.put("queueAttributes", attrs);

      sqs.deleteQueue(b -> b.queueUrl(url));
      out.put("getQueueUrlAfterDelete", error(() -> sqs.getQueueUrl(b -> b.queueName(name))));
      out.put("sendToMissing", error(() -> sqs.sendMessage(b -> b.queueUrl(url + "-missing").messageBody("x"))));
    }
  }

  /** The SDK exception a call ends in: its class, AWS error code and HTTP status. */
  static Map<String, Object> error(Runnable call) {
    Map<String, Object> e = new LinkedHashMap<>();
    try {
      call.run();
      e.put("exception", "none");
    } catch (SqsException x) {
      e.put("exception", x.getClass().getSimpleName());
      e.put("code", x.awsErrorDetails().errorCode());
      e.put("status", x.statusCode());
    }
    return e;
  }
}
