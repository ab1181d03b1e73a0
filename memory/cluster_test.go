package memory

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"reportbot/answer"
	"reportbot/internal/logtest"
	"reportbot/internal/redistest"
)

// TestClusterFailover runs memory on a real Redis Cluster of three masters,
// each with a replica, and kills the master of one conversation: the
// conversations of the other masters go on at once, the killed one's is back
// within five seconds of its replica's promotion, and the log says once that
// memory degraded and once that it is back.
func TestClusterFailover(t *testing.T) {
	t.Parallel()
	c := redistest.StartCluster(t, 3, 1)
	var logs logtest.Buffer
	var ahead atomic.Int64 // the clock runs ahead of real time by this, to pass clusterSettle at once
	now := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	m, err := NewRedis(c.URL(), Options{Now: now}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	convs := map[*redistest.Server][]string{}
	for i := range 30 {
		conv := fmt.Sprint("conv", i)
		if err := m.Save(ctx, answer.Key{Conv: conv}, turn("行政复议收到多少件申请?")); err != nil {
			t.Fatalf("save %s: %v", conv, err)
		}
		master := c.MasterOf(m.convKey(conv))
		convs[master] = append(convs[master], conv)
	}
	if len(convs) != 3 {
		t.Fatalf("conversations on %d masters, want 3", len(convs))
	}
	time.Sleep(200 * time.Millisecond) // replication is asynchronous: let the replicas have the turns
	victim := c.MasterOf(m.convKey("conv0"))
	victim.Kill()
	for master, cs := range convs {
		if master == victim {
			continue
		}
		if s, err := m.Load(ctx, answer.Key{Conv: cs[0]}); err != nil || len(s.Turns) != 1 {
			t.Errorf("%s, on a master alive, after another was killed: %v, %d turns", cs[0], err, len(s.Turns))
		}
	}
	var promoted time.Time
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if n := c.MasterOf(m.convKey("conv0")); n != nil && n != victim {
			promoted = time.Now()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no replica promoted within 30 s")
		}
	}
	for {
		s, err := m.Load(ctx, answer.Key{Conv: "conv0"})
		if err == nil && len(s.Turns) == 1 {
			break
		}
		if time.Since(promoted) > 5*time.Second {
			t.Fatalf("memory of the killed master's conversation not back 5 s after its replica's promotion: %d turns, %v", len(s.Turns), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("memory back %v after the promotion", time.Since(promoted).Round(10*time.Millisecond))
	// Calls going well for clusterSettle settle the state: then the log
	// says it is back, once.
	m.Load(ctx, answer.Key{Conv: "conv1"})
	if strings.Contains(logs.String(), "memory restored") {
		t.Errorf("memory said restored before its calls went well for %v:\n%s", clusterSettle, logs.String())
	}
	ahead.Store(int64(clusterSettle + time.Second))
	m.Load(ctx, answer.Key{Conv: "conv1"})
	if down, up := strings.Count(logs.String(), "redis unreachable"), strings.Count(logs.String(), "memory restored"); down != 1 || up != 1 {
		t.Errorf("%d lines saying memory degraded and %d saying it is back, want one each:\n%s", down, up, logs.String())
	}
}
