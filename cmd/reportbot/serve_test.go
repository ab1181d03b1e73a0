package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"reportbot/internal/logtest"
	"reportbot/internal/redistest"
	"reportbot/internal/synth"
	"reportbot/internal/tgfake"
	"reportbot/internal/wait"
)

const botToken = "123456:TEST-token-secret"

// served is a running `reportbot serve` against a fake Bot API.
type served struct {
	addr   string // where /healthz, /readyz and the webhook are served
	api    *tgfake.Server
	stop   context.CancelFunc
	done   chan int
	stderr *logtest.Buffer
}

// hookSecret is the webhook secret of the tests run in webhook mode.
const hookSecret = "tests_webhook_secret_0123"

// eachMode runs a test against serve by long polling, then by webhook.
func eachMode(t *testing.T, env map[string]string, f func(t *testing.T, s *served)) {
	for _, mode := range []string{"polling", "webhook"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			e := map[string]string{}
			for k, v := range env {
				e[k] = v
			}
			if mode == "webhook" {
				e["TELEGRAM_WEBHOOK_URL"] = "https://bot.example.org/telegram"
				e["TELEGRAM_WEBHOOK_SECRET"] = hookSecret
			}
			s := startServe(t, e)
			if mode == "webhook" {
				s.api.DeliverTo("http://"+s.addr+"/telegram", hookSecret)
			}
			f(t, s)
		})
	}
}

func startServe(t testing.TB, extraEnv map[string]string) *served {
	t.Helper()
	return startServeWith(t, extraEnv, nil)
}

// startServeWith is startServe with the Bot API stand-in set up by
// configure before serve starts.
func startServeWith(t testing.TB, extraEnv map[string]string, configure func(*tgfake.Server)) *served {
	t.Helper()
	api := tgfake.Start(t, botToken)
	if configure != nil {
		configure(api)
	}
	api.FloodGap = sendLimits.chat / 2 // the stand-in holds serve to the limits it is given (TestMain)
	env := map[string]string{"TELEGRAM_BOT_TOKEN": botToken, "TELEGRAM_API_ENDPOINT": api.Endpoint(), "LOG_LEVEL": "debug",
		"REPORTBOT_LISTEN": freeAddr(t)}
	for k, v := range extraEnv {
		env[k] = v
	}
	return runServe(t, api, env)
}

// runServe runs serve with env, against api, until the test ends.
func runServe(t testing.TB, api *tgfake.Server, env map[string]string) *served {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	s := &served{addr: env["REPORTBOT_LISTEN"], api: api, stop: stop, done: make(chan int, 1), stderr: &logtest.Buffer{}}
	go func() {
		s.done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, s.stderr)
	}()
	t.Cleanup(func() {
		stop()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
		if strings.Contains(s.stderr.String(), botToken) || strings.Contains(s.stderr.String(), "TEST-token") {
			t.Errorf("the bot token is in the logs:\n%s", s.stderr.String())
		}
	})
	return s
}

// freeAddr is a local address no one listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	return fmt.Sprintf("127.0.0.1:%d", redistest.FreePort(t))
}

// get waits for the server to listen, then returns a GET's status and body.
func get(t testing.TB, url string) (int, string) {
	t.Helper()
	var resp *http.Response
	wait.Eventually(t, 5*time.Second, func() bool {
		var err error
		resp, err = http.Get(url)
		return err == nil
	}, "%s: not listening", url)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func message(id int, chat int64, chatType string, from int64, text string) map[string]any {
	m := map[string]any{"message_id": id, "date": 1700000000, "text": text,
		"chat": map[string]any{"id": chat, "type": chatType},
		"from": map[string]any{"id": from, "is_bot": false, "first_name": "u"}}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		m["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": len(utf16.Encode([]rune(cmd)))}}
	}
	// Telegram marks each @username, as an entity at its UTF-16 offset.
	if i := strings.Index(text, "@report_bot"); i >= 0 && !strings.HasPrefix(text, "/") {
		m["entities"] = []map[string]any{{"type": "mention", "offset": len(utf16.Encode([]rune(text[:i]))), "length": len("@report_bot")}}
	}
	return map[string]any{"message": m}
}

func private(id int, chat int64, text string) map[string]any {
	return message(id, chat, "private", chat, text)
}

// sentTo returns the texts sent to a chat, in order.
func sentTo(sent []tgfake.Sent, chat int64) []tgfake.Sent {
	var out []tgfake.Sent
	for _, s := range sent {
		if s.ChatID == chat {
			out = append(out, s)
		}
	}
	return out
}

