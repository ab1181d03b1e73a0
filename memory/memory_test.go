package memory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/bot"
	"reportbot/feedback"
	"reportbot/internal/redistest"
)

// clock is a settable clock, started at the real now so that Redis
// expiries set from it lie in the future.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock starts at now, or, within minutes of midnight in China, just
// after it: no test's day ends under it (a day's limits start again).
func newClock() *clock {
	t := time.Now()
	if next := midnightAfter(t); next.Sub(t) < 5*time.Minute {
		t = next.Add(time.Minute)
	}
	return &clock{t: t}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// store is one implementation under test.
type store struct {
	name string
	new  func(t *testing.T, opt Options) answer.Memory
}

// stores are the implementations the shared suite runs against: each test
// gets its own, and Redis its own server.
var stores = []store{
	{"in-process", func(t *testing.T, opt Options) answer.Memory { return NewInProcess(opt) }},
	{"redis", func(t *testing.T, opt Options) answer.Memory {
		srv := redistest.Start(t)
		r, err := NewRedis(srv.URL(), opt, discard)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}},
}

func eachStore(t *testing.T, opt Options, f func(t *testing.T, m answer.Memory, clk *clock)) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			clk := newClock()
			opt := opt
			opt.Now = clk.Now
			f(t, s.new(t, opt), clk)
		})
	}
}

func turn(q string) reply.Record {
	return reply.Record{Turn: reply.Turn{Question: q, Resolved: q, Sections: []string{"一(六)1"}, Found: true}}
}

