// franz-go's GroupTransactSession: exactly-once consume-transform-produce, the flow of franz-go's
// transactions example (a read_committed group consumer, a transactional producer, offsets
// committed in each transaction), then a read_committed reader of the output.
package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func franzTransact(ctx context.Context, a args) map[string]any {
	out := map[string]any{}
	input, output := a.topic+"-in", a.topic+"-out"
	admCl, err := kgo.NewClient(kgo.SeedBrokers(a.bootstrap))
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	if _, err := adm.CreateTopics(ctx, 1, 1, nil, input, output); err != nil {
		out["createError"] = kafkaErrName(err)
	}
	// Real Kafka makes new topics' leaders known a moment after creating them.
	listPartitions(ctx, adm, input, func(n int) bool { return n == 1 })
	listPartitions(ctx, adm, output, func(n int) bool { return n == 1 })

	plain, err := kgo.NewClient(kgo.SeedBrokers(a.bootstrap))
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	recs := []*kgo.Record{}
	for _, v := range values(a.n) {
		recs = append(recs, &kgo.Record{Topic: input, Value: []byte(v)})
	}
	out["produceError"] = errString(plain.ProduceSync(ctx, recs...).FirstErr())
	plain.Close()

	sess, err := kgo.NewGroupTransactSession(
		kgo.SeedBrokers(a.bootstrap),
		kgo.TransactionalID(a.group+"-txn"),
		kgo.TransactionTimeout(60*time.Second),
		kgo.ConsumerGroup(a.group),
		kgo.ConsumeTopics(input),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.RequireStableFetchOffsets(),
	)
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	processed, transactions := 0, 0
	var txnErrs []string
	for processed < a.n && ctx.Err() == nil {
		fctx, fcancel := context.WithTimeout(ctx, a.idle)
		fetches := sess.PollFetches(fctx)
		fcancel()
		if fetches.NumRecords() == 0 {
			if fctx.Err() != nil {
				break
			}
			continue
		}
		if err := sess.Begin(); err != nil {
			txnErrs = append(txnErrs, "begin: "+err.Error())
			break
		}
		n := 0
		fetches.EachRecord(func(r *kgo.Record) {
			sess.Produce(ctx, &kgo.Record{Topic: output, Value: []byte(strings.ToUpper(string(r.Value)))}, func(_ *kgo.Record, err error) {
				if err != nil {
					txnErrs = append(txnErrs, "produce: "+err.Error())
				}
			})
			n++
		})
		committed, err := sess.End(ctx, kgo.TryCommit)
		if err != nil {
			txnErrs = append(txnErrs, "end: "+err.Error())
		}
		if committed {
			processed += n
			transactions++
		}
	}
	sess.Close()
	out["processed"] = processed
	out["transactions"] = transactions
	out["txnErrors"] = txnErrs

	reader, err := kgo.NewClient(
		kgo.SeedBrokers(a.bootstrap),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{output: {0: kgo.NewOffset().AtStart()}}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
	)
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	got := []string{}
	for len(got) < processed && ctx.Err() == nil {
		fctx, fcancel := context.WithTimeout(ctx, a.idle)
		fetches := reader.PollFetches(fctx)
		fcancel()
		if fctx.Err() != nil && fetches.NumRecords() == 0 {
			break
		}
		fetches.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				txnErrs = append(txnErrs, fmt.Sprintf("read %s[%d]: %v", t, p, err))
			}
		})
		fetches.EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
	}
	reader.Close()
	sort.Strings(got)
	out["consumed"] = got

	offsets, err := adm.FetchOffsets(ctx, a.group)
	out["fetchOffsetsError"] = errString(err)
	committed := int64(0)
	offsets.Each(func(o kadm.OffsetResponse) {
		if o.Topic == input && o.Err == nil {
			committed += o.At
		}
	})
	out["committed"] = committed
	return out
}
