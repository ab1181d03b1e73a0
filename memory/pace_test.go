package memory

import (
	"context"
	"errors"
	"testing"
	"time"

	"reportbot/answer/reply"
	"reportbot/internal/redistest"
	"reportbot/internal/wait"
)

// TestTake: two replicas take turns from one Redis, the bot's and a
// chat's together or neither: the second replica waits a chat's interval
// out, and a chat not yet ready costs the bot's turn nothing; each turn's
// key expires once its pace no longer needs it.
func TestTake(t *testing.T) {
	srv := redistest.Start(t)
	a, b := newRedis(t, srv, Options{Prefix: "rb-pace"}, nil), newRedis(t, srv, Options{Prefix: "rb-pace"}, nil)
	ctx := context.Background()
	const all, chat = 30 * time.Millisecond, 300 * time.Millisecond
	if chatWait, err := a.Take(ctx, map[string]time.Duration{"all": all, "chat:1": chat}); err != nil || chatWait != 0 {
		t.Fatalf("first turn: wait %v, %v", chatWait, err)
	}
	chatWait, err := b.Take(ctx, map[string]time.Duration{"all": all, "chat:1": chat})
	if err != nil || chatWait < chat/2 || chatWait > chat {
		t.Fatalf("the other replica's turn in the chat: wait %v, %v; want about %v", chatWait, err, chat)
	}
	w, err := b.Take(ctx, map[string]time.Duration{"all": all, "chat:2": chat})
	if err != nil || w <= 0 || w > all {
		t.Fatalf("another chat within the bot's interval: wait %v, %v; want up to %v", w, err, all)
	}
	// Once the wait Take asked for is over, the turn is given: a refusal
	// takes none, so asking until then changes nothing.
	asked := time.Now()
	wait.Eventually(t, chat, func() bool {
		w, err := b.Take(ctx, map[string]time.Duration{"all": all, "chat:2": chat})
		return err == nil && w == 0
	}, "another chat after the bot's wait of %v: no turn", w)
	if waited := time.Since(asked); waited < w-5*time.Millisecond {
		t.Errorf("a turn after %v, before the wait of %v was over", waited, w)
	}
	// A chat not yet ready takes no turn of the bot's: once the bot's
	// interval is over, chat:1 is refused, and chat:3 right after waits
	// nothing.
	allKey := a.opt.Prefix + ":send:{pace}:all"
	wait.Eventually(t, chat, func() bool { return a.client.Exists(ctx, allKey).Val() == 0 }, "the bot's turn is not due after %v", chat) // its key lives until then
	if w, err := a.Take(ctx, map[string]time.Duration{"all": all, "chat:1": chat}); err != nil || w == 0 {
		t.Fatalf("chat:1 again within its interval: wait %v, %v", w, err)
	}
	if w, err := a.Take(ctx, map[string]time.Duration{"all": all, "chat:3": chat}); err != nil || w != 0 {
		t.Errorf("a third chat after chat:1 was refused: wait %v, %v; the refusal took the bot's turn", w, err)
	}
	keys := a.client.Keys(ctx, "rb-pace:send:*").Val()
	if len(keys) != 4 { // all and three chats
		t.Fatalf("keys %q", keys)
	}
	for _, k := range keys {
		if ttl := a.client.PTTL(ctx, k).Val(); ttl <= 0 || ttl > chat {
			t.Errorf("%s expires in %v, want within %v", k, ttl, chat)
		}
	}
	wait.Eventually(t, 2*chat, func() bool { // chat:1's interval is over
		w, err := b.Take(ctx, map[string]time.Duration{"chat:1": chat})
		return err == nil && w == 0
	}, "chat:1 after its wait of %v: no turn", chatWait)
}

