// Command tandem-sarama-1.45 produces with IBM/sarama v1.45.0 (default protocol version 2.1.0),
// the last release that leaves a record batch's maxTimestamp at -1 (v1.45.1 started filling it
// in). Many applications still pin such a sarama, so go.test.ts checks that what it produces
// survives on Tandem as on Kafka; its records are read back with the current sarama
// (../sarama.go). Prints one JSON line, like ../main.go.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/IBM/sarama"
)

func main() {
	bootstrap := flag.String("bootstrap", "", "Kafka bootstrap host:port")
	topic := flag.String("topic", "", "topic to create and produce to")
	n := flag.Int("n", 10, "records to produce")
	partitions := flag.Int("partitions", 3, "partitions of the topic")
	flag.Parse()

	cfg := sarama.NewConfig() // keeps this release's DefaultVersion
	cfg.ClientID = "tandem-go-compat-sarama-1.45"
	cfg.Producer.Return.Successes = true // required by SyncProducer
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	out := map[string]any{"version": cfg.Version.String()}

	if admin, err := sarama.NewClusterAdmin([]string{*bootstrap}, cfg); err != nil {
		out["createError"] = err.Error()
	} else {
		detail := &sarama.TopicDetail{NumPartitions: int32(*partitions), ReplicationFactor: 1}
		out["createError"] = errString(admin.CreateTopic(*topic, detail, false))
		_ = admin.Close()
	}

	producer, err := sarama.NewSyncProducer([]string{*bootstrap}, cfg)
	if err != nil {
		out["error"] = err.Error()
	} else {
		msgs := make([]*sarama.ProducerMessage, *n)
		for i := range msgs {
			msgs[i] = &sarama.ProducerMessage{Topic: *topic, Key: sarama.StringEncoder(fmt.Sprintf("key-%d", i)), Value: sarama.StringEncoder(fmt.Sprintf("value-%d", i))}
		}
		out["produceError"] = errString(producer.SendMessages(msgs))
		acked := 0
		for _, m := range msgs {
			if m.Offset >= 0 {
				acked++
			}
		}
		out["acked"] = acked
		_ = producer.Close()
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
	if out["error"] != nil {
		os.Exit(1)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
