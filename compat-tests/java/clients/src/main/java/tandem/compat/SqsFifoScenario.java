/*
 * A FIFO queue round trip with the SDK v2 SqsClient: content-based deduplication drops a resent
 * body, messages of one group come back in send order with their group id and sequence numbers,
 * and a group stays blocked while one of its messages is in flight.
 */
package tandem.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

final class SqsFifoScenario {
  static void run(Map<String, String> args, Map<String, Object> out) {
    String name = args.get("queue") + "-orders.fifo";
    try (SqsClient sqs = Sqs.sync(args.get("endpoint"))) {
      String url = sqs.createQueue(b -> b.queueName(name).attributes(Map.of(
          QueueAttributeName.FIFO_QUEUE, "true",
          QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"))).queueUrl();
      List<String> sequence = new ArrayList<>();
      for (String body : List.of("first", "second", "third", "first")) {
        var r = sqs.sendMessage(b -> b.queueUrl(url).messageBody(body).messageGroupId("g1"));
        sequence.add(r.sequenceNumber());
      }
      // The resent "first" is a duplicate: same message id and sequence number as the original.
      out.put("duplicateSameSequence", sequence.get(3).equals(sequence.get(0)));
      out.put("sequencesIncrease", sequence.get(0).compareTo(sequence.get(1)) < 0 && sequence.get(1).compareTo(sequence.get(2)) < 0);

      // One at a time: while "first" is in flight, group g1 yields nothing more.
      List<Message> one = receive(sqs, url, 1);
      out.put("firstReceive", bodies(one));
      out.put("whileInFlight", bodies(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages()));
      sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(one.get(0).receiptHandle()));

      List<Message> rest = receive(sqs, url, 10);
      out.put("rest", bodies(rest));
      List<String> groups = new ArrayList<>();
      for (Message m : rest) groups.add(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
      out.put("groups", groups);
      for (Message m : rest) sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
      out.put("afterDeletes", bodies(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages()));
      sqs.deleteQueue(b -> b.queueUrl(url));
    }
  }

  private static List<Message> receive(SqsClient sqs, String url, int max) {
    return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(1)
        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
  }

  private static List<String> bodies(List<Message> ms) {
    List<String> b = new ArrayList<>();
    for (Message m : ms) b.add(m.body());
    return b;
  }
}