// TestClaims: on one Redis, an asking claimed by one process is not taken
// by another while it is renewed, is taken once its claim runs out, and is
// known as answered once marked, by MarkHandled or by a question's Save.
// A question's Load claims its asking in its own round trip; a late
// renewal never cuts a done-mark short.
func TestClaims(t *testing.T) {
	ctx := context.Background()
	const claimTTL = 4 * time.Second
	srv := redistest.Start(t)
	a, b := newRedis(t, srv, Options{Prefix: "rb-claim", ClaimTTL: claimTTL}, nil), newRedis(t, srv, Options{Prefix: "rb-claim", ClaimTTL: claimTTL}, nil)
	k := reply.Key{Conv: "c", Asked: "tg:11"}
	if claimed, done, err := a.Claim(ctx, k); !claimed || done || err != nil {
		t.Fatalf("first claim: %v %v %v", claimed, done, err)
	}
	if claimed, _, _ := a.Claim(ctx, k); !claimed {
		t.Error("a process's own claim, taken again, was refused")
	}
	if claimed, done, _ := b.Claim(ctx, k); claimed || done {
		t.Errorf("another process's claim: claimed %v, done %v", claimed, done)
	}
	if _, err := b.Load(ctx, k); !errors.Is(err, reply.ErrInFlight) {
		t.Errorf("another process's Load of a claimed asking: %v, want ErrInFlight", err)
	}
	if _, err := a.Load(ctx, k); err != nil {
		t.Errorf("the claimer's Load: %v", err)
	}
	key := a.seenKey(k)
	a.client.PExpire(ctx, key, 50*time.Millisecond) // nearly run out
	b.Extend(ctx, k)                                // not b's to renew
	if err := a.Extend(ctx, k); err != nil {
		t.Fatal(err)
	}
	if ttl := a.client.PTTL(ctx, key).Val(); ttl < claimTTL-time.Second || ttl > claimTTL {
		t.Errorf("renewed claim expires in %v, want %v", ttl, claimTTL)
	}
	a.client.Del(ctx, key) // a died: its claim runs out
	if _, err := b.Load(ctx, k); err != nil {
		t.Errorf("Load of an asking whose claim ran out: %v", err)
	}
	if err := b.Save(ctx, k, turn("q")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Load(ctx, k); !errors.Is(err, reply.ErrAnswered) {
		t.Errorf("Load of an answered asking: %v, want ErrAnswered", err)
	}
	if claimed, done, _ := a.Claim(ctx, k); claimed || !done {
		t.Errorf("claim of an answered asking: claimed %v, done %v", claimed, done)
	}
	b.Extend(ctx, k)
	if ttl := a.client.PTTL(ctx, key).Val(); ttl < seenTTL-time.Minute {
		t.Errorf("a late renewal cut the done-mark to %v", ttl)
	}
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
		s, err := r.Load(ctx, reply.Key{User: "tg:u1", Asked: asked})
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
		s, _ := r2.Load(ctx, reply.Key{User: "web:1.2.3.4"})
		if got := s.RetryAfter > 0; got != want {
			t.Errorf("unnamed asking %d: limited %v, want %v", i+1, got, want)
		}
	}
}

// TestClaimDuringOutage: while Redis has failed for less than DownAfter
// (a failover, a blip), an asking whose claim cannot be made is to be tried
// again later (ErrInFlight; Claim says another holds it), never answered
// maybe twice, even past a claim's lifetime; past DownAfter, it is answered
// without memory (the error itself).
func TestClaimDuringOutage(t *testing.T) {
	srv := redistest.Start(t)
	clk := newClock()
	r := newRedis(t, srv, Options{Now: clk.Now, ClaimTTL: 10 * time.Second, DownAfter: 20 * time.Second}, nil)
	ctx := context.Background()
	if _, err := r.Load(ctx, reply.Key{Conv: "c", Asked: "tg:1"}); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	if _, err := r.Load(ctx, reply.Key{Conv: "c", Asked: "tg:2"}); !errors.Is(err, reply.ErrInFlight) {
		t.Errorf("Load at once: %v, want ErrInFlight", err)
	}
	clk.Advance(5 * time.Second)
	if claimed, done, err := r.Claim(ctx, reply.Key{Conv: "c", Asked: "tg:3"}); claimed || done || err != nil {
		t.Errorf("Claim 5 s into the outage: %v %v %v, want held elsewhere", claimed, done, err)
	}
	if _, err := r.Load(ctx, reply.Key{Conv: "c"}); err == nil || errors.Is(err, reply.ErrInFlight) {
		t.Errorf("Load of no asking: %v, want the outage itself", err)
	}
	clk.Advance(6 * time.Second)
	if _, err := r.Load(ctx, reply.Key{Conv: "c", Asked: "tg:2"}); !errors.Is(err, reply.ErrInFlight) {
		t.Errorf("Load 11 s into the outage, past a claim's lifetime: %v, want ErrInFlight (a failover may take longer than a claim)", err)
	}
	clk.Advance(10 * time.Second)
	if _, err := r.Load(ctx, reply.Key{Conv: "c", Asked: "tg:2"}); err == nil || errors.Is(err, reply.ErrInFlight) {
		t.Errorf("Load 21 s into the outage: %v, want the outage itself (answered without memory)", err)
	}
	if _, _, err := r.Claim(ctx, reply.Key{Conv: "c", Asked: "tg:3"}); err == nil {
		t.Error("Claim 21 s into the outage: no error; the update would never be handled")
	}
	if got := (Options{ClaimTTL: time.Minute, DownAfter: time.Second}).withDefaults().DownAfter; got != time.Minute {
		t.Errorf("DownAfter below the claim's lifetime: %v, want the claim's minute", got)
	}
}
