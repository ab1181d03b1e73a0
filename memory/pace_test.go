package memory

import (
	"context"
	"testing"
	"time"

	"reportbot/answer"
	"reportbot/internal/redistest"
)

// TestTake: two replicas take turns under one key from one Redis: the
// second waits the interval out, another key does not, and a turn's key
// expires once its pace no longer needs it.
func TestTake(t *testing.T) {
	srv := redistest.Start(t)
	a, b := newRedis(t, srv, Options{Prefix: "rb-pace"}, nil), newRedis(t, srv, Options{Prefix: "rb-pace"}, nil)
	ctx := context.Background()
	const every = 300 * time.Millisecond
	if wait, err := a.Take(ctx, "chat:1", every); err != nil || wait != 0 {
		t.Fatalf("first turn: wait %v, %v", wait, err)
	}
	wait, err := b.Take(ctx, "chat:1", every)
	if err != nil || wait < every/2 || wait > every {
		t.Fatalf("the other replica's turn: wait %v, %v; want about %v", wait, err, every)
	}
	if w, err := b.Take(ctx, "chat:2", every); err != nil || w != 0 {
		t.Errorf("another chat: wait %v, %v", w, err)
	}
	keys := a.client.Keys(ctx, "*rb-pace:send:chat:1").Val()
	if len(keys) != 1 {
		t.Fatalf("keys %q", keys)
	}
	if ttl := a.client.PTTL(ctx, keys[0]).Val(); ttl <= 0 || ttl > every+time.Second { // whole seconds
		t.Errorf("the turn's key expires in %v, want within %v", ttl, every+time.Second)
	}
	time.Sleep(wait) // the wait Take asked for is the point of the test
	if w, err := b.Take(ctx, "chat:1", every); err != nil || w != 0 {
		t.Errorf("after the wait: wait %v, %v", w, err)
	}
}

// TestClaimExtended: a claim renewed lasts another ClaimTTL; a done-mark
// is never cut short by a renewal that comes late.
func TestClaimExtended(t *testing.T) {
	ctx := context.Background()
	t.Run("redis", func(t *testing.T) {
		r := newRedis(t, redistest.Start(t), Options{Prefix: "rb-claim"}, nil)
		r.Claim(ctx, 11)
		key := r.seenKey(11)
		r.client.PExpire(ctx, key, 50*time.Millisecond) // nearly run out
		if err := r.Extend(ctx, 11); err != nil {
			t.Fatal(err)
		}
		if ttl := r.client.PTTL(ctx, key).Val(); ttl < ClaimTTL-time.Second || ttl > ClaimTTL {
			t.Errorf("renewed claim expires in %v, want %v", ttl, ClaimTTL)
		}
		r.MarkHandled(ctx, 11)
		r.Extend(ctx, 11)
		if ttl := r.client.PTTL(ctx, key).Val(); ttl < seenTTL-time.Minute {
			t.Errorf("a late renewal cut the done-mark to %v", ttl)
		}
	})
	t.Run("in process", func(t *testing.T) {
		clk := newClock()
		m := NewInProcess(Options{Now: clk.Now})
		m.Claim(ctx, 11)
		clk.Advance(ClaimTTL * 2 / 3)
		m.Extend(ctx, 11)
		clk.Advance(ClaimTTL * 2 / 3)
		if claimed, _, _ := m.Claim(ctx, 11); claimed {
			t.Error("a renewed claim was taken by another")
		}
		clk.Advance(ClaimTTL)
		if claimed, _, _ := m.Claim(ctx, 11); !claimed {
			t.Error("a claim no longer renewed was not taken again")
		}
		m.MarkHandled(ctx, 11)
		m.Extend(ctx, 11)
		clk.Advance(2 * ClaimTTL)
		if _, done, _ := m.Claim(ctx, 11); !done {
			t.Error("a late renewal ended the done-mark")
		}
	})
}

// TestAskedOnce: a question asked again under the same name (its update
// handled again after a replica died) counts once against the user's
// limit; one asked anew, or unnamed, counts each time.
func TestAskedOnce(t *testing.T) {
	mid := time.Now().Truncate(time.Minute).Add(30 * time.Second) // no window ends during the test
	at := func() time.Time { return mid }
	r := newRedis(t, redistest.Start(t), Options{Prefix: "rb-asked", PerMinute: 2, Now: at}, nil)
	ctx := context.Background()
	load := func(asked string) time.Duration {
		s, err := r.Load(ctx, answer.Key{User: "tg:u1", Asked: asked})
		if err != nil {
			t.Fatal(err)
		}
		return s.RetryAfter
	}
	for i, c := range []struct {
		asked   string
		limited bool
	}{{"tg:1", false}, {"tg:1", false}, {"tg:1", false}, {"tg:2", false}, {"tg:2", false}, {"tg:3", true}} {
		if got := load(c.asked) > 0; got != c.limited {
			t.Errorf("asking %d (%s): limited %v, want %v", i+1, c.asked, got, c.limited)
		}
	}
	r2 := newRedis(t, redistest.Start(t), Options{Prefix: "rb-asked", PerMinute: 2, Now: at}, nil)
	for i, want := range []bool{false, false, true} {
		s, _ := r2.Load(ctx, answer.Key{User: "web:1.2.3.4"})
		if got := s.RetryAfter > 0; got != want {
			t.Errorf("unnamed asking %d: limited %v, want %v", i+1, got, want)
		}
	}
}
