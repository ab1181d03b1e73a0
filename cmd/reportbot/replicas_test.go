package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"reportbot/answer"
	"reportbot/bot"
	"reportbot/internal/redistest"
	"reportbot/internal/tgfake"
	"reportbot/knowledge"
	"reportbot/memory"
)

// TestReplicasAnswerOnce: two serve replicas in webhook mode share one
// Redis; each update is delivered to both at once, as Telegram's retry may
// reach another replica while the first still handles it. Each is answered
// exactly once, a webhook request is acknowledged only once its update is
// answered, and the duplicates use up no one's question limit.
func TestReplicasAnswerOnce(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	api := tgfake.Start(t, botToken)
	api.FloodGap = sendLimits.chat / 2
	env := map[string]string{"REDIS_URL": srv.URL(), "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
		"TELEGRAM_WEBHOOK_SECRET": hookSecret, "REPORTBOT_RATE_PER_MINUTE": "5"}
	a := startServeOn(t, api, env)
	b := startServeOn(t, api, env)
	get(t, "http://"+a.addr+"/healthz")
	get(t, "http://"+b.addr+"/healthz")
	const chats, perChat = 4, 5 // five questions a chat: exactly the limit a minute
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for c := range chats {
		wg.Go(func() {
			for q := range perChat {
				id := 1 + c*perChat + q
				var both sync.WaitGroup
				for _, s := range []*served{a, b} {
					both.Go(func() {
						status := api.Deliver("http://"+s.addr+"/telegram", hookSecret, id, int64(1000+c), "行政复议收到多少件申请?")
						mu.Lock()
						if status == http.StatusOK {
							statuses[id]++
						}
						mu.Unlock()
					})
				}
				both.Wait()
			}
		})
	}
	wg.Wait()
	sent := api.WaitSent(chats*perChat, 10*time.Second)
	handledCount(t, a, 1)
	if len(sent) != chats*perChat {
		t.Fatalf("%d answers to %d updates, each delivered twice", len(sent), chats*perChat)
	}
	perID := map[int]int{}
	for _, m := range sent {
		perID[m.ReplyTo]++
		if strings.Contains(m.Text, "提问太频繁") || !strings.Contains(m.Text, "84件") {
			t.Errorf("answer %+v: a duplicate used up the limit, or the answer is wrong", m)
		}
	}
	for id := 1; id <= chats*perChat; id++ {
		if perID[id] != 1 || statuses[id] < 1 {
			t.Errorf("update %d: %d answers, %d acknowledgements", id, perID[id], statuses[id])
		}
	}
}

// startServeOn starts serve against an existing Bot API stand-in.
func startServeOn(t *testing.T, api *tgfake.Server, env map[string]string) *served {
	t.Helper()
	e := map[string]string{"TELEGRAM_BOT_TOKEN": botToken, "TELEGRAM_API_ENDPOINT": api.Endpoint(), "LOG_LEVEL": "debug",
		"REPORTBOT_LISTEN": freeAddr(t)}
	for k, v := range env {
		e[k] = v
	}
	return runServe(t, api, e)
}

