package memory

import (
	"context"
	"testing"
	"time"

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