func TestTurns(t *testing.T) {
	ctx := context.Background()
	eachStore(t, Options{Turns: 3}, func(t *testing.T, m answer.Memory, _ *clock) {
		for i := range 5 {
			if err := m.Save(ctx, reply.Key{Conv: "tg:1"}, turn(fmt.Sprint(i))); err != nil {
				t.Fatal(err)
			}
		}
		s, err := m.Load(ctx, reply.Key{Conv: "tg:1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Turns) != 3 || s.Turns[0].Question != "2" || s.Turns[2].Question != "4" || s.Turns[2].Sections[0] != "一(六)1" {
			t.Errorf("turns = %+v, want the last three, oldest first", s.Turns)
		}
		if s, _ := m.Load(ctx, reply.Key{Conv: "tg:2"}); len(s.Turns) != 0 {
			t.Errorf("an unknown conversation has turns: %+v", s.Turns)
		}
	})
}

// TestGroupUsers: two people in one group are two conversations.
func TestGroupUsers(t *testing.T) {
	ctx := context.Background()
	eachStore(t, Options{}, func(t *testing.T, m answer.Memory, _ *clock) {
		alice, bob := reply.Key{Conv: "tg:-100:1", User: "tg:1"}, reply.Key{Conv: "tg:-100:2", User: "tg:2"}
		m.Save(ctx, alice, turn("行政复议收到多少件申请?"))
		m.Save(ctx, bob, turn("法律咨询多少人次?"))
		a, _ := m.Load(ctx, alice)
		b, _ := m.Load(ctx, bob)
		if len(a.Turns) != 1 || a.Turns[0].Question != "行政复议收到多少件申请?" || len(b.Turns) != 1 || b.Turns[0].Question != "法律咨询多少人次?" {
			t.Errorf("alice %+v, bob %+v", a.Turns, b.Turns)
		}
	})
}

func TestCache(t *testing.T) {
	ctx := context.Background()
	eachStore(t, Options{}, func(t *testing.T, m answer.Memory, _ *clock) {
		ans := reply.Answer{Question: "q", Text: "收到84件。", Found: true, Mode: reply.ModeLLM, Verified: true, Resolved: "行政复议收到多少件",
			Citations: []reply.Citation{{Section: "一(六)1", Heading: "h", Quote: "收到84件"}}}
		rec := turn("q")
		rec.Cache = &ans
		if err := m.Save(ctx, reply.Key{Conv: "c", Cache: "k1"}, rec); err != nil {
			t.Fatal(err)
		}
		s, err := m.Load(ctx, reply.Key{Conv: "other", Cache: "k1"})
		if err != nil || s.Cached == nil {
			t.Fatalf("cache miss: %v", err)
		}
		if got := *s.Cached; got.Text != ans.Text || got.Resolved != ans.Resolved || got.Mode != ans.Mode || len(got.Citations) != 1 || !got.Verified {
			t.Errorf("cached %+v, want %+v", got, ans)
		}
		if s, _ := m.Load(ctx, reply.Key{Cache: "k2"}); s.Cached != nil {
			t.Errorf("hit for another key: %+v", s.Cached)
		}
	})
}

func TestRateLimits(t *testing.T) {
	ctx := context.Background()
	eachStore(t, Options{PerMinute: 3, PerDay: 5}, func(t *testing.T, m answer.Memory, clk *clock) {
		k := reply.Key{Conv: "tg:1", User: "tg:1"}
		for i := range 3 {
			if s, err := m.Load(ctx, k); err != nil || s.RetryAfter != 0 {
				t.Fatalf("question %d: limited (%v, %v)", i+1, s.RetryAfter, err)
			}
		}
		s, _ := m.Load(ctx, k)
		if s.RetryAfter <= 0 || s.RetryAfter > time.Minute {
			t.Errorf("4th question in a minute: retry after %v, want within the minute", s.RetryAfter)
		}
		if s, _ := m.Load(ctx, reply.Key{User: "tg:2"}); s.RetryAfter != 0 {
			t.Errorf("another user is limited too")
		}
		clk.Advance(time.Minute)
		if s, _ := m.Load(ctx, k); s.RetryAfter != 0 {
			t.Errorf("next minute: still limited for %v", s.RetryAfter)
		}
		// Five a day: the sixth waits for midnight in China.
		s, _ = m.Load(ctx, k)
		want := midnightAfter(clk.Now()).Sub(clk.Now())
		if s.RetryAfter < want-time.Second || s.RetryAfter > want {
			t.Errorf("6th question of the day: retry after %v, want %v", s.RetryAfter, want)
		}
	})
}

func TestModelCalls(t *testing.T) {
	ctx := context.Background()
	eachStore(t, Options{}, func(t *testing.T, m answer.Memory, _ *clock) {
		for _, n := range []int{3, 0, 2} {
			rec := turn("q")
			rec.ModelCalls = n
			m.Save(ctx, reply.Key{Conv: fmt.Sprint("c", n)}, rec)
		}
		if s, _ := m.Load(ctx, reply.Key{}); s.ModelCalls != 5 {
			t.Errorf("model calls = %d, want 5", s.ModelCalls)
		}
	})
}

func TestInProcessExpiry(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	m := NewInProcess(Options{TTL: time.Hour, CacheTTL: 2 * time.Hour, Now: clk.Now})
	rec := turn("q")
	rec.Cache = &reply.Answer{Text: "x"}
	m.Save(ctx, reply.Key{Conv: "c", Cache: "k"}, rec)
	clk.Advance(time.Hour + time.Second)
	s, _ := m.Load(ctx, reply.Key{Conv: "c", Cache: "k"})
	if len(s.Turns) != 0 || s.Cached == nil {
		t.Errorf("after an hour: %d turns, cached %v; want the turns gone, the answer kept", len(s.Turns), s.Cached != nil)
	}
	clk.Advance(time.Hour)
	if s, _ := m.Load(ctx, reply.Key{Cache: "k"}); s.Cached != nil {
		t.Error("answer cached past its TTL")
	}
	for i := range 1000 {
		m.Save(ctx, reply.Key{Conv: fmt.Sprint("x", i)}, turn("q"))
	}
	clk.Advance(2 * time.Hour)
	for i := range 1000 {
		m.Save(ctx, reply.Key{Conv: fmt.Sprint("y", i)}, turn("q"))
	}
	if n := len(m.convs); n > 1001 {
		t.Errorf("%d conversations kept; expired ones are not swept", n)
	}
}

func TestUpdatesAndForget(t *testing.T) {
	ctx := context.Background()
	eachStore(t, Options{}, func(t *testing.T, m answer.Memory, _ *clock) {
		b := m.(interface {
			Claim(context.Context, reply.Key) (bool, bool, error)
			MarkHandled(context.Context, reply.Key) error
			Forget(context.Context, string) error
		})
		// The claim takes the asking; once marked, by MarkHandled or by a
		// question's Save, it is known as done, and Load refuses it.
		if claimed, done, err := b.Claim(ctx, reply.Key{Asked: "tg:7"}); !claimed || done || err != nil {
			t.Errorf("first claim: %v %v %v", claimed, done, err)
		}
		b.MarkHandled(ctx, reply.Key{Asked: "tg:7"})
		if claimed, done, _ := b.Claim(ctx, reply.Key{Asked: "tg:7"}); claimed || !done {
			t.Errorf("claim of an answered asking: claimed %v, done %v", claimed, done)
		}
		k := reply.Key{Conv: "c", Asked: "tg:8"}
		if _, err := m.Load(ctx, k); err != nil {
			t.Fatal(err)
		}
		m.Save(ctx, k, turn("q"))
		if _, err := m.Load(ctx, k); !errors.Is(err, reply.ErrAnswered) {
			t.Errorf("Load of an asking saved: %v, want ErrAnswered", err)
		}
		if claimed, done, _ := b.Claim(ctx, k); claimed || !done {
			t.Errorf("claim of an asking saved: claimed %v, done %v", claimed, done)
		}
		if err := b.Forget(ctx, "c"); err != nil {
			t.Fatal(err)
		}
		if s, _ := m.Load(ctx, reply.Key{Conv: "c"}); len(s.Turns) != 0 {
			t.Errorf("forgotten conversation has %d turns", len(s.Turns))
		}
	})
}

func TestFeedback(t *testing.T) {
	ctx := context.Background()
	eachStore(t, Options{}, func(t *testing.T, m answer.Memory, _ *clock) {
		fb := m.(bot.Feedback)
		for i, q := range []string{"行政复议收到多少件申请?", "法律咨询多少人次?", "行政复议收到多少件申请?"} {
			rec := turn(q)
			rec.Ref = fmt.Sprintf("%016d", i)
			if err := m.Save(ctx, reply.Key{Conv: fmt.Sprint("c", i)}, rec); err != nil {
				t.Fatal(err)
			}
			given := reply.Answer{Question: q}
			if i == 1 {
				given.Fallback = reply.FallbackRefused
			}
			m.(answer.Observer).ObserveAnswer(ctx, given, 0) // as the answerer tells it

		}
		for _, v := range []struct {
			conv, ref, voter string
			up               bool
			want             feedback.Vote
		}{
			{"c0", "0000000000000000", "a", true, feedback.Counted},
			{"c0", "0000000000000000", "a", true, feedback.Withdrawn}, // the same press again
			{"c0", "0000000000000000", "a", true, feedback.Counted},
			{"c0", "0000000000000000", "a", true, feedback.Withdrawn},
			{"c0", "0000000000000000", "a", true, feedback.Counted},
			{"c1", "0000000000000001", "a", true, feedback.Counted},
			{"c1", "0000000000000001", "a", false, feedback.Changed}, // 👍 becomes 👎
			{"c2", "0000000000000002", "b", true, feedback.Counted},
			{"c0", "ffffffffffffffff", "a", true, feedback.Unknown},
			{"c1", "0000000000000002", "a", true, feedback.Unknown}, // an answer of another conversation
		} {
			if got, err := fb.Vote(ctx, v.conv, v.ref, v.voter, v.up); err != nil || got != v.want {
				t.Errorf("Vote(%s, %s, %s, %v) = %v, %v; want %v", v.conv, v.ref, v.voter, v.up, got, err, v.want)
			}
		}
		s, err := fb.Summary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Answers != 3 || s.Fallbacks != 1 || s.Up != 2 || s.Down != 1 || len(s.Top) != 2 || s.Top[0] != (feedback.QuestionCount{Question: "行政复议收到多少件申请?", Count: 2}) {
			t.Errorf("summary %+v", s)
		}
	})
}
