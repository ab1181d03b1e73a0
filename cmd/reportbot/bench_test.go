package main

import (
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"reportbot/internal/redistest"
)

// BenchmarkColdAsk measures a whole `reportbot ask` process: start, parse
// the embedded report, index it, answer, exit. The binary is built once,
// as `go build` would build it.
func BenchmarkColdAsk(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "reportbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for b.Loop() {
		out, err := exec.Command(bin, "ask", "行政复议收到多少件申请?").Output()
		if err != nil || len(out) == 0 {
			b.Fatalf("ask: %v %q", err, out)
		}
	}
}

// BenchmarkServeRoundTrips counts the Redis round trips of one question
// through serve's own wiring, from the webhook request to the reply and
// its done-mark, on one server and on a cluster of three masters: every
// request a Redis node reads (INFO's total_reads_processed, a command or a
// pipeline written at once) is one; on a cluster, a pipeline whose keys
// live on two nodes is two. Each question comes from a new chat. Reported
// as round-trips/question. The send limit in all is lifted, so that no
// send turn waits: a turn that must wait costs a round trip a try.
func BenchmarkServeRoundTrips(b *testing.B) {
	defer func(overall float64) { sendLimits.overall = overall }(sendLimits.overall)
	sendLimits.overall = 1e6
	for _, setup := range []struct {
		name  string
		start func(testing.TB) (url string, nodes []*redistest.Server)
	}{
		{"server=one", func(tb testing.TB) (string, []*redistest.Server) {
			s := redistest.Start(tb)
			return s.URL(), []*redistest.Server{s}
		}},
		{"server=cluster", func(tb testing.TB) (string, []*redistest.Server) {
			c := redistest.StartCluster(tb, 3, 0)
			return c.URL(), c.Nodes
		}},
	} {
		b.Run(setup.name, func(b *testing.B) {
			url, nodes := setup.start(b)
			s := startServe(b, map[string]string{"REDIS_URL": url, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
				"TELEGRAM_WEBHOOK_SECRET": hookSecret, "LOG_LEVEL": "warn"})
			get(b, "http://"+s.addr+"/healthz")
			id := 0
			ask := func() {
				id++
				if status := s.api.Deliver("http://"+s.addr+"/telegram", hookSecret, id, int64(5000+id), "行政复议收到多少件申请?"); status != http.StatusOK {
					b.Fatalf("update %d: webhook answered %d", id, status)
				}
			}
			reads := func() int {
				n := 0
				for _, node := range nodes {
					n += node.Reads() - 1 // not the INFO asking it
				}
				return n
			}
			ask() // connections dialled
			before := reads()
			for b.Loop() {
				ask()
			}
			b.ReportMetric(float64(reads()-before)/float64(b.N), "round-trips/question")
		})
	}
}

// BenchmarkReplicasThroughput answers 90 questions from 90 chats at once,
// spread over one replica or two on one Redis, at Telegram's own limits (30
// messages a second in all, one a second a chat): the shared send limits
// hold two replicas to what one may send. Reported as questions/s.
func BenchmarkReplicasThroughput(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			api, hooks := pacedReplicas(b, n, time.Second, 30)
			const questions = 90
			id := 0
			start := time.Now()
			for b.Loop() {
				var wg sync.WaitGroup
				for q := range questions {
					id++
					hook, update := hooks[q%n], id
					wg.Go(func() {
						api.Deliver(hook.URL, hookSecret, update, int64(10000+update), "行政复议收到多少件申请?")
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(questions*b.N)/time.Since(start).Seconds(), "questions/s")
			if sent := len(api.Sent()); sent != questions*b.N {
				b.Fatalf("%d answers to %d questions", sent, questions*b.N)
			}
		})
	}
}
