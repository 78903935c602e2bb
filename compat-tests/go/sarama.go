// IBM/sarama at its default protocol version: SyncProducer, then a ConsumerGroup reading the
// records back and committing, the flow of sarama's examples. Produce and consume are separate
// runs so a test can move Tandem's clock in between (the retention check of go.test.ts).
package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

func saramaConfig() *sarama.Config {
	cfg := sarama.NewConfig() // keeps sarama.DefaultVersion
	cfg.ClientID = "tandem-go-compat"
	cfg.Producer.Return.Successes = true // required by SyncProducer
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	return cfg
}

func saramaProduce(ctx context.Context, a args) map[string]any {
	cfg := saramaConfig()
	out := map[string]any{"version": cfg.Version.String()}
	admin, err := sarama.NewClusterAdmin([]string{a.bootstrap}, cfg)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	detail := &sarama.TopicDetail{NumPartitions: int32(a.partitions), ReplicationFactor: 1}
	if a.retention != "" {
		detail.ConfigEntries = map[string]*string{"retention.ms": &a.retention}
	}
	out["createError"] = errString(admin.CreateTopic(a.topic, detail, false))
	_ = admin.Close()

	producer, err := sarama.NewSyncProducer([]string{a.bootstrap}, cfg)
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	defer producer.Close()
	msgs := make([]*sarama.ProducerMessage, a.n)
	for i, v := range values(a.n) {
		msgs[i] = &sarama.ProducerMessage{Topic: a.topic, Key: sarama.StringEncoder(fmt.Sprintf("key-%d", i)), Value: sarama.StringEncoder(v)}
	}
	out["produceError"] = errString(producer.SendMessages(msgs))
	acked := 0
	for _, m := range msgs {
		if m.Offset >= 0 {
			acked++
		}
	}
	out["acked"] = acked
	return out
}

// groupHandler collects values until `want` arrive or nothing new comes for `idle`.
type groupHandler struct {
	mu     sync.Mutex
	want   int
	got    []string
	seen   map[string]bool
	idle   *time.Timer
	idleD  time.Duration
	cancel context.CancelFunc
}

func (h *groupHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *groupHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (h *groupHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for msg := range claim.Messages() {
		sess.MarkMessage(msg, "")
		h.mu.Lock()
		key := fmt.Sprintf("%d/%d", msg.Partition, msg.Offset)
		if !h.seen[key] {
			h.seen[key] = true
			h.got = append(h.got, string(msg.Value))
		}
		h.idle.Reset(h.idleD)
		done := len(h.got) >= h.want
		h.mu.Unlock()
		if done {
			sess.Commit()
			h.cancel()
		}
	}
	return nil
}

func saramaConsume(ctx context.Context, a args) map[string]any {
	cfg := saramaConfig()
	out := map[string]any{"version": cfg.Version.String()}
	brokers := []string{a.bootstrap}

	// Where each partition's log starts and ends before consuming: records that retention removed
	// show up as a log start offset past 0.
	if client, err := sarama.NewClient(brokers, cfg); err == nil {
		starts, ends := map[string]int64{}, map[string]int64{}
		if parts, err := client.Partitions(a.topic); err == nil {
			for _, p := range parts {
				starts[fmt.Sprint(p)], _ = client.GetOffset(a.topic, p, sarama.OffsetOldest)
				ends[fmt.Sprint(p)], _ = client.GetOffset(a.topic, p, sarama.OffsetNewest)
			}
		}
		out["logStartOffsets"], out["logEndOffsets"] = starts, ends
		_ = client.Close()
	}

	group, err := sarama.NewConsumerGroup(brokers, a.group, cfg)
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	cctx, cancel := context.WithCancel(ctx)
	h := &groupHandler{want: a.n, seen: map[string]bool{}, idleD: a.idle, cancel: cancel, idle: time.AfterFunc(a.idle, cancel)}
	var consumeErr error
	for cctx.Err() == nil {
		if err := group.Consume(cctx, []string{a.topic}, h); err != nil && !errors.Is(err, sarama.ErrClosedConsumerGroup) {
			consumeErr = err
			break
		}
	}
	h.idle.Stop()
	out["consumeError"] = errString(consumeErr)
	out["closeError"] = errString(group.Close())
	h.mu.Lock()
	got := append([]string{}, h.got...)
	h.mu.Unlock()
	sort.Strings(got)
	out["consumed"] = got

	admin, err := sarama.NewClusterAdmin(brokers, cfg)
	if err != nil {
		out["adminError"] = err.Error()
		return out
	}
	defer admin.Close()
	offsets, err := admin.ListConsumerGroupOffsets(a.group, nil)
	out["offsetsError"] = errString(err)
	committed := int64(0)
	if err == nil {
		for _, b := range offsets.Blocks[a.topic] {
			if b.Err == sarama.ErrNoError && b.Offset > 0 {
				committed += b.Offset
			}
		}
	}
	out["committedTotal"] = committed
	return out
}