// TestReplicasShareSendLimits: two replicas on one Redis answering one
// chat at once, and many chats, keep Telegram's limits together: the Bot
// API stand-in floods no chat, and the messages of both never exceed the
// bot's rate in any second. Each replica pacing alone would send twice as
// fast.
func TestReplicasShareSendLimits(t *testing.T) {
	t.Parallel()
	const chatEvery, perSecond = 100 * time.Millisecond, 10
	api, hooks := pacedReplicas(t, 2, chatEvery, perSecond)
	const chats, perChat = 3, 4
	var wg sync.WaitGroup
	for c := range chats {
		for q := range perChat {
			id := 1 + c*perChat + q
			hook := hooks[q%2] // a chat's questions to both replicas at once
			wg.Go(func() {
				if status := api.Deliver(hook.URL, hookSecret, id, int64(2000+c), "行政复议收到多少件申请?"); status != http.StatusOK {
					t.Errorf("update %d: webhook answered %d", id, status)
				}
			})
		}
	}
	wg.Wait() // each webhook request is answered once its update is
	sent := api.Sent()
	if len(sent) != chats*perChat {
		t.Fatalf("%d answers to %d questions", len(sent), chats*perChat)
	}
	if n := len(api.Calls("sendMessage")); n != len(sent) {
		t.Errorf("%d sends refused for flooding a chat: the replicas did not share the chat's pace", n-len(sent))
	}
	// No 950 ms hold more than the bot's rate: a second, less the jitter
	// between a send and its arrival.
	for i := range sent {
		n := 0
		for _, m := range sent[i:] {
			if m.At.Sub(sent[i].At) < 950*time.Millisecond {
				n++
			}
		}
		if n > perSecond {
			t.Fatalf("%d messages within a second from %v, over the %d a second the replicas share", n, sent[i].At, perSecond)
		}
	}
}

// TestPollingAfterCrash: a process that died while it answered an update
// left its claim; the poller that follows polls the update again until the
// claim runs out, then answers it once: it never confirms it to Telegram
// unanswered.
func TestPollingAfterCrash(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	if err := rdb.Set(t.Context(), "reportbot:seen:{tg:u700}:tg:1", "a dead process", 1500*time.Millisecond).Err(); err != nil { // the dead process's claim
		t.Fatal(err)
	}
	s := startServe(t, map[string]string{"REDIS_URL": srv.URL()})
	s.api.Push(1, private(11, 700, "行政复议收到多少件申请?"))
	s.api.Push(2, private(12, 701, "行政复议受理了多少件?"))
	sent := s.api.WaitSent(2, 10*time.Second)
	if len(sent) != 2 || sent[0].ReplyTo != 12 || sent[1].ReplyTo != 11 || !strings.Contains(sent[1].Text, "84件") {
		t.Fatalf("sent %+v: want update 2 answered at once, update 1 once its claim ran out", sent)
	}
	if gap := sent[1].At.Sub(sent[0].At); gap < time.Second {
		t.Errorf("update 1 answered %v after update 2, while another process still held it", gap)
	}
	handledCount(t, s, 2)
	s.api.Push(3, private(13, 702, "行政复议审结了多少件?")) // later updates: nothing of update 1 answered again
	if got := s.api.WaitSent(3, 10*time.Second); len(got) != 3 || got[2].ReplyTo != 13 {
		t.Errorf("sent %+v", got)
	}
}

// pacedReplicas starts n bots on one Redis, each behind a webhook, sending
// to one Bot API stand-in at most perSecond in all and one a chatEvery to
// a chat, through the shared send limits.
func pacedReplicas(tb testing.TB, n int, chatEvery time.Duration, perSecond float64) (*tgfake.Server, []*httptest.Server) {
	srv := redistest.Start(tb)
	api := tgfake.Start(tb, botToken)
	api.FloodGap = chatEvery / 2 // a margin for arrival jitter
	docs, err := loadReports(nil, "")
	if err != nil {
		tb.Fatal(err)
	}
	ctx := tb.Context()
	var hooks []*httptest.Server
	for range n {
		mem, err := memory.NewRedis(srv.URL(), memory.Options{Prefix: "pace-test"}, slog.New(slog.DiscardHandler))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { mem.Close() })
		ans := &answer.Answerer{Index: knowledge.NewIndex(docs...)} // no cache: every update is answered anew
		b, err := bot.New(ctx, ctx, bot.Config{Token: botToken, Endpoint: api.Endpoint(), Pace: mem, ChatInterval: chatEvery,
			MessagesPerSecond: perSecond}, ans, mem, docs, slog.New(slog.DiscardHandler))
		if err != nil {
			tb.Fatal(err)
		}
		hook := httptest.NewServer(b.Webhook(hookSecret))
		tb.Cleanup(hook.Close)
		hooks = append(hooks, hook)
	}
	return api, hooks
}
