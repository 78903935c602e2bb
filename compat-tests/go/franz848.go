// franz-go with kgo.ServerSideBalancer: the KIP-848 consumer group protocol (ConsumerGroupHeartbeat,
// server-side assignment). Two members share a 6-partition topic, a third joins, the first leaves,
// records produced in each phase. Each member blocks rebalances while it processes a poll and
// commits before allowing them, so every record must be consumed exactly once while partitions move.
package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

type member848 struct {
	name     string
	cl       *kgo.Client
	mu       sync.Mutex
	assigned map[int32]bool
	cancel   context.CancelFunc
	done     chan struct{}
}

func (m *member848) partitions() []int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []int{}
	for p := range m.assigned {
		out = append(out, int(p))
	}
	sort.Ints(out)
	return out
}

func franzKIP848(ctx context.Context, a args) map[string]any {
	const partitions, perPhase = 6, 60
	out := map[string]any{}
	admCl, err := kgo.NewClient(kgo.SeedBrokers(a.bootstrap))
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	if _, err := adm.CreateTopic(ctx, partitions, 1, nil, a.topic); err != nil {
		return map[string]any{"error": "create: " + err.Error()}
	}
	listPartitions(ctx, adm, a.topic, func(n int) bool { return n == partitions })
	producer, err := kgo.NewClient(kgo.SeedBrokers(a.bootstrap), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	defer producer.Close()
	produced := 0
	producePhase := func() error {
		recs := make([]*kgo.Record, perPhase)
		for i := range recs {
			recs[i] = &kgo.Record{Topic: a.topic, Partition: int32(produced % partitions), Value: []byte(fmt.Sprintf("v%d", produced))}
			produced++
		}
		return producer.ProduceSync(ctx, recs...).FirstErr()
	}

	var cmu sync.Mutex
	consumed := []string{}
	count := func() int { cmu.Lock(); defer cmu.Unlock(); return len(consumed) }
	start := func(name string) (*member848, error) {
		m := &member848{name: name, assigned: map[int32]bool{}, done: make(chan struct{})}
		set := func(ps map[string][]int32, on bool) {
			m.mu.Lock()
			defer m.mu.Unlock()
			for _, p := range ps[a.topic] {
				if on {
					m.assigned[p] = true
				} else {
					delete(m.assigned, p)
				}
			}
		}
		cl, err := kgo.NewClient(
			kgo.SeedBrokers(a.bootstrap),
			kgo.ClientID(name),
			kgo.ConsumerGroup(a.group),
			kgo.ConsumeTopics(a.topic),
			kgo.Balancers(kgo.CooperativeStickyBalancer()),
			kgo.ServerSideBalancer(),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
			kgo.DisableAutoCommit(),
			kgo.BlockRebalanceOnPoll(),
			kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, ps map[string][]int32) { set(ps, true) }),
			kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, ps map[string][]int32) { set(ps, false) }),
			kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, ps map[string][]int32) { set(ps, false) }),
		)
		if err != nil {
			return nil, err
		}
		m.cl = cl
		mctx, cancel := context.WithCancel(ctx)
		m.cancel = cancel
		go func() {
			defer close(m.done)
			for mctx.Err() == nil {
				pctx, pcancel := context.WithTimeout(mctx, 200*time.Millisecond)
				fs := cl.PollFetches(pctx)
				pcancel()
				recs := fs.Records()
				cmu.Lock()
				for _, r := range recs {
					consumed = append(consumed, fmt.Sprintf("%d:%d:%s:%s", r.Partition, r.Offset, r.Value, name))
				}
				cmu.Unlock()
				if len(recs) > 0 {
					if err := cl.CommitRecords(ctx, recs...); err != nil {
						cmu.Lock()
						consumed = append(consumed, "commit-error:"+err.Error())
						cmu.Unlock()
					}
				}
				cl.AllowRebalance()
			}
		}()
		return m, nil
	}
	stop := func(m *member848) {
		m.cancel()
		<-m.done
		m.cl.Close()
	}
	wait := func(what string, ok func() bool) bool {
		for !ok() {
			if ctx.Err() != nil {
				out["error"] = "timed out waiting for " + what
				return false
			}
			time.Sleep(50 * time.Millisecond)
		}
		return true
	}
	spread := func(ms ...*member848) func() bool {
		// Evenly, as the uniform assignor's target: reconciliation passes through uneven states
		// (a newcomer gets a released partition while another owner is still revoking).
		return func() bool {
			all := []int{}
			lo, hi := partitions, 0
			for _, m := range ms {
				ps := m.partitions()
				lo, hi = min(lo, len(ps)), max(hi, len(ps))
				all = append(all, ps...)
			}
			if lo == 0 || hi-lo > 1 {
				return false
			}
			sort.Ints(all)
			return fmt.Sprint(all) == fmt.Sprint([]int{0, 1, 2, 3, 4, 5})
		}
	}
	snapshot := func(ms ...*member848) map[string][]int {
		s := map[string][]int{}
		for _, m := range ms {
			s[m.name] = m.partitions()
		}
		return s
	}
	finish := func() map[string]any {
		cmu.Lock()
		defer cmu.Unlock()
		out["produced"] = produced
		out["consumed"] = append([]string{}, consumed...)
		return out
	}

	ma, err := start("a")
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	mb, _ := start("b")
	if !wait("a and b to share the partitions", spread(ma, mb)) {
		return finish()
	}
	out["phase1"] = snapshot(ma, mb)
	if err := producePhase(); err != nil || !wait("phase 1 records", func() bool { return count() >= produced }) {
		return finish()
	}
	mc, _ := start("c")
	if !wait("c to get partitions", spread(ma, mb, mc)) {
		return finish()
	}
	out["phase2"] = snapshot(ma, mb, mc)
	if err := producePhase(); err != nil || !wait("phase 2 records", func() bool { return count() >= produced }) {
		return finish()
	}
	stop(ma)
	if !wait("b and c to take over", spread(mb, mc)) {
		return finish()
	}
	out["phase3"] = snapshot(mb, mc)
	if err := producePhase(); err != nil || !wait("phase 3 records", func() bool { return count() >= produced }) {
		return finish()
	}
	time.Sleep(500 * time.Millisecond)
	stop(mb)
	stop(mc)
	committed := map[string]int64{}
	if offs, err := adm.FetchOffsets(ctx, a.group); err == nil {
		offs.Each(func(o kadm.OffsetResponse) { committed[fmt.Sprint(o.Partition)] = o.At })
	}
	out["committed"] = committed
	return finish()
}