func TestServeAnswers(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	eachMode(t, nil, func(t *testing.T, s *served) {
		s.api.Push(1, private(11, 100, "/start"))
		s.api.Push(2, private(12, 100, "行政复议收到多少件申请?"))
		s.api.Push(3, private(13, 100, "那受理了几件?"))
		sent := sentTo(s.api.WaitSent(3, 10*time.Second), 100)
		if len(sent) != 3 {
			t.Fatalf("%d messages sent, want 3: %+v", len(sent), sent)
		}
		// /start offers first questions drawn from the report's own figures.
		if !strings.Contains(sent[0].Text, "可以这样问:\n· ") || !strings.Contains(sent[0].Text, "上线多少个代办事项?") || sent[0].ReplyTo != 11 {
			t.Errorf("/start reply: %+v", sent[0])
		}
		if !strings.Contains(sent[1].Text, "收到84件行政复议申请") || !strings.Contains(sent[1].Text, "<i>来源:一(六)1 持续深化行政复议改革成果</i>") || sent[1].ReplyTo != 12 {
			t.Errorf("answer: %+v", sent[1])
		}
		if len(sent[1].Keyboard) != 2 || sent[1].Keyboard[0][0].CallbackData != "src:0:一(六)1" {
			t.Errorf("no 查看原文 button: %+v", sent[1].Keyboard)
		}
		if !strings.Contains(sent[2].Text, "受理68件") || sent[2].ReplyTo != 13 {
			t.Errorf("follow-up: %+v", sent[2])
		}
		logs := s.stderr.String()
		if !strings.Contains(logs, "msg=answered") || !strings.Contains(logs, "conv_hash=") || !strings.Contains(logs, "mode=extractive") ||
			!strings.Contains(logs, "sections=[一(六)1]") || strings.Contains(logs, "行政复议收到多少件申请") {
			t.Errorf("answer log lines (with the question's text kept out):\n%s", logs)
		}
		if len(s.api.Calls("setMyCommands")) != 1 || len(s.api.Calls("sendChatAction")) < 2 {
			t.Errorf("setMyCommands %d, typing %d", len(s.api.Calls("setMyCommands")), len(s.api.Calls("sendChatAction")))
		}
	})
}

// TestServeOnce: an update Telegram sends again (not yet confirmed, or
// after a restart) is answered once.
func TestServeOnce(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	eachMode(t, nil, func(t *testing.T, s *served) {
		s.api.Push(1, private(11, 100, "行政复议收到多少件申请?"))
		s.api.WaitSent(1, 10*time.Second)
		s.api.Push(1, private(11, 100, "行政复议收到多少件申请?"))
		s.api.Push(2, private(12, 100, "法律咨询多少人次?"))
		s.api.WaitSent(2, 10*time.Second)
		// Update 2 came after the redelivered 1: once it is handled, the
		// redelivery was taken in, and dropped.
		handledCount(t, s, 2)
		if sent := s.api.Sent(); len(sent) != 2 || !strings.Contains(sent[1].Text, "4727人次") {
			t.Errorf("%d messages for 2 questions: %+v", len(sent), sent)
		}
	})
}

// TestServeOrder: one chat's questions, arriving at once, are answered in
// order while other chats go on in parallel.
func TestServeOrder(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	eachMode(t, nil, func(t *testing.T, s *served) {
		qs := []string{"行政复议收到多少件申请?", "法律咨询多少人次?", "免罚金额是多少?"}
		for i, q := range qs {
			s.api.Push(i+1, private(20+i, 200, q))
			s.api.Push(10+i, private(30+i, 300+int64(i), q))
		}
		sent := s.api.WaitSent(6, 15*time.Second)
		mine := sentTo(sent, 200)
		if len(mine) != 3 {
			t.Fatalf("%d answers in chat 200; sent %+v\n%s", len(mine), sent, s.stderr.String())
		}
		for i, m := range mine {
			if m.ReplyTo != 20+i {
				t.Errorf("answer %d replies to %d, want %d (order lost)", i, m.ReplyTo, 20+i)
			}
		}
	})
}

