package memory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/eval"
	"reportbot/internal/logtest"
	"reportbot/internal/modelfake"
	"reportbot/internal/redistest"
	"reportbot/internal/testreport"
	"reportbot/knowledge"
)

// newRedis is memory on server srv, logging to log (nil: nowhere).
func newRedis(t testing.TB, srv *redistest.Server, opt Options, log *logtest.Buffer) *Redis {
	t.Helper()
	return redisAt(t, srv.URL(), opt, log)
}

// redisAt is memory on the Redis that url names, closed when the test ends.
func redisAt(t testing.TB, url string, opt Options, log *logtest.Buffer) *Redis {
	t.Helper()
	lg := discard
	if log != nil {
		lg = slogTo(log)
	}
	r, err := NewRedis(url, opt, lg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// roundTrips counts the commands and pipelines a client sends: each is one
// round trip. The handshake of a new pooled connection (HELLO, CLIENT
// SETINFO) belongs to the connection, not to a question, and is not
// counted; nor is the tally's flush, once a second whatever the questions.
type roundTrips struct{ n atomic.Int64 }

func handshake(name string) bool { return name == "hello" || name == "client" }

func isFlush(cmds []redis.Cmder) bool {
	args := cmds[0].Args()
	return len(args) > 1 && cmds[0].Name() == "incrby" && strings.Contains(fmt.Sprint(args[1]), ":llm:")
}

func (c *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !handshake(cmd.Name()) {
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !handshake(cmds[0].Name()) && !isFlush(cmds) {
			c.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// instantModel answers every question with its reply, and counts calls.
type instantModel struct {
	reply string
	calls atomic.Int64
}

func (m *instantModel) Complete(context.Context, reply.Request) (string, error) {
	m.calls.Add(1)
	return m.reply, nil
}

// select84 is a model's selection of 收到84件 for q84.
func select84(t testing.TB) string {
	t.Helper()
	return modelfake.Selecting(testreport.SeedIndex(t).Docs()[0], "一(六)1", "84件")
}

const q84 = "行政复议收到多少件申请?"

// TestKeys: every key written has a prefix and an expiry within its
// bound (the log, bounded by its length, has none), a conversation keeps
// at most Turns, and one conversation's and one user's keys share a hash
// slot.
func TestKeys(t *testing.T) {
	srv := redistest.Start(t)
	clk := newClock()
	opt := Options{Turns: 4, TTL: 30 * time.Minute, CacheTTL: 2 * time.Hour, PerMinute: 100, PerDay: 1000, Prefix: "rb-test", Now: clk.Now}
	r := newRedis(t, srv, opt, nil)
	model := &instantModel{reply: select84(t)}
	a := &answer.Answerer{Index: testreport.SeedIndex(t), Memory: r, Model: model}
	for _, q := range []string{q84, "那受理了几件?", "不予受理的呢?", "审结了多少件?", "法律咨询多少人次?", "免罚金额是多少?"} {
		if _, err := a.AskFor(context.Background(), reply.Key{Conv: "tg:-100:7", User: "tg:7"}, q, nil); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	keys, err := r.client.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, "rb-test:") {
			t.Errorf("key %q has no prefix", k)
		}
		ttl := r.client.TTL(ctx, k).Val()
		kind := strings.SplitN(k, ":", 3)[1]
		kinds[kind] = true
		bound := map[string]time.Duration{"conv": opt.TTL, "cache": opt.CacheTTL, "asked": dayTTL, "llm": dayTTL, "seen": seenTTL, "ref": refTTL, "stats": statsTTL}[kind]
		if kind == "log" { // kept, and bounded by its length (TestLogBounded)
			if k != "rb-test:log" || ttl != -1 || r.client.XLen(ctx, k).Val() != 6 {
				t.Errorf("log %q expires in %v and holds %d questions, want rb-test:log, kept, 6", k, ttl, r.client.XLen(ctx, k).Val())
			}
			continue
		}
		if ttl <= 0 || ttl > bound {
			t.Errorf("key %q expires in %v, want within %v", k, ttl, bound)
		}
		if kind == "conv" {
			if k != "rb-test:conv:{tg:-100:7}" {
				t.Errorf("conversation key %q lacks its hash tag", k)
			}
			if n := r.client.LLen(ctx, k).Val(); n != int64(opt.Turns) {
				t.Errorf("conversation holds %d turns, want %d", n, opt.Turns)
			}
		}
		if kind == "asked" && !strings.Contains(k, ":{tg:7}:") {
			t.Errorf("rate key %q lacks its user's hash tag", k)
		}
	}
	for _, kind := range []string{"conv", "cache", "asked", "llm", "log"} {
		if !kinds[kind] {
			t.Errorf("no %s key written: %v", kind, keys)
		}
	}
}

// TestRoundTrips: an answered question costs two round trips to Redis, a
// Load and a Save.
func TestRoundTrips(t *testing.T) {
	srv := redistest.Start(t)
	r := newRedis(t, srv, Options{PerMinute: 10, PerDay: 100}, nil)
	var rt roundTrips
	r.client.AddHook(&rt)
	a := &answer.Answerer{Index: testreport.SeedIndex(t), Memory: r, Model: &instantModel{reply: select84(t)}}
	for i, q := range []string{q84, "那受理了几件?", q84} {
		before := rt.n.Load()
		if _, err := a.AskFor(context.Background(), reply.Key{Conv: "c", User: "u"}, q, nil); err != nil {
			t.Fatal(err)
		}
		if n := rt.n.Load() - before; n != 2 {
			t.Errorf("question %d: %d round trips, want 2", i+1, n)
		}
	}
}

// TestFollowUpsAcrossRuns: two processes (two clients) continue one
// conversation, as `REDIS_URL=… reportbot chat --conversation ID` does.
func TestFollowUpsAcrossRuns(t *testing.T) {
	srv := redistest.Start(t)
	ix := testreport.SeedIndex(t)
	first := &answer.Answerer{Index: ix, Memory: newRedis(t, srv, Options{}, nil)}
	if _, err := first.Ask(context.Background(), "cli:42", "免罚清单适用了多少案件?"); err != nil {
		t.Fatal(err)
	}
	second := &answer.Answerer{Index: ix, Memory: newRedis(t, srv, Options{}, nil)}
	ans, err := second.Ask(context.Background(), "cli:42", "金额呢?")
	if err != nil || !strings.Contains(ans.Text, "185.351万元") {
		t.Errorf("follow-up in the next run: %v\n%s", err, ans.Text)
	}
}

// TestAnswerCache: a standalone question answered once is answered from
// the cache, with no model call; a follow-up never is; other reports miss.
func TestAnswerCache(t *testing.T) {
	srv := redistest.Start(t)
	model := &instantModel{reply: select84(t)}
	a := &answer.Answerer{Index: testreport.SeedIndex(t), Memory: newRedis(t, srv, Options{}, nil), Model: model, ModelID: "m1"}
	ctx := context.Background()
	first, _ := a.Ask(ctx, "alice", q84)
	second, _ := a.Ask(ctx, "bob", "  "+q84+" ")
	if first.Cached || !second.Cached || second.Text != first.Text || second.Mode != reply.ModeLLM || model.calls.Load() != 1 {
		t.Errorf("cached %v/%v, %d model calls; texts %q / %q", first.Cached, second.Cached, model.calls.Load(), first.Text, second.Text)
	}
	// bob's next question follows up on the cached answer's topic.
	if ans, _ := a.Ask(ctx, "bob", "那受理了几件?"); ans.Cached || !strings.Contains(ans.Text, "84件") {
		t.Errorf("follow-up: cached %v\n%s", ans.Cached, ans.Text)
	}
	if ans, _ := a.Ask(ctx, "carol", "行政複議申請收到多少件?"); ans.Cached {
		t.Error("a Traditional question got the Simplified answer from the cache")
	}
	// Another model, or another report, is another version.
	other := &answer.Answerer{Index: a.Index, Memory: a.Memory, Model: model, ModelID: "m2"}
	if ans, _ := other.Ask(ctx, "dave", q84); ans.Cached {
		t.Error("answer cached for another model was served")
	}
	docs, err := knowledge.LoadFiles([]string{"../knowledge/testdata/report.md"})
	if err != nil {
		t.Fatal(err)
	}
	nextYear := &answer.Answerer{Index: knowledge.NewIndex(docs...), Memory: a.Memory}
	if ans, _ := nextYear.Ask(ctx, "erin", "行政复议收到申请多少件?"); ans.Cached || !strings.Contains(ans.Text, "120件") {
		t.Errorf("another report: cached %v\n%s", ans.Cached, ans.Text)
	}
}

// TestRateLimitAcrossReplicas: two bots sharing one Redis count one user's
// questions together, and answer the one over the limit politely.
func TestRateLimitAcrossReplicas(t *testing.T) {
	srv := redistest.Start(t)
	ix := testreport.SeedIndex(t)
	opt := Options{PerMinute: 3, PerDay: 100}
	a := &answer.Answerer{Index: ix, Memory: newRedis(t, srv, opt, nil)}
	b := &answer.Answerer{Index: ix, Memory: newRedis(t, srv, opt, nil)}
	ctx := context.Background()
	for i, bot := range []*answer.Answerer{a, b, a} {
		if _, err := bot.AskFor(ctx, reply.Key{Conv: "tg:9", User: "tg:9"}, q84, nil); err != nil {
			t.Fatalf("question %d: %v", i+1, err)
		}
	}
	_, err := b.AskFor(ctx, reply.Key{Conv: "tg:9", User: "tg:9"}, q84, nil)
	var limited *answer.RateLimitError
	if !errorsAs(err, &limited) || limited.RetryAfter <= 0 || limited.RetryAfter > time.Minute {
		t.Fatalf("4th question across replicas: %v", err)
	}
	if msg := answer.UserMessage(err); !strings.Contains(msg, "提问太频繁了") || !strings.Contains(msg, "秒后再试") {
		t.Errorf("message %q", msg)
	}
	if _, err := a.AskFor(ctx, reply.Key{Conv: "tg:10", User: "tg:10"}, q84, nil); err != nil {
		t.Errorf("another user: %v", err)
	}
}

// TestModelBudget: past the day's budget of model calls, for the whole bot,
// answers are the report's own sentences.
func TestModelBudget(t *testing.T) {
	srv := redistest.Start(t)
	model := &instantModel{reply: select84(t)}
	ix := testreport.SeedIndex(t)
	ra, rb := newRedis(t, srv, Options{}, nil), newRedis(t, srv, Options{}, nil)
	a := &answer.Answerer{Index: ix, Memory: ra, Model: model, ModelBudget: 2}
	b := &answer.Answerer{Index: ix, Memory: rb, Model: model, ModelBudget: 2}
	ctx := context.Background()
	a.Ask(ctx, "1", q84) // one call, accepted
	if n := ra.modelCallsToday(time.Now()); n != 1 {
		t.Errorf("a process knows of %d of its own model calls before any flush, want 1", n)
	}
	b.Ask(ctx, "2", "法律咨询多少人次?") // the reply lacks 4727人次: a call and a retry
	spent := model.calls.Load()
	// Each process adds its calls to the day's count every tallyEvery,
	// and reads the others' back.
	ra.flush(ctx)
	rb.flush(ctx)
	ra.flush(ctx)
	ans, _ := a.Ask(ctx, "3", "免罚金额是多少?")
	if spent < 2 || model.calls.Load() != spent || ans.Fallback != reply.FallbackBudget || !strings.Contains(ans.Text, "185.351万元") {
		t.Errorf("%d model calls, then %d; third answer fallback %q:\n%s", spent, model.calls.Load(), ans.Fallback, ans.Text)
	}
	if n := ra.client.Get(ctx, ra.modelKey(day(time.Now()))).Val(); n != strconv.FormatInt(spent, 10) {
		t.Errorf("the day's count in Redis is %s, want %d", n, spent)
	}
}

// TestRedisDown: Redis killed mid-conversation; the bot keeps answering at
// once, without memory, says so in one log line, and recovers by itself
// when Redis is back.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	clk := newClock()
	var logs logtest.Buffer
	r := newRedis(t, srv, Options{Now: clk.Now}, &logs)
	a := &answer.Answerer{Index: testreport.SeedIndex(t), Memory: r}
	ctx := context.Background()
	if ans, _ := a.Ask(ctx, "c", q84); !strings.Contains(ans.Text, "84件") {
		t.Fatal(ans.Text)
	}
	srv.Kill()
	for i := range 5 {
		start := time.Now()
		ans, err := a.Ask(ctx, "c", "法律咨询多少人次?")
		if err != nil || !strings.Contains(ans.Text, "4727人次") {
			t.Fatalf("question %d with Redis down: %v\n%s", i, err, ans.Text)
		}
		if took := time.Since(start); took > 300*time.Millisecond {
			t.Errorf("question %d with Redis down took %v", i, took)
		}
		clk.Advance(300 * time.Millisecond)
	}
	if n := strings.Count(logs.String(), "redis unreachable"); n != 1 {
		t.Errorf("%d warnings for one outage:\n%s", n, logs.String())
	}
	srv.Restart()
	clk.Advance(probeEvery)
	a.Ask(ctx, "c", q84)
	ans, _ := a.Ask(ctx, "c", "那受理了几件?")
	if !strings.Contains(ans.Text, "68件") {
		t.Errorf("follow-up after Redis came back:\n%s", ans.Text)
	}
	if n := strings.Count(logs.String(), "redis reachable again"); n != 1 {
		t.Errorf("recovery logged %d times:\n%s", n, logs.String())
	}
}

// TestUnreachableAddress: a Redis that never answers costs each question a
// timeout at most once a second, not per question.
func TestUnreachableAddress(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	clk := newClock()
	r, err := NewRedis("redis://"+l.Addr().String(), Options{Now: clk.Now}, discard)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	a := &answer.Answerer{Index: testreport.SeedIndex(t), Memory: r}
	start := time.Now()
	for range 10 {
		if ans, _ := a.Ask(context.Background(), "c", q84); !strings.Contains(ans.Text, "84件") {
			t.Fatal(ans.Text)
		}
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("10 questions against a silent Redis took %v", took)
	}
}

// TestGoldConversationsWithRedis: the gold set's conversations pass with
// Redis as they do in process.
func TestGoldConversationsWithRedis(t *testing.T) {
	srv := redistest.Start(t)
	f, err := os.Open("../testdata/gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := eval.Load(f, "gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	ix := testreport.SeedIndex(t)
	for _, m := range []answer.Memory{NewInProcess(Options{}), newRedis(t, srv, Options{}, nil)} {
		rep, err := eval.Run(context.Background(), &answer.Answerer{Index: ix, Memory: m}, ix, cases)
		if err != nil {
			t.Fatal(err)
		}
		conv := rep.Categories["conversation"]
		if conv == nil || conv.Turns < 20 || conv.Accuracy() != 1 {
			t.Errorf("%T: conversations %+v", m, conv)
		}
	}
}

func TestRedisURL(t *testing.T) {
	tests := []struct {
		url   string
		addrs string
		err   string
	}{
		{"redis://localhost:6379/2", "[localhost:6379]", ""},
		{"rediss://:pw@cache.example:6380", "[cache.example:6380]", ""},
		{"redis://s1:26379?master_name=main&addr=s2:26379", "[s1:26379 s2:26379]", ""},
		{"redis://n1:7000?addr=n2:7001&addr=n3:7002", "[n1:7000 n2:7001 n3:7002]", ""},
		{"redis//x", "", `REDIS_URL: "redis//x" has no redis:// scheme and host; expected redis://host:port/db`},
		{"http://localhost:6379", "", `REDIS_URL: "http://localhost:6379" has no redis:// scheme and host`},
		{"redis://localhost:6379/x", "", `REDIS_URL: redis: invalid database number: "x"`},
		{"redis://:secret@local host", "", `REDIS_URL: invalid character " " in host name`},
	}
	for _, tt := range tests {
		o, err := universalOptions(tt.url)
		switch {
		case tt.err != "":
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) || strings.Contains(err.Error(), "secret") {
				t.Errorf("%s: error %v, want %q…, no password", tt.url, err, tt.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.url, err)
		case fmt.Sprint(o.Addrs) != tt.addrs:
			t.Errorf("%s: addrs %v, want %s", tt.url, o.Addrs, tt.addrs)
		}
	}
	if o, _ := universalOptions("redis://s1:26379?master_name=main"); o.MasterName != "main" {
		t.Errorf("sentinel master name %q", o.MasterName)
	}
}

func errorsAs(err error, target **answer.RateLimitError) bool { return errors.As(err, target) }

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
