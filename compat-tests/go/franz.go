// franz-go (kgo + kadm): topic administration and a producer -> consumer group round trip with
// commits, the flow of franz-go's README.
package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaErrName is the Kafka error name (e.g. TOPIC_ALREADY_EXISTS) carried by err, else its text.
func kafkaErrName(err error) string {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Message
	}
	return errString(err)
}

func franzAdmin(ctx context.Context, a args) map[string]any {
	// kadm answers ListTopics from metadata cached for MetadataMinAge (5 s by default); a short one
	// lets the listing after DeleteTopics see the broker's current state.
	cl, err := kgo.NewClient(kgo.SeedBrokers(a.bootstrap), kgo.MetadataMinAge(100*time.Millisecond))
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	out := map[string]any{}

	created, err := adm.CreateTopics(ctx, int32(a.partitions), 1, nil, a.topic)
	out["createError"] = errString(err)
	if r, ok := created[a.topic]; ok {
		out["createTopicError"] = kafkaErrName(r.Err)
		out["createdPartitions"] = r.NumPartitions
	}

	// A new topic's metadata reaches every broker shortly after CreateTopics answers on real Kafka.
	listed := listPartitions(ctx, adm, a.topic, func(n int) bool { return n == a.partitions })
	out["listedPartitions"] = listed

	again, err := adm.CreateTopics(ctx, int32(a.partitions), 1, nil, a.topic)
	out["createAgainError"] = errString(err)
	if r, ok := again[a.topic]; ok {
		out["createAgainTopicError"] = kafkaErrName(r.Err)
	}

	deleted, err := adm.DeleteTopics(ctx, a.topic)
	out["deleteError"] = errString(err)
	if r, ok := deleted[a.topic]; ok {
		out["deleteTopicError"] = kafkaErrName(r.Err)
	}
	// Deletion is asynchronous on real Kafka: wait (bounded) until the topic is gone.
	out["listedAfterDelete"] = listPartitions(ctx, adm, a.topic, func(n int) bool { return n < 0 })
	return out
}

// listPartitions lists topics with kadm until done(partitions) or 10 s pass; -1 means not listed.
func listPartitions(ctx context.Context, adm *kadm.Client, topic string, done func(int) bool) int {
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := -1
		if td, err := adm.ListTopics(ctx); err == nil {
			if d, ok := td[topic]; ok && d.Err == nil {
				n = len(d.Partitions)
			}
		}
		if done(n) || time.Now().After(deadline) || ctx.Err() != nil {
			return n
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func franzRoundTrip(ctx context.Context, a args) map[string]any {
	out := map[string]any{}
	admCl, err := kgo.NewClient(kgo.SeedBrokers(a.bootstrap))
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	if _, err := adm.CreateTopic(ctx, int32(a.partitions), 1, nil, a.topic); err != nil {
		out["createError"] = kafkaErrName(err)
	}

	popts := []kgo.Opt{kgo.SeedBrokers(a.bootstrap)}
	if !a.idempotent {
		// franz-go's default producer is idempotent (a producer id from InitProducerId, sequence
		// numbers on every batch); this turns it off for the plain-producer test.
		popts = append(popts, kgo.DisableIdempotentWrite())
	}
	producer, err := kgo.NewClient(popts...)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	recs := make([]*kgo.Record, a.n)
	for i, v := range values(a.n) {
		recs[i] = &kgo.Record{Topic: a.topic, Key: []byte(fmt.Sprintf("key-%d", i)), Value: []byte(v)}
	}
	// A producer that cannot get going must fail this call, not the whole run.
	pctx, pcancel := context.WithTimeout(ctx, 15*time.Second)
	res := producer.ProduceSync(pctx, recs...)
	pcancel()
	producer.Close()
	out["produceError"] = errString(res.FirstErr())
	produced := 0
	for _, r := range res {
		if r.Err == nil {
			produced++
		}
	}
	out["produced"] = produced
	if produced == 0 {
		return out
	}

	consumer, err := kgo.NewClient(
		kgo.SeedBrokers(a.bootstrap),
		kgo.ConsumerGroup(a.group),
		kgo.ConsumeTopics(a.topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
	)
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	got := []string{}
	// The producer id of each consumed batch: -1 unless the producer was idempotent.
	pids := map[int64]bool{}
	var fetchErrs []string
	for len(got) < produced && ctx.Err() == nil {
		fctx, fcancel := context.WithTimeout(ctx, a.idle)
		fetches := consumer.PollFetches(fctx)
		fcancel()
		if fctx.Err() != nil && fetches.NumRecords() == 0 {
			break
		}
		fetches.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				fetchErrs = append(fetchErrs, fmt.Sprintf("%s[%d]: %v", t, p, err))
			}
		})
		fetches.EachRecord(func(r *kgo.Record) {
			got = append(got, string(r.Value))
			pids[r.ProducerID] = true
		})
	}
	out["commitError"] = errString(consumer.CommitUncommittedOffsets(ctx))
	consumer.Close() // leaves the group
	sort.Strings(got)
	out["consumed"] = got
	out["fetchErrors"] = fetchErrs
	ids := []int64{}
	for id := range pids {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out["producerIds"] = ids

	offsets, err := adm.FetchOffsets(ctx, a.group)
	out["fetchOffsetsError"] = errString(err)
	committed := int64(0)
	offsets.Each(func(o kadm.OffsetResponse) {
		if o.Topic == a.topic && o.Err == nil {
			committed += o.At
		}
	})
	out["committedTotal"] = committed
	return out
}
