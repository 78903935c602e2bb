// Command tandem-go-compat runs one quick-start flow of a Go client (franz-go, sarama, kafka-go,
// aws-sdk-go-v2 SQS) against a Kafka/SQS endpoint and prints one JSON line of what it observed.
// compat-tests/go/go.test.ts runs it against a spawned Tandem (or the real Kafka oracle) and
// asserts the results: the Go side reports, the jest side judges.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"
)

// args holds every flag a scenario may use; each scenario reads the ones it needs.
type args struct {
	bootstrap  string
	endpoint   string
	topic      string
	group      string
	queue      string
	n          int
	partitions int
	idempotent bool
	retention  string
	acks       string
	timeout    time.Duration
	idle       time.Duration
}

var scenarios = map[string]func(context.Context, args) map[string]any{
	"franz-admin":     franzAdmin,
	"franz-roundtrip": franzRoundTrip,
	"franz-transact":  franzTransact,
	"franz-kip848":    franzKIP848,
	"sarama-produce":  saramaProduce,
	"sarama-consume":  saramaConsume,
	"kafkago":         kafkaGoRoundTrip,
	"sqs-basic":       sqsBasic,
	"sqs-error":       sqsError,
	"sqs-fifo":        sqsFifo,
}

func main() {
	if len(os.Args) < 2 || scenarios[os.Args[1]] == nil {
		names := make([]string, 0, len(scenarios))
		for k := range scenarios {
			names = append(names, k)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: %s <scenario> [flags]; scenarios: %v\n", os.Args[0], names)
		os.Exit(2)
	}
	var a args
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	fs.StringVar(&a.bootstrap, "bootstrap", "", "Kafka bootstrap host:port")
	fs.StringVar(&a.endpoint, "endpoint", "", "SQS endpoint URL")
	fs.StringVar(&a.topic, "topic", "", "topic name")
	fs.StringVar(&a.group, "group", "", "consumer group id")
	fs.StringVar(&a.queue, "queue", "", "queue name")
	fs.IntVar(&a.n, "n", 10, "records to produce / expect")
	fs.IntVar(&a.partitions, "partitions", 3, "partitions of created topics")
	fs.BoolVar(&a.idempotent, "idempotent", false, "franz-go: keep the default idempotent producer")
	fs.StringVar(&a.acks, "acks", "all", "kafka-go Writer acks: all or none")
	fs.StringVar(&a.retention, "retention-ms", "", "sarama: retention.ms of the created topic (empty: broker default)")
	// Only stops a hung client from hanging the suite: results are judged on what was received.
	fs.DurationVar(&a.timeout, "timeout", 30*time.Second, "overall deadline")
	fs.DurationVar(&a.idle, "idle", 6*time.Second, "consumers: give up after this long without a new record")
	_ = fs.Parse(os.Args[2:])

	ctx, cancel := context.WithTimeout(context.Background(), a.timeout)
	defer cancel()
	out := scenarios[os.Args[1]](ctx, a)
	line, err := json.Marshal(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(line))
}

// errString is "" for nil, so a JSON field can be asserted equal to "".
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func values(n int) []string {
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("value-%d", i)
	}
	return v
}
