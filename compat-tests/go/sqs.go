// aws-sdk-go-v2 SQS (AWS JSON 1.0 protocol) with BaseEndpoint and static credentials: the SDK's
// own checks (response MD5s, typed errors) run on Tandem's answers, and results are reported for
// go.test.ts to compare with AWS's documented behaviour.
package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func sqsClient(ctx context.Context, a args) (*sqs.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
	)
	if err != nil {
		return nil, err
	}
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(a.endpoint) }), nil
}

func sqsBasic(ctx context.Context, a args) map[string]any {
	c, err := sqsClient(ctx, a)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	out := map[string]any{}
	created, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{
		QueueName:  aws.String(a.queue),
		Attributes: map[string]string{"VisibilityTimeout": "45"},
	})
	if err != nil {
		return map[string]any{"error": "CreateQueue: " + err.Error()}
	}
	url := aws.ToString(created.QueueUrl)
	out["queueUrl"] = url

	// The SDK checks MD5OfMessageBody and MD5OfMessageAttributes itself and fails the call on a mismatch.
	sent, err := c.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    &url,
		MessageBody: aws.String("hello from aws-sdk-go-v2"),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"color": {DataType: aws.String("String"), StringValue: aws.String("blue")},
			"count": {DataType: aws.String("Number"), StringValue: aws.String("42")},
			"blob":  {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2, 255}},
		},
	})
	if err != nil {
		out["error"] = "SendMessage: " + err.Error()
		return out
	}
	out["sent"] = map[string]any{
		"messageId": aws.ToString(sent.MessageId), "md5OfBody": aws.ToString(sent.MD5OfMessageBody),
		"md5OfAttributes": aws.ToString(sent.MD5OfMessageAttributes),
	}

	recv, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: &url, MaxNumberOfMessages: 10,
		MessageAttributeNames:       []string{"All"},
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
	})
	if err != nil {
		out["error"] = "ReceiveMessage: " + err.Error()
		return out
	}
	msgs := []map[string]any{}
	for _, m := range recv.Messages {
		attrs := map[string]string{}
		for k, v := range m.MessageAttributes {
			if v.BinaryValue != nil {
				attrs[k] = fmt.Sprintf("%s:%x", aws.ToString(v.DataType), v.BinaryValue)
			} else {
				attrs[k] = aws.ToString(v.DataType) + ":" + aws.ToString(v.StringValue)
			}
		}
		msgs = append(msgs, map[string]any{
			"messageId": aws.ToString(m.MessageId), "body": aws.ToString(m.Body), "md5OfBody": aws.ToString(m.MD5OfBody),
			"attributes": attrs, "receiveCount": m.Attributes["ApproximateReceiveCount"],
			"hasSentTimestamp": m.Attributes["SentTimestamp"] != "",
		})
		if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle}); err != nil {
			out["deleteMessageError"] = err.Error()
		}
	}
	out["received"] = msgs

	ga, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: &url, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll},
	})
	if err != nil {
		out["error"] = "GetQueueAttributes: " + err.Error()
		return out
	}
	out["attributes"] = ga.Attributes

	listed, err := c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String(a.queue)})
	if err == nil {
		out["listed"] = listed.QueueUrls
	}
	_, err = c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: &url})
	out["deleteQueueError"] = errString(err)
	return out
}

// describeErr reports how the SDK surfaced an error: the typed error it matched, the API error
// code and message, and the HTTP status.
func describeErr(err error) map[string]any {
	d := map[string]any{"error": errString(err)}
	var notFound *types.QueueDoesNotExist
	d["isQueueDoesNotExist"] = errors.As(err, &notFound)
	var api smithy.APIError
	if errors.As(err, &api) {
		d["code"], d["message"], d["fault"] = api.ErrorCode(), api.ErrorMessage(), api.ErrorFault().String()
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		d["status"] = re.HTTPStatusCode()
	}
	return d
}

func sqsError(ctx context.Context, a args) map[string]any {
	c, err := sqsClient(ctx, a)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(a.queue)})
	out := map[string]any{"getQueueUrl": describeErr(err)}
	url := a.endpoint + "/000000000000/" + a.queue
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")})
	out["sendMessage"] = describeErr(err)
	return out
}

func sqsFifo(ctx context.Context, a args) map[string]any {
	c, err := sqsClient(ctx, a)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	out := map[string]any{}
	created, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{
		QueueName:  aws.String(a.queue),
		Attributes: map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"},
	})
	if err != nil {
		return map[string]any{"error": "CreateQueue: " + err.Error()}
	}
	url := aws.ToString(created.QueueUrl)
	// "second" twice: content-based deduplication drops the repeat within 5 minutes.
	bodies := []string{"first", "second", "second", "third"}
	sends := []map[string]any{}
	for _, b := range bodies {
		r, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(b), MessageGroupId: aws.String("g1")})
		if err != nil {
			out["error"] = "SendMessage: " + err.Error()
			return out
		}
		sends = append(sends, map[string]any{"messageId": aws.ToString(r.MessageId), "sequenceNumber": aws.ToString(r.SequenceNumber)})
	}
	out["sent"] = sends

	recv, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: &url, MaxNumberOfMessages: 10,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
	})
	if err != nil {
		out["error"] = "ReceiveMessage: " + err.Error()
		return out
	}
	got := []map[string]any{}
	entries := []types.DeleteMessageBatchRequestEntry{}
	for i, m := range recv.Messages {
		got = append(got, map[string]any{
			"body": aws.ToString(m.Body), "groupId": m.Attributes["MessageGroupId"],
			"sequenceNumber": m.Attributes["SequenceNumber"], "dedupId": m.Attributes["MessageDeduplicationId"],
		})
		entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle})
	}
	out["received"] = got
	if len(entries) > 0 {
		del, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: entries})
		if err != nil {
			out["deleteError"] = err.Error()
		} else {
			out["deleted"], out["deleteFailed"] = len(del.Successful), len(del.Failed)
		}
	}
	again, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10})
	if err == nil {
		out["receivedAfterDelete"] = len(again.Messages)
	}
	_, err = c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: &url})
	out["deleteQueueError"] = errString(err)
	return out
}
