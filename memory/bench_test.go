package memory

import (
	"context"
	"fmt"
	"testing"
	"time"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/internal/latency"
	"reportbot/internal/redistest"
	"reportbot/internal/testreport"
)

// benchConversation is asked in turn: a question and its follow-ups.
var benchConversation = []string{q84, "那受理了几件?", "不予受理的呢?", "法律咨询多少人次?", "金额呢?"}

// benchAsk asks the conversation over and over, each round in a new
// conversation so that nothing is served from the cache twice in one, and
// reports the median and 99th percentile.
func benchAsk(b *testing.B, a *answer.Answerer) {
	ctx := context.Background()
	var rec latency.Recorder
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := benchConversation[i%len(benchConversation)]
		conv := fmt.Sprint("bench:", i/len(benchConversation))
		var err error
		rec.Time(func() { _, err = a.Ask(ctx, conv, q) })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	rec.Report(b)
}

// BenchmarkAskBare answers with no memory at all: the baseline.
func BenchmarkAskBare(b *testing.B) {
	benchAsk(b, &answer.Answerer{Index: testreport.SeedIndex(b)})
}

// BenchmarkAskInProcess answers with in-process memory.
func BenchmarkAskInProcess(b *testing.B) {
	benchAsk(b, &answer.Answerer{Index: testreport.SeedIndex(b), Memory: NewInProcess(Options{PerMinute: 1 << 30, PerDay: 1 << 30})})
}

// BenchmarkAskRedis answers with memory in a local redis-server, limits on,
// and reports the round trips each question costs.
func BenchmarkAskRedis(b *testing.B) {
	srv := redistest.Start(b)
	r := newRedis(b, srv, Options{PerMinute: 1 << 30, PerDay: 1 << 30}, nil)
	var rt roundTrips
	r.client.AddHook(&rt)
	benchAsk(b, &answer.Answerer{Index: testreport.SeedIndex(b), Memory: r})
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/op")
}

// BenchmarkAskRedisCluster is BenchmarkAskRedis on a Redis Cluster of three
// masters, each with a replica: a question's Load and Save each go to the
// one node of its conversation.
func BenchmarkAskRedisCluster(b *testing.B) {
	r := redisAt(b, redistest.StartCluster(b, 3, 1).URL(), Options{PerMinute: 1 << 30, PerDay: 1 << 30}, nil)
	var rt roundTrips
	r.client.AddHook(&rt)
	benchAsk(b, &answer.Answerer{Index: testreport.SeedIndex(b), Memory: r})
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/op")
}

// BenchmarkDoneMark times the Save that marks an asking answered, on a
// cluster of three masters each with a replica: alone (wait=false, what
// reportbot does), and followed by WAIT 1 on the master that holds the
// done-mark, so that it has reached a replica before the webhook says 200
// (wait=true, the choice docs/telegram.md weighs).
func BenchmarkDoneMark(b *testing.B) {
	r := redisAt(b, redistest.StartCluster(b, 3, 1).URL(), Options{}, nil)
	ctx := context.Background()
	for _, wait := range []bool{false, true} {
		b.Run(fmt.Sprint("wait=", wait), func(b *testing.B) {
			var rec latency.Recorder
			for i := 0; b.Loop(); i++ {
				k := reply.Key{Conv: fmt.Sprint("bench:", wait, i), Asked: fmt.Sprint("tg:", i)}
				rec.Time(func() {
					if err := r.Save(ctx, k, turn(q84)); err != nil {
						b.Fatal(err)
					}
					if !wait {
						return
					}
					node, err := r.cluster.MasterForKey(ctx, r.seenKey(k))
					if err != nil {
						b.Fatal(err)
					}
					if n, err := node.Wait(ctx, 1, time.Second).Result(); n != 1 || err != nil {
						b.Fatalf("WAIT 1: %d replicas, %v", n, err)
					}
				})
			}
			rec.Report(b)
		})
	}
}
