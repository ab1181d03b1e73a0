package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"reportbot/answer/reply"
	"reportbot/bot"
	"reportbot/internal/logtest"
	"reportbot/internal/testreport"
	"reportbot/internal/tgfake"
	"reportbot/internal/wait"
)

// echo answers "答:" and the question, and panics on "panic". With mem,
// it claims and marks the asking as an answerer's memory does.
type echo struct{ mem *handled }

func (echo) Suggestions(int) []string { return []string{"行政复议收到多少件申请?"} }
func (echo) Places(string) []string   { return nil }

func (e echo) AskFor(ctx context.Context, key reply.Key, q string, deliver func(context.Context, reply.Answer)) (reply.Answer, error) {
	if q == "panic" {
		panic("boom")
	}
	if e.mem != nil {
		if !strings.HasPrefix(key.Asked, "tg:") {
			return reply.Answer{}, fmt.Errorf("question %q asked with no update named: %+v", q, key)
		}
		k := reply.Key{Asked: key.Asked}
		if _, done, _ := e.mem.Claim(ctx, k); done {
			return reply.Answer{}, reply.ErrAnswered
		}
		defer e.mem.MarkHandled(ctx, k)
	}
	a := reply.Answer{Question: q, Text: "答:" + q + "\n来源:一 主要举措和成效", Found: true,
		Lines:     []reply.Line{{Text: "答:" + q}, {Text: "来源:一 主要举措和成效", Source: true}},
		Citations: []reply.Citation{{Section: "一", Heading: "主要举措和成效"}}}
	if deliver != nil {
		deliver(ctx, a)
	}
	return a, nil
}

// handled is an in-test bot.Memory: seen holds true once an asking is
// answered, false while it is claimed.
type handled struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (h *handled) Claim(_ context.Context, k reply.Key) (claimed, done bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.seen[k.Asked]; ok {
		return false, d, nil
	}
	h.seen[k.Asked] = false
	return true, false, nil
}

func (h *handled) Extend(context.Context, reply.Key) error { return nil }

// Handled reports whether the asking was marked answered.
func (h *handled) Handled(_ context.Context, asked string) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen[asked], nil
}

func (h *handled) MarkHandled(_ context.Context, k reply.Key) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen[k.Asked] = true
	return nil
}

func (h *handled) Forget(context.Context, string) error { return nil }

func run(t *testing.T) (*tgfake.Server, *handled, *logtest.Buffer) {
	t.Helper()
	api := tgfake.Start(t, "1:tok")
	docs := testreport.Seed(t)
	mem := &handled{seen: map[string]bool{}}
	var logs logtest.Buffer
	ctx, stop := context.WithCancel(context.Background())
	b, err := bot.New(ctx, context.Background(), bot.Config{Token: "1:tok", Endpoint: api.Endpoint()}, echo{mem}, mem, docs,
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { b.Poll(ctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	return api, mem, &logs
}

func update(id int, kind string, body map[string]any) map[string]any {
	return map[string]any{kind: body}
}

func text(id int, chat int64, s string) map[string]any {
	return map[string]any{"message": map[string]any{"message_id": id, "date": 1, "text": s,
		"chat": map[string]any{"id": chat, "type": "private"}, "from": map[string]any{"id": chat, "is_bot": false, "first_name": "u"}}}
}

// TestPanic: a handler that panics is recovered and logged; the update is
// not handled again and the bot goes on.
func TestPanic(t *testing.T) {
	api, mem, logs := run(t)
	api.Push(1, text(10, 5, "panic"))
	api.Push(2, text(11, 6, "hello"))
	sent := api.WaitSent(1, 5*time.Second)
	if len(sent) != 1 || !strings.Contains(sent[0].Text, "答:hello") {
		t.Fatalf("sent %+v", sent)
	}
	// The panic is logged last, once the update is marked handled.
	wait.Eventually(t, 5*time.Second, func() bool { return strings.Contains(logs.String(), "panicked") }, "the panic is not logged:\n%s", logs)
	if seen, _ := mem.Handled(context.Background(), "tg:1"); !seen {
		t.Error("the update that panicked is not recorded as handled")
	}
}

// TestInline: "@bot 问题" in any chat gets the answer as an inline result.
func TestInline(t *testing.T) {
	api, _, _ := run(t)
	api.Push(1, update(1, "inline_query", map[string]any{"id": "iq1", "query": "行政复议<几件>",
		"from": map[string]any{"id": 9, "is_bot": false, "first_name": "u"}, "offset": ""}))
	wait.Until(5*time.Second, func() bool { return len(api.Calls("answerInlineQuery")) > 0 })
	calls := api.Calls("answerInlineQuery")
	if len(calls) != 1 || calls[0].Values["inline_query_id"] != "iq1" {
		t.Fatalf("answerInlineQuery: %+v", calls)
	}
	var results []struct {
		Type    string `json:"type"`
		Title   string `json:"title"`
		Content struct {
			Text      string `json:"message_text"`
			ParseMode string `json:"parse_mode"`
		} `json:"input_message_content"`
	}
	if err := json.Unmarshal([]byte(calls[0].Values["results"]), &results); err != nil {
		t.Fatal(err)
	}
	want := "答:行政复议&lt;几件&gt;\n<i>来源:一 主要举措和成效</i>"
	if len(results) != 1 || results[0].Type != "article" || results[0].Content.Text != want || results[0].Content.ParseMode != "HTML" {
		t.Errorf("inline results %+v, want the escaped answer %q", results, want)
	}
}

// BenchmarkUpdate measures the bot's own cost of one update, from the
// webhook request to the reply sent (a typing action and the message, over
// loopback HTTP to the stand-in), with an answerer that answers at once.
func BenchmarkUpdate(b *testing.B) {
	api := tgfake.Start(b, "1:tok")
	docs := testreport.Seed(b)
	bt, err := bot.New(context.Background(), context.Background(), bot.Config{Token: "1:tok", Endpoint: api.Endpoint(), MessagesPerSecond: 1e6},
		echo{}, &handled{seen: map[string]bool{}}, docs, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	hook := bt.Webhook("0123456789abcdef")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body, _ := json.Marshal(map[string]any{"update_id": i + 1, "message": text(i+1, int64(i+1), "问题")["message"]})
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "0123456789abcdef")
		hook.ServeHTTP(httptest.NewRecorder(), req)
		api.WaitSent(i+1, 10*time.Second)
	}
}

// TestWebhookOutOfOrder: a webhook may deliver updates in any order (a
// retry of an older one after newer ones): each is answered, once.
func TestWebhookOutOfOrder(t *testing.T) {
	api := tgfake.Start(t, "1:tok")
	docs := testreport.Seed(t)
	mem := &handled{seen: map[string]bool{}}
	b, err := bot.New(context.Background(), context.Background(), bot.Config{Token: "1:tok", Endpoint: api.Endpoint()},
		echo{mem}, mem, docs, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	hook := b.Webhook("0123456789abcdef")
	post := func(id int, chat int64) {
		body, _ := json.Marshal(map[string]any{"update_id": id, "message": text(id, chat, "问题")["message"]})
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "0123456789abcdef")
		hook.ServeHTTP(httptest.NewRecorder(), req)
	}
	// The webhook answers once its update is handled: each post returns
	// with what it sent sent.
	post(10, 1)
	post(2, 2) // older than one already answered
	post(10, 1)
	if sent := api.Sent(); len(sent) != 2 || sent[1].ChatID != 2 {
		t.Errorf("sent %+v, want one answer to each update", sent)
	}
}