func TestServeBadInput(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	eachMode(t, nil, func(t *testing.T, s *served) {
		sticker := private(11, 100, "")
		delete(sticker["message"].(map[string]any), "text")
		sticker["message"].(map[string]any)["sticker"] = map[string]any{"file_id": "x", "width": 1, "height": 1}
		s.api.Push(1, sticker)
		s.api.Push(2, private(12, 100, strings.Repeat("长", 600)))
		s.api.Push(3, map[string]any{"edited_message": private(13, 100, "行政复议收到多少件?")["message"]})
		s.api.Push(4, map[string]any{"channel_post": message(14, -1001, "channel", 1, "行政复议收到多少件?")["message"]})
		s.api.Push(5, private(15, 100, "/fly"))
		s.api.Push(6, map[string]any{"callback_query": map[string]any{"id": "cb1", "from": map[string]any{"id": 100, "is_bot": false, "first_name": "u"},
			"message": map[string]any{"message_id": 16, "date": 1, "chat": map[string]any{"id": 100, "type": "private"}}, "data": "src:9:一(九)9"}})
		s.api.Push(7, map[string]any{"callback_query": map[string]any{"id": "cb2", "from": map[string]any{"id": 100, "is_bot": false, "first_name": "u"},
			"message": map[string]any{"message_id": 16, "date": 1, "chat": map[string]any{"id": 100, "type": "private"}}, "data": "src:0:一(六)1"}})
		s.api.WaitSent(4, 15*time.Second)
		handledCount(t, s, 5) // edited messages and channel posts are dropped as they come in
		sent := sentTo(s.api.Sent(), 100)
		want := []string{"请用文字提问", "问题太长", "/sections", "分宜县人民政府行政复议委员会"}
		if len(sent) != len(want) {
			t.Fatalf("%d messages, want %d: %+v", len(sent), len(want), sent)
		}
		for i, w := range want {
			if !strings.Contains(sent[i].Text, w) {
				t.Errorf("message %d = %q, want it to say %q", i, sent[i].Text, w)
			}
		}
		cbs := s.api.Calls("answerCallbackQuery")
		if len(cbs) != 2 || cbs[0].Values["text"] != "这个按钮已失效,请重新提问。" {
			t.Errorf("callback answers: %+v", cbs)
		}
	})
}

func TestServeGroup(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	eachMode(t, nil, func(t *testing.T, s *served) {
		const group = -500
		s.api.Push(1, message(11, group, "supergroup", 1, "行政复议收到多少件申请?"))
		s.api.Push(2, message(12, group, "supergroup", 1, "@report_bot 行政复议收到多少件申请?"))
		s.api.Push(3, message(13, group, "supergroup", 2, "@report_bot 那受理了几件?"))
		s.api.Push(4, message(14, group, "supergroup", 1, "@report_bot 那受理了几件?"))
		s.api.Push(5, message(15, group, "supergroup", 2, "/help@other_bot"))
		s.api.WaitSent(3, 15*time.Second)
		handledCount(t, s, 5)
		sent := sentTo(s.api.Sent(), group)
		if len(sent) != 3 {
			t.Fatalf("%d messages in the group, want 3 (a mention each): %+v", len(sent), sent)
		}
		byReply := map[int]string{}
		for _, m := range sent {
			byReply[m.ReplyTo] = m.Text
		}
		if !strings.Contains(byReply[12], "84件") || !strings.Contains(byReply[14], "68件") || byReply[13] == "" {
			t.Errorf("replies by question: %v", byReply)
		}
	})
}

func TestServeCommands(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	eachMode(t, nil, func(t *testing.T, s *served) {
		for i, c := range []string{"/sections", "/source 一(六)1", "/source 九", "/about", "/reset", "/help"} {
			s.api.Push(i+1, private(10+i, 100, c))
		}
		sent := sentTo(s.api.WaitSent(6, 15*time.Second), 100)
		want := []string{"一(六)5三是 提升普法针对性", "实质性化解率87.3%", "没有找到章节“九”", "2025-06-25 15:27", "已清空", "/source"}
		if len(sent) != len(want) {
			t.Fatalf("%d messages: %+v", len(sent), sent)
		}
		for i, w := range want {
			if !strings.Contains(sent[i].Text, w) {
				t.Errorf("reply %d = %q, want %q", i, sent[i].Text, w)
			}
		}
	})
}

// TestServeFlood: a 429 with retry_after is waited out and the message is
// sent once, nothing dropped.
func TestServeFlood(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	s := startServe(t, nil)
	s.api.Force429(100, 1)
	start := time.Now()
	s.api.Push(1, private(11, 100, "行政复议收到多少件申请?"))
	sent := s.api.WaitSent(1, 10*time.Second)
	if len(sent) != 1 || sent[0].At.Sub(start) < time.Second {
		t.Errorf("sent %d after %v", len(sent), time.Since(start))
	}
}

