package memory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"reportbot/answer/reply"
	"reportbot/internal/logtest"
	"reportbot/internal/redistest"
)

// TestClusterFailover runs memory on a real Redis Cluster of three masters,
// each with a replica, as two replicas of the bot (a and b), and kills the
// master of some conversations. A failover takes longer than a claim's
// lifetime here (claims last 300 ms; a promotion takes about two seconds):
//   - askings kept on the killed master, answered before, are never
//     answered again, and none is answered without memory: they wait
//     (ErrInFlight) until the promotion, then are known as answered;
//   - an asking on it never answered waits, then is claimed once;
//   - conversations on the other masters keep their memory throughout;
//   - memory is back on the killed master's slots within a second of the
//     promotion, on both replicas, with no call of theirs in between;
//   - each log says once that the node failed and once that it is back.
//
// Before memory judged failures node by node, a's calls on the dead master
// alone ran its outage clock past the claim's lifetime and answered those
// askings blind, a second time.
func TestClusterFailover(t *testing.T) {
	t.Parallel()
	c := redistest.StartCluster(t, 3, 1)
	opt := Options{ClaimTTL: 300 * time.Millisecond}
	var logA, logB logtest.Buffer
	a, b := redisAt(t, c.URL(), opt, &logA), redisAt(t, c.URL(), opt, &logB)
	ctx := context.Background()
	convs := map[*redistest.Server][]string{}
	for i := range 30 {
		conv := fmt.Sprint("conv", i)
		if err := a.Save(ctx, reply.Key{Conv: conv, Asked: "done"}, turn("行政复议收到多少件申请?")); err != nil {
			t.Fatalf("save %s: %v", conv, err)
		}
		master := c.MasterOf(a.convKey(conv))
		convs[master] = append(convs[master], conv)
	}
	if len(convs) != 3 {
		t.Fatalf("conversations on %d masters, want 3", len(convs))
	}
	victim := c.MasterOf(a.convKey("conv0"))
	// Replication is asynchronous: the replica acknowledges what it has.
	node, err := a.cluster.MasterForKey(ctx, a.convKey("conv0"))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := node.Wait(ctx, 1, 5*time.Second).Result(); n != 1 || err != nil {
		t.Fatalf("the victim's replica did not acknowledge the done-marks: %d, %v", n, err)
	}
	var healthy []string
	for master, cs := range convs {
		if master != victim {
			healthy = append(healthy, cs...)
		}
	}
	dead := convs[victim]

	victim.Kill()
	killed := time.Now()
	promotion := c.Promotion(a.convKey("conv0"), victim, killed)
	outage := make(chan struct{})
	healthyCalls := make(chan int)
	go func() { // b alone calls the other masters, throughout
		n := 0
		defer func() { healthyCalls <- n }()
		for {
			select {
			case <-outage:
				return
			default:
			}
			for _, conv := range healthy {
				if s, err := b.Load(ctx, reply.Key{Conv: conv}); err != nil || len(s.Turns) != 1 {
					t.Errorf("%s, on a master alive, %v into the outage: %v, %d turns", conv, time.Since(killed), err, len(s.Turns))
					return
				}
				n++
			}
		}
	}()
	var back time.Time  // a's first call on the dead master's slots that went well
	claimed := false    // the asking never answered
	for back.IsZero() { // a alone calls the dead master
		if time.Since(killed) > 30*time.Second {
			t.Fatal("memory on the killed master's slots not back within 30 s")
		}
		switch _, err := a.Load(ctx, reply.Key{Conv: dead[0], Asked: "fresh"}); {
		case err == nil:
			claimed = true
		case !errors.Is(err, reply.ErrInFlight):
			t.Fatalf("an asking never answered, %v into the outage: %v; want it put off (ErrInFlight)", time.Since(killed), err)
		}
		answered := 0
		for _, conv := range dead {
			switch _, err := a.Load(ctx, reply.Key{Conv: conv, Asked: "done"}); {
			case errors.Is(err, reply.ErrAnswered):
				answered++
			case !errors.Is(err, reply.ErrInFlight):
				t.Fatalf("%s, answered before, %v into the outage: %v; want it put off (ErrInFlight) or known as answered", conv, time.Since(killed), err)
			}
		}
		if answered == len(dead) {
			back = time.Now()
		} else if claimed {
			t.Fatalf("the asking never answered was claimed while %d of %d answered before were not known as answered", len(dead)-answered, len(dead))
		}
	}
	close(outage)
	if n := <-healthyCalls; n < len(healthy) {
		t.Errorf("the other masters' conversations were loaded %d times during the outage", n)
	}
	if _, err := a.Load(ctx, reply.Key{Conv: dead[0], Asked: "fresh"}); !claimed && err != nil {
		t.Errorf("the asking never answered, once memory is back: %v, want it claimed", err)
	}
	for _, conv := range dead { // b's first calls on those slots since the kill
		if _, err := b.Load(ctx, reply.Key{Conv: conv, Asked: "done"}); !errors.Is(err, reply.ErrAnswered) {
			t.Errorf("b: %s after the promotion: %v, want ErrAnswered", conv, err)
		}
		if s, err := b.Load(ctx, reply.Key{Conv: conv}); err != nil || len(s.Turns) != 1 {
			t.Errorf("b: %s after the promotion: %v, %d turns", conv, err, len(s.Turns))
		}
	}
	backB := time.Now()
	promoted, ok := <-promotion
	if !ok {
		t.Fatal("no replica promoted within 30 s, as redis-cli sees it")
	}
	for name, at := range map[string]time.Time{"a": back, "b": backB} {
		if d := at.Sub(promoted); d > time.Second {
			t.Errorf("%s: memory on the killed master's slots back %v after the promotion, want within 1 s", name, d)
		}
	}
	t.Logf("a replica promoted %v after the kill; memory back on a %v and on b %v after it (redis-cli's view polled every 20 ms)",
		promoted.Sub(killed).Round(10*time.Millisecond), back.Sub(promoted).Round(10*time.Millisecond), backB.Sub(promoted).Round(10*time.Millisecond))
	down, up := strings.Count(logA.String(), "redis unreachable"), strings.Count(logA.String(), "memory restored")
	if down != 1 || up != 1 {
		t.Errorf("a: %d lines saying a node failed and %d saying memory is back, want one each:\n%s", down, up, logA.String())
	}
	if down, up := strings.Count(logB.String(), "redis unreachable"), strings.Count(logB.String(), "memory restored"); down != up || down > 1 {
		t.Errorf("b: %d lines saying a node failed and %d saying memory is back:\n%s", down, up, logB.String())
	}
}
