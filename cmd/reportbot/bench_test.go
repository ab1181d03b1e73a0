package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
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
// its done-mark: a counting proxy sits between serve and redis-server, and
// every burst of bytes serve writes to it is one request awaiting a reply
// (go-redis writes a pipeline in one). Reported as round-trips/question.
func BenchmarkServeRoundTrips(b *testing.B) {
	srv := redistest.Start(b)
	proxy, trips := countingProxy(b, srv.Addr)
	s := startServe(b, map[string]string{"REDIS_URL": "redis://" + proxy + "/0", "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
		"TELEGRAM_WEBHOOK_SECRET": hookSecret, "LOG_LEVEL": "warn"})
	get(b, "http://"+s.addr+"/healthz")
	id := 0
	ask := func() {
		id++
		if status := s.api.Deliver("http://"+s.addr+"/telegram", hookSecret, id, int64(5000+id), "行政复议收到多少件申请?"); status != http.StatusOK {
			b.Fatalf("update %d: webhook answered %d", id, status)
		}
	}
	ask() // connections dialled, the answer cached
	before := trips.Load()
	b.ResetTimer()
	for b.Loop() {
		ask()
	}
	b.ReportMetric(float64(trips.Load()-before)/float64(b.N), "round-trips/question")
}

// countingProxy forwards connections to addr and counts the bursts of bytes
// clients write: each is a request (a command or a pipeline) awaiting its
// reply.
func countingProxy(tb testing.TB, addr string) (string, *atomic.Int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	var trips atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", addr)
			if err != nil {
				c.Close()
				continue
			}
			go func() { io.Copy(c, up); c.Close() }()
			go func() {
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						trips.Add(1)
						up.Write(buf[:n])
					}
					if err != nil {
						up.Close()
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), &trips
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
