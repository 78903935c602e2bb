// segmentio/kafka-go: topic creation through the controller connection, a Writer, and a Reader
// in a consumer group (committing as it reads), the flow of kafka-go's README.
package main

import (
	"context"
	"net"
	"sort"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
)

func kafkaGoRoundTrip(ctx context.Context, a args) map[string]any {
	out := map[string]any{}
	out["createError"] = errString(kafkaGoCreateTopic(a.bootstrap, a.topic, a.partitions))

	w := &kafka.Writer{
		Addr:     kafka.TCP(a.bootstrap),
		Topic:    a.topic,
		Balancer: &kafka.LeastBytes{},
		// As kafka-go's documented example; -acks=none keeps the Writer's default, fire-and-forget
		// acks=0 (the reader below then waits for the records to land).
		RequiredAcks: kafka.RequireAll,
	}
	if a.acks == "none" {
		w.RequiredAcks = kafka.RequireNone
	}
	msgs := make([]kafka.Message, a.n)
	for i, v := range values(a.n) {
		msgs[i] = kafka.Message{Key: []byte("key-" + strconv.Itoa(i)), Value: []byte(v)}
	}
	out["produceError"] = errString(w.WriteMessages(ctx, msgs...))
	out["writerCloseError"] = errString(w.Close())

	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: []string{a.bootstrap},
		GroupID: a.group,
		Topic:   a.topic,
		// Close waits out the fetch in flight, which the broker holds for up to MaxWait (10 s by
		// default, on Kafka as on Tandem) once the reader has caught up.
		MaxWait: time.Second,
	})
	got := []string{}
	var readErr error
	for len(got) < a.n {
		rctx, cancel := context.WithTimeout(ctx, a.idle)
		m, err := r.ReadMessage(rctx) // commits the message's offset before returning
		cancel()
		if err != nil {
			readErr = err
			break
		}
		got = append(got, string(m.Value))
	}
	out["readError"] = errString(readErr)
	out["readerCloseError"] = errString(r.Close())
	sort.Strings(got)
	out["consumed"] = got

	parts := make([]int, a.partitions)
	for i := range parts {
		parts[i] = i
	}
	client := &kafka.Client{Addr: kafka.TCP(a.bootstrap)}
	res, err := client.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: a.group, Topics: map[string][]int{a.topic: parts}})
	out["offsetFetchError"] = errString(err)
	committed := int64(0)
	if err == nil {
		for _, p := range res.Topics[a.topic] {
			if p.Error == nil && p.CommittedOffset > 0 {
				committed += p.CommittedOffset
			}
		}
	}
	out["committedTotal"] = committed
	return out
}

func kafkaGoCreateTopic(bootstrap, topic string, partitions int) error {
	conn, err := kafka.Dial("tcp", bootstrap)
	if err != nil {
		return err
	}
	defer conn.Close()
	controller, err := conn.Controller()
	if err != nil {
		return err
	}
	cc, err := kafka.Dial("tcp", net.JoinHostPort(controller.Host, strconv.Itoa(controller.Port)))
	if err != nil {
		return err
	}
	defer cc.Close()
	return cc.CreateTopics(kafka.TopicConfig{Topic: topic, NumPartitions: partitions, ReplicationFactor: 1})
}