// TestServeTelegramDown: a 502 from in front of Telegram is retried; the
// answer is sent once it passes.
func TestServeTelegramDown(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	s := startServe(t, nil)
	s.api.Fail(2)
	s.api.Push(1, private(11, 100, "行政复议收到多少件申请?"))
	sent := s.api.WaitSent(1, 10*time.Second)
	if len(sent) != 1 || !strings.Contains(sent[0].Text, "84件") {
		t.Errorf("sent %+v", sent)
	}
}

// TestServeShutdown: stopped while a slow model is still answering, the
// bot finishes every answer and confirms every update to Telegram.
func TestServeShutdown(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	var asked atomic.Int64
	reply := select84(t)
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		select { // a slow model, as long as the stop takes
		case <-time.After(800 * time.Millisecond):
		case <-r.Context().Done():
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, completion(reply))
	}))
	defer model.Close()
	s := startServe(t, map[string]string{"OPENAI_BASE_URL": model.URL + "/v1", "OPENAI_API_KEY": "k"})
	for i := range 4 {
		s.api.Push(i+1, private(10+i, 100+int64(i), "行政复议收到多少件申请?"))
	}
	wait.Eventually(t, 10*time.Second, func() bool { return asked.Load() >= 4 }, "fewer than 4 answers waiting for the model") // every answer is waiting for the model
	if n := len(s.api.Sent()); n != 0 {
		t.Fatalf("%d answers sent before the stop; the test stops nothing in flight", n)
	}
	s.stop()
	select {
	case code := <-s.done:
		s.done <- code
		if code != 0 {
			t.Errorf("exit %d: %s", code, s.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	sent := s.api.Sent()
	if len(sent) != 4 {
		t.Fatalf("%d of 4 answers sent", len(sent))
	}
	for _, m := range sent {
		if !strings.HasPrefix(m.Text, "收到84件行政复议申请。") {
			t.Errorf("answer %q", m.Text)
		}
	}
	if offs := s.api.Offsets(); len(offs) == 0 || offs[len(offs)-1] != 5 {
		t.Errorf("offsets %v, want the last to confirm update 4", offs)
	}
}

func TestServeBadToken(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	api := tgfake.Start(t, botToken)
	api.FloodGap = sendLimits.chat / 2 // the stand-in holds serve to the limits it is given (TestMain)
	env := map[string]string{"TELEGRAM_BOT_TOKEN": "999:wrong", "TELEGRAM_API_ENDPOINT": api.Endpoint()}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if code != 2 || strings.Count(strings.TrimSpace(errOut.String()), "\n") != 0 || !strings.Contains(errOut.String(), "@BotFather") || strings.Contains(errOut.String(), "wrong") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	// Without a token, serve serves the web chat alone; a webhook without a
	// token is a mistake to say.
	code, _, errStr := runCLI(t, "", "serve", "--webhook-url", "https://bot.example.org/telegram")
	if code != 2 || !strings.Contains(errStr, "TELEGRAM_BOT_TOKEN is not") {
		t.Errorf("webhook without a token: exit %d, %q", code, errStr)
	}
}

// TestServeWebhook runs serve in webhook mode: it registers the webhook
// with its secret, rejects requests without it, and answers the rest once.
func TestServeWebhook(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	addr := freeAddr(t)
	const secret = "s3cret_webhook-token-0123"
	s := startServe(t, map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram", "REPORTBOT_LISTEN": addr, "TELEGRAM_WEBHOOK_SECRET": secret})
	post := func(secretHeader string, update map[string]any) int {
		t.Helper()
		body, _ := json.Marshal(update)
		code := 0
		wait.Eventually(t, 5*time.Second, func() bool { // until the server listens
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/telegram", bytes.NewReader(body))
			if secretHeader != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secretHeader)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return false
			}
			resp.Body.Close()
			code = resp.StatusCode
			return true
		}, "webhook server not listening")
		return code
	}
	q := private(11, 100, "行政复议收到多少件申请?")
	q["update_id"] = 1
	if code := post("wrong-secret-000000000", q); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", code)
	}
	if code := post("", q); code != http.StatusUnauthorized {
		t.Errorf("no secret: %d, want 401", code)
	}
	if n := len(s.api.Sent()); n != 0 { // a request is rejected before anything is queued
		t.Fatalf("%d messages sent for rejected requests", n)
	}
	start := time.Now()
	if code := post(secret, q); code != http.StatusOK {
		t.Fatalf("right secret: %d", code)
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("webhook answered after %v; it must answer at once", took)
	}
	if code := post(secret, q); code != http.StatusOK { // Telegram's retry of the same update
		t.Fatalf("redelivery: %d", code)
	}
	s.api.WaitSent(1, 10*time.Second)
	handledCount(t, s, 1) // the redelivery was taken in before the first was handled
	if sent := s.api.Sent(); len(sent) != 1 || !strings.Contains(sent[0].Text, "84件") || sent[0].ReplyTo != 11 {
		t.Errorf("sent %+v, want one answer", sent)
	}
	// The webhook is set as the server starts listening, not before it: the
	// update may be answered first.
	wait.Eventually(t, 5*time.Second, func() bool { return len(s.api.Calls("setWebhook")) > 0 }, "the webhook was never set")
	hooks := s.api.Calls("setWebhook")
	if len(hooks) != 1 || hooks[0].Values["secret_token"] != secret || hooks[0].Values["url"] != "https://bot.example.org/telegram" {
		t.Errorf("setWebhook calls: %+v", hooks)
	}
	if len(s.api.Calls("getUpdates")) != 0 {
		t.Error("webhook mode polled too")
	}
	if strings.Contains(s.stderr.String(), secret) {
		t.Error("the webhook secret is in the logs")
	}
}

