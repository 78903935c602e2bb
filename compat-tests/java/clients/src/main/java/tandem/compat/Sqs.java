/*
 * What the AWS SDK v2 SQS scenarios share: clients built the way a user points them at a local
 * endpoint (endpointOverride, static credentials, us-east-1), the message attributes they send, and
 * how a received message is reported back to the jest side.
 */
package tandem.compat;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

final class Sqs {
  private Sqs() {}

  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  static SqsClient sync(String endpoint) {
    return SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS).build();
  }

  static SqsAsyncClient async(String endpoint) {
    return SqsAsyncClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS).build();
  }

  /** One attribute of each data type; the SDK checks MD5OfMessageAttributes against them. */
  static Map<String, MessageAttributeValue> attributes(int n) {
    Map<String, MessageAttributeValue> a = new LinkedHashMap<>();
    a.put("kind", MessageAttributeValue.builder().dataType("String").stringValue("order").build());
    a.put("n", MessageAttributeValue.builder().dataType("Number").stringValue(String.valueOf(n)).build());
    a.put("blob", MessageAttributeValue.builder().dataType("Binary")
        .binaryValue(SdkBytes.fromByteArray(new byte[] {1, 2, (byte) n})).build());
    return a;
  }

  static Map<String, Object> describe(Message m) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("body", m.body());
    Map<String, Object> attrs = new TreeMap<>();
    m.messageAttributes().forEach((k, v) -> attrs.put(k, v.dataType() + ":"
        + (v.binaryValue() != null ? java.util.HexFormat.of().formatHex(v.binaryValue().asByteArray()) : v.stringValue())));
    d.put("attributes", attrs);
    Map<String, Object> sys = new TreeMap<>();
    m.attributesAsStrings().forEach(sys::put);
    d.put("system", sys);
    return d;
  }
}