func TestServeHealth(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	srv := redistest.Start(t)
	// With Redis down, a question whose claim cannot be made waits until
	// Redis has been down for REPORTBOT_REDIS_DOWN_AFTER (longer than a
	// failover), then is answered without memory.
	s := startServe(t, map[string]string{"REDIS_URL": srv.URL(), "REPORTBOT_CLAIM_TTL": "1s", "REPORTBOT_REDIS_DOWN_AFTER": "1s"})
	if code, body := get(t, "http://"+s.addr+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, "http://"+s.addr+"/readyz"); code != 200 || body != "ready\n" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	srv.Kill()
	if code, body := get(t, "http://"+s.addr+"/readyz"); code != 503 || !strings.Contains(body, "redis") {
		t.Errorf("/readyz with Redis down: %d %q", code, body)
	}
	if code, _ := get(t, "http://"+s.addr+"/healthz"); code != 200 {
		t.Errorf("/healthz with Redis down: %d; the process is alive", code)
	}
	s.api.Push(1, private(11, 100, "行政复议收到多少件申请?"))
	s.api.WaitSent(1, 10*time.Second)
	code, metricsText := get(t, "http://"+s.addr+"/metrics")
	for _, want := range []string{`reportbot_updates_total{kind="message"} 1`, `reportbot_answers_total{channel="telegram",found="true",mode="extractive"} 1`,
		"reportbot_redis_errors_total", "reportbot_retrieval_seconds_count 1", `reportbot_selections_refused_total{reason="another_figure"} 0`,
		"reportbot_cache_hits_total 0", `reportbot_rate_limited_total{channel="telegram"} 0`, "reportbot_llm_request_seconds_count 0", "go_goroutines"} {
		if code != 200 || !strings.Contains(metricsText, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// The container's health check.
	code, out, errOut := runCLI(t, "", "health", "http://"+s.addr+"/healthz")
	if code != 0 || out != "ok\n" {
		t.Errorf("health: exit %d, %q %q", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "", "health", "http://"+freeAddr(t)+"/healthz"); code != 1 {
		t.Errorf("health of nothing: exit %d, want 1", code)
	}
}

// TestServeReload: SIGHUP swaps in a good report file without a restart,
// and keeps the reports in use when the new file does not parse.
func TestServeReload(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	dir, sample := sampleDir(t)
	file := filepath.Join(dir, "a.md")
	s := startServe(t, map[string]string{"REPORTBOT_REPORTS": file})
	ask := func(n int, chat int64) string {
		t.Helper()
		s.api.Push(n, private(n*10, chat, "行政复议收到申请多少件?"))
		sent := sentTo(s.api.WaitSent(n, 10*time.Second), chat)
		if len(sent) == 0 {
			t.Fatalf("no answer to question %d", n)
		}
		return sent[len(sent)-1].Text
	}
	if got := ask(1, 501); !strings.Contains(got, "120件") {
		t.Fatalf("before reload: %q", got)
	}
	reloads := func() int {
		return strings.Count(s.stderr.String(), "reports reloaded") + strings.Count(s.stderr.String(), "reports not reloaded")
	}
	hup := func() { // and wait until the reload, good or bad, is logged
		t.Helper()
		n := reloads()
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		wait.Eventually(t, 10*time.Second, func() bool { return reloads() > n }, "no reload logged:\n%s", s.stderr)
	}
	os.WriteFile(file, []byte(strings.ReplaceAll(string(sample), "120件", "150件")), 0o600)
	hup()
	if got := ask(2, 502); !strings.Contains(got, "150件") {
		t.Errorf("after a good reload: %q", got)
	}
	os.WriteFile(file, []byte("新报告\n\n二、顺序错了\n"), 0o600)
	hup()
	if got := ask(3, 503); !strings.Contains(got, "150件") {
		t.Errorf("after a bad reload: %q; the old reports must stay", got)
	}
	logs := s.stderr.String()
	if !strings.Contains(logs, "reports reloaded") || !strings.Contains(logs, "reports not reloaded") || !strings.Contains(logs, file+":3") {
		t.Errorf("reload logs:\n%s", logs)
	}
}

// TestServeFeedback: 👍/👎 under an answer are stored with its question
// and counted; /stats shows them to an admin and politely refuses others.
func TestServeFeedback(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	eachMode(t, map[string]string{"REPORTBOT_ADMINS": "100"}, func(t *testing.T, s *served) {
		s.api.Push(1, private(11, 100, "行政复议收到多少件申请?"))
		sent := s.api.WaitSent(1, 10*time.Second)
		if len(sent) != 1 || len(sent[0].Keyboard) != 2 || len(sent[0].Keyboard[1]) != 2 {
			t.Fatalf("no 👍/👎 under the answer: %+v", sent)
		}
		up := sent[0].Keyboard[1][0]
		if up.Text != "👍" || !strings.HasPrefix(up.CallbackData, "fb:+:") {
			t.Fatalf("👍 button %+v", up)
		}
		cb := func(n int, id, data string, from int64) map[string]any {
			return map[string]any{"callback_query": map[string]any{"id": id, "from": map[string]any{"id": from, "is_bot": false, "first_name": "u"},
				"message": map[string]any{"message_id": sent[0].MessageID, "date": 1, "chat": map[string]any{"id": 100, "type": "private"}}, "data": data}}
		}
		s.api.Push(2, cb(2, "v1", up.CallbackData, 100))
		s.api.Push(3, cb(3, "v2", "fb:+:0123456789abcdef", 100))
		s.api.Push(4, private(14, 100, "/stats"))
		s.api.Push(5, private(15, 200, "/stats"))
		got := s.api.WaitSent(3, 15*time.Second)
		if len(got) != 3 {
			t.Fatalf("%d messages: %+v", len(got), got)
		}
		stats, refusal := sentTo(got, 100)[1].Text, sentTo(got, 200)[0].Text
		if !strings.Contains(stats, "回答 1 次") || !strings.Contains(stats, "👍 1,👎 0") || !strings.Contains(stats, "行政复议收到多少件申请?(1 次)") {
			t.Errorf("/stats for the admin: %q", stats)
		}
		if !strings.Contains(refusal, "只对管理员开放") {
			t.Errorf("/stats for another user: %q", refusal)
		}
		cbs := s.api.Calls("answerCallbackQuery")
		if len(cbs) != 2 || cbs[0].Values["text"] != "谢谢你的反馈!" || cbs[1].Values["text"] != "这个按钮已失效,请重新提问。" {
			t.Errorf("callback answers: %+v", cbs)
		}
		if _, m := get(t, "http://"+s.addr+"/metrics"); !strings.Contains(m, `reportbot_feedback_total{channel="telegram",vote="up"} 1`) {
			t.Error("the vote is not counted in /metrics")
		}
	})
}

// TestServeReloadFolder: with a folder of reports, a file added to it is
// served after SIGHUP, answered for its own place.
func TestServeReloadFolder(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	dir, sample := sampleDir(t)
	s := startServe(t, map[string]string{"REPORTBOT_REPORTS_DIR": dir})
	get(t, "http://"+s.addr+"/healthz") // serve is up, listening for SIGHUP too
	addOtherAndReload(t, s, dir, sample)
	s.api.Push(1, private(10, 601, "样例县行政复议收到申请多少件?"))
	sent := sentTo(s.api.WaitSent(1, 10*time.Second), 601)
	if len(sent) == 0 || !strings.Contains(sent[0].Text, "77件") || strings.Contains(sent[0].Text, "120件") {
		t.Errorf("the added report's place: %+v", sent)
	}
}

// TestServePlaceChoice: with more places loaded than are answered side by
// side, a question naming none is asked back with a button for each place;
// pressing one answers the question for that place, and the asker's
// follow-ups keep to it. In a group another member may press it: the
// answer is still the asker's, and a member's 👍 on it counts.
func TestServePlaceChoice(t *testing.T) {
	t.Parallel() // each serve has its own Bot API stand-in and port
	dir := t.TempDir()
	seed, err := os.ReadFile("../../knowledge/reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		r := synth.Report(string(seed), synth.Place(i), 2023, 1+float64(i)/2)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("r%d.txt", i)), []byte(r), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		kind                 string
		chat, asker, presser int64
		ask, followUp        string
	}{
		{"private", 700, 700, 700, "行政复议收到多少件申请?", "那受理了几件?"},
		{"supergroup", -700, 701, 702, "@report_bot 行政复议收到多少件申请?", "@report_bot 那受理了几件?"},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			s := startServe(t, map[string]string{"REPORTBOT_REPORTS_DIR": dir})
			asker := tt.asker
			s.api.Push(1, message(11, tt.chat, tt.kind, asker, tt.ask))
			sent := s.api.WaitSent(1, 10*time.Second)
			if len(sent) != 1 || !strings.Contains(sent[0].Text, "请问您问的是哪个地方") || len(sent[0].Keyboard) != 2 {
				t.Fatalf("not asked back with places: %+v", sent)
			}
			choice := sent[0].Keyboard[0][1] // the second county
			if choice.Text != synth.Place(1) || choice.CallbackData != "pl:"+synth.Place(1) {
				t.Fatalf("place button %+v", choice)
			}
			question := message(11, tt.chat, tt.kind, asker, tt.ask)["message"]
			press := func(n int, data string, on tgfake.Sent) {
				s.api.Push(n, map[string]any{"callback_query": map[string]any{"id": fmt.Sprint("c", n), "data": data,
					"from": map[string]any{"id": tt.presser, "is_bot": false, "first_name": "u"},
					"message": map[string]any{"message_id": on.MessageID, "date": 1, "chat": map[string]any{"id": tt.chat, "type": tt.kind},
						"reply_to_message": question}}})
			}
			press(2, choice.CallbackData, sent[0])
			s.api.WaitSent(2, 10*time.Second) // the asker reads it, then asks on
			s.api.Push(3, message(13, tt.chat, tt.kind, asker, tt.followUp))
			got := sentTo(s.api.WaitSent(3, 10*time.Second), tt.chat)
			if len(got) != 3 || !strings.HasPrefix(got[1].Text, "【"+synth.Place(1)+"2023年】收到126件") || got[1].ReplyTo != 11 {
				t.Fatalf("the chosen place's answer: %+v", got)
			}
			if !strings.HasPrefix(got[2].Text, "【"+synth.Place(1)+"2023年】受理102件") {
				t.Errorf("the follow-up left the place chosen: %q", got[2].Text)
			}
			press(4, got[1].Keyboard[len(got[1].Keyboard)-1][0].CallbackData, got[1]) // 👍 on the place's answer
			handledCount(t, s, 4)
			if cbs := s.api.Calls("answerCallbackQuery"); len(cbs) != 2 || cbs[1].Values["text"] != "谢谢你的反馈!" {
				t.Errorf("the vote on the place's answer: %+v", cbs)
			}
		})
	}
}

// TestMain runs the wiring's tests with fast sending: the pacing of what
// the bot sends is the bot package's to test.
func TestMain(m *testing.M) {
	// Started by a test as the program itself (TestMCPStdio): a real
	// process at the other end of the pipes, as an assistant starts it.
	if os.Getenv(asMainEnv) == "1" {
		main()
	}
	// Fast pacing; the Bot API stand-in floods at half the interval, a
	// margin for the jitter between a send and its arrival, which would
	// otherwise cost a whole second of retry_after now and then.
	sendLimits.chat, sendLimits.group, sendLimits.overall = 4*time.Millisecond, 4*time.Millisecond, 1000
	os.Exit(m.Run())
}

// TestServeNearby: a question the report does not answer is offered the
// nearby questions it does, as buttons; pressing one asks it, as its
// presser's, in reply to the offer, and it is answered with its figure.
func TestServeNearby(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	s.api.Push(1, message(11, 800, "private", 800, "复议的案子多不多"))
	sent := s.api.WaitSent(1, 10*time.Second)
	if len(sent) != 1 || !strings.Contains(sent[0].Text, "相近的问题") {
		t.Fatalf("no nearby questions offered: %+v", sent)
	}
	var offer tgfake.Button
	for _, row := range sent[0].Keyboard {
		if strings.HasPrefix(row[0].CallbackData, "ask:") && strings.Contains(row[0].Text, "行政复议申请") {
			offer = row[0]
		}
	}
	if offer.CallbackData != "ask:"+offer.Text || !strings.Contains(sent[0].Text, offer.Text) {
		t.Fatalf("no button asks a nearby question on 行政复议申请: %+v", sent[0].Keyboard)
	}
	s.api.Push(2, map[string]any{"callback_query": map[string]any{"id": "c2", "data": offer.CallbackData,
		"from":    map[string]any{"id": 800, "is_bot": false, "first_name": "u"},
		"message": map[string]any{"message_id": sent[0].MessageID, "date": 1, "chat": map[string]any{"id": 800, "type": "private"}}}})
	got := s.api.WaitSent(2, 10*time.Second)
	if len(got) != 2 || !strings.HasPrefix(got[1].Text, "收到84件") || got[1].ReplyTo != sent[0].MessageID {
		t.Fatalf("the pressed question's answer: %+v", got)
	}
}

// TestServePlacePages: asked back among more places than a screen of
// buttons holds, the bot shows a page of them and a button to the next;
// turning it edits the buttons in place to the next page and one back, and
// a place pressed there is answered from that place.
func TestServePlacePages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seed, err := os.ReadFile("../../knowledge/reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	for i := range n {
		r := synth.Report(string(seed), synth.Place(i), 2023, 1+float64(i)/2)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("r%d.txt", i)), []byte(r), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := startServe(t, map[string]string{"REPORTBOT_REPORTS_DIR": dir})
	s.api.Push(1, message(11, 900, "private", 900, "行政复议收到多少件申请?"))
	sent := s.api.WaitSent(1, 10*time.Second)
	kb := sent[0].Keyboard
	if len(kb) != 5 || len(kb[4]) != 1 || kb[4][0].CallbackData != "pp:8" || kb[0][0].CallbackData != "pl:"+synth.Place(0) {
		t.Fatalf("first page of places: %+v", kb)
	}
	question := message(11, 900, "private", 900, "行政复议收到多少件申请?")["message"]
	press := func(id int, data string) {
		s.api.Push(id, map[string]any{"callback_query": map[string]any{"id": fmt.Sprint("c", id), "data": data,
			"from":    map[string]any{"id": 900, "is_bot": false, "first_name": "u"},
			"message": map[string]any{"message_id": sent[0].MessageID, "date": 1, "chat": map[string]any{"id": 900, "type": "private"}, "reply_to_message": question}}})
	}
	press(2, "pp:8")
	wait.Eventually(t, 10*time.Second, func() bool { return len(s.api.Calls("editMessageReplyMarkup")) == 1 }, "the page was never turned")
	page := s.api.Sent()[0].Keyboard
	if len(page) != 2 || len(page[0]) != 2 || page[0][0].CallbackData != "pl:"+synth.Place(8) || page[1][0].CallbackData != "pp:0" {
		t.Fatalf("second page of places: %+v", page)
	}
	press(3, page[0][1].CallbackData)
	got := s.api.WaitSent(2, 10*time.Second)
	if !strings.HasPrefix(got[1].Text, "【"+synth.Place(9)+"2023年】") || got[1].ReplyTo != 11 {
		t.Errorf("the place pressed on the second page: %+v", got[1])
	}
	handledCount(t, s, 3)
}

// addOtherAndReload writes into dir a second report, sample's of another
// place (样例县, 77件), sends serve s SIGHUP, and waits for its log to name
// the report reloaded.
func addOtherAndReload(t *testing.T, s *served, dir string, sample []byte) {
	t.Helper()
	other := strings.ReplaceAll(strings.ReplaceAll(string(sample), "示例县", "样例县"), "120件", "77件")
	if err := os.WriteFile(filepath.Join(dir, "b.md"), []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	wait.Eventually(t, 10*time.Second, func() bool {
		return strings.Contains(s.stderr.String(), "样例县2024年法治政府建设年度报告")
	}, "no reload logged:\n%s", s.stderr)
}

// needs fails a test for what it misses under CI, which installs it, and
// skips it elsewhere.
func needs(t *testing.T, test, missing string) {
	t.Helper()
	if missing == "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s needs %s; .ci/run installs it", test, missing)
	}
	t.Skipf("%s needs %s; .ci/run installs it", test, missing)
}

// sampleDir is a folder holding the sample report as a.md, and the report.
func sampleDir(t *testing.T) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	sample, err := os.ReadFile("../../knowledge/testdata/report.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.md"), sample, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, sample
}
