package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"reportbot/internal/tgfake"
	"reportbot/internal/wait"
)

// TestServeCommandsRefused: a refused setMyCommands is logged with what
// Telegram said, or that it said nothing.
func TestServeCommandsRefused(t *testing.T) {
	t.Parallel()
	for _, desc := range []string{"Bad Request: BOT_COMMAND_INVALID", ""} {
		s := startServeWith(t, nil, func(api *tgfake.Server) { api.Refuse("setMyCommands", 400, desc) })
		get(t, "http://"+s.addr+"/healthz")
		want := "telegram answered 400: " + desc
		if desc == "" {
			want = "telegram answered 400: no description"
		}
		wait.Until(5*time.Second, func() bool { return strings.Contains(s.stderr.String(), want) })
		if logs := s.stderr.String(); !strings.Contains(logs, "bot commands not registered") || !strings.Contains(logs, want) {
			t.Errorf("want %q in the log:\n%s", want, logs)
		}
	}
}

// TestServeEmptyPolls: a Bot API server that answers each poll at once
// with nothing is asked about once a second, not thousands of times.
func TestServeEmptyPolls(t *testing.T) {
	t.Parallel()
	s := startServeWith(t, nil, func(api *tgfake.Server) { api.AnswerPollsEmpty() })
	get(t, "http://"+s.addr+"/healthz")
	before, start := len(s.api.Calls("getUpdates")), time.Now()
	wait.Eventually(t, 10*time.Second, func() bool { return len(s.api.Calls("getUpdates")) >= before+2 }, "fewer than 2 more polls")
	// Two more polls, each answered at once with nothing: over a second
	// apart, not the milliseconds of a busy loop.
	if took := time.Since(start); took < time.Second {
		t.Errorf("2 polls in %v, want about one a second", took)
	}
}

// TestServeUnauthorizedWebhook: requests without the secret are refused,
// each counted in /metrics, and logged once rather than once each.
func TestServeUnauthorizedWebhook(t *testing.T) {
	t.Parallel()
	s := startServe(t, map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram", "TELEGRAM_WEBHOOK_SECRET": hookSecret})
	get(t, "http://"+s.addr+"/healthz")
	for range 20 {
		resp, err := http.Post("http://"+s.addr+"/telegram", "application/json", strings.NewReader(`{"update_id":1}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	}
	if n := strings.Count(s.stderr.String(), "wrong secret token"); n != 1 {
		t.Errorf("%d log lines for 20 rejected requests, want 1", n)
	}
	if _, m := get(t, "http://"+s.addr+"/metrics"); !strings.Contains(m, `reportbot_updates_total{kind="unauthorized"} 20`) {
		t.Errorf("rejected requests not counted:\n%s", m)
	}
}

// handledCount waits until serve logged n updates handled, and says how
// many it did: absence is proved by the updates being handled, not by
// time passing.
func handledCount(t *testing.T, s *served, n int) int {
	t.Helper()
	wait.Until(10*time.Second, func() bool { return strings.Count(s.stderr.String(), "update handled") >= n })
	return strings.Count(s.stderr.String(), "update handled")
}

func mention(_, entity string, offsetUnits int) map[string]any {
	return map[string]any{"type": "mention", "offset": offsetUnits, "length": len(utf16.Encode([]rune(entity)))}
}

func groupMessage(id int, from map[string]any, text string, entities ...map[string]any) map[string]any {
	m := map[string]any{"message_id": id, "date": 1, "text": text, "chat": map[string]any{"id": int64(-900), "type": "supergroup"}, "from": from}
	if len(entities) > 0 {
		m["entities"] = entities
	}
	return map[string]any{"message": m}
}

// TestServeMentions: in a group the bot answers a mention of its whole
// username, found by the message's entities at their UTF-16 offsets, and
// no one else's; letters that change length when lowercased (Ⱥ, İ, K) do
// not move it.
func TestServeMentions(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	user := map[string]any{"id": 5, "is_bot": false, "first_name": "u"}
	q := " 行政复议收到多少件申请?"
	s.api.Push(1, groupMessage(11, user, "@report_botfan"+q, mention("", "@report_botfan", 0)))
	for i, prefix := range []string{strings.Repeat("Ⱥ", 60), "İİİ ", "KKK "} {
		s.api.Push(2+i, groupMessage(12+i, user, prefix+"@report_bot"+q, mention("", "@report_bot", len(utf16.Encode([]rune(prefix))))))
	}
	if n := handledCount(t, s, 4); n != 4 {
		t.Fatalf("%d updates handled, want 4", n)
	}
	sent := sentTo(s.api.Sent(), -900)
	if len(sent) != 3 {
		t.Fatalf("%d replies, want one to each mention of the bot and none to @report_botfan: %+v", len(sent), sent)
	}
	for _, m := range sent {
		if m.ReplyTo == 11 || !strings.Contains(m.Text, "84件") {
			t.Errorf("reply %+v", m)
		}
	}
}

// TestServeCaptionsAndAnonymousAdmins: a photo's caption is the question;
// a group's anonymous admin, who posts as the group, is answered.
func TestServeCaptionsAndAnonymousAdmins(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	s.api.Push(1, map[string]any{"message": map[string]any{"message_id": 11, "date": 1, "chat": map[string]any{"id": int64(901), "type": "private"},
		"from": map[string]any{"id": 901, "is_bot": false, "first_name": "u"}, "caption": "行政复议收到多少件申请?",
		"photo": []map[string]any{{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}}}})
	anon := map[string]any{"id": 1087968824, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"}
	msg := groupMessage(12, anon, "@report_bot 行政复议收到多少件申请?", mention("", "@report_bot", 0))
	msg["message"].(map[string]any)["sender_chat"] = map[string]any{"id": -900, "type": "supergroup", "title": "县群"}
	s.api.Push(2, msg)
	sent := s.api.WaitSent(2, 10*time.Second)
	if len(sentTo(sent, 901)) != 1 || !strings.Contains(sentTo(sent, 901)[0].Text, "84件") {
		t.Errorf("the caption is not answered: %+v", sent)
	}
	if len(sentTo(sent, -900)) != 1 || !strings.Contains(sentTo(sent, -900)[0].Text, "84件") {
		t.Errorf("the anonymous admin is not answered: %+v", sent)
	}
}

// TestServeCommandLimits: commands are limited like questions, and a bad
// argument is quoted short.
func TestServeCommandLimits(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	s.api.Push(1, private(10, 902, "/source "+strings.Repeat("九", 4000)))
	first := s.api.WaitSent(1, 10*time.Second)
	if len(first) != 1 || len([]rune(first[0].Text)) > 80 || !strings.Contains(first[0].Text, "没有找到章节") {
		t.Fatalf("a long bad argument: %+v", first)
	}
	for i := range 11 {
		s.api.Push(2+i, private(11+i, 902, "/about"))
	}
	sent := sentTo(s.api.WaitSent(12, 10*time.Second), 902)
	limited := 0
	for _, m := range sent {
		if strings.Contains(m.Text, "提问太频繁了") {
			limited++
		}
	}
	if len(sent) != 12 || limited != 2 {
		t.Errorf("%d replies, %d limited; want 10 commands a minute answered, the rest limited", len(sent), limited)
	}
}

// TestServeVotesOnce: one user's 👍 pressed five times counts once: each
// second press withdraws the first.
func TestServeVotesOnce(t *testing.T) {
	t.Parallel()
	s := startServe(t, map[string]string{"REPORTBOT_ADMINS": "903"})
	s.api.Push(1, private(11, 903, "行政复议收到多少件申请?"))
	sent := s.api.WaitSent(1, 10*time.Second)
	up := sent[0].Keyboard[len(sent[0].Keyboard)-1][0]
	for i := range 5 {
		s.api.Push(2+i, map[string]any{"callback_query": map[string]any{"id": fmt.Sprint("v", i), "data": up.CallbackData,
			"from":    map[string]any{"id": 903, "is_bot": false, "first_name": "u"},
			"message": map[string]any{"message_id": sent[0].MessageID, "date": 1, "chat": map[string]any{"id": 903, "type": "private"}}}})
	}
	handledCount(t, s, 6)
	s.api.Push(7, private(17, 903, "/stats"))
	got := s.api.WaitSent(2, 10*time.Second)
	if stats := got[len(got)-1].Text; !strings.Contains(stats, "👍 1,👎 0") {
		t.Errorf("five presses of one user: %q", stats)
	}
	cbs := s.api.Calls("answerCallbackQuery")
	if len(cbs) != 5 || cbs[1].Values["text"] != "已取消你的评价。" {
		t.Errorf("callback answers: %+v", cbs)
	}
}

// TestServeInlineQueries: an inline query a keystroke uses up no question
// limit, and only the latest of a burst is answered.
func TestServeInlineQueries(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	q := []rune("行政复议收到多少件申请?")
	for i := 1; i <= len(q); i++ {
		s.api.Push(i, map[string]any{"inline_query": map[string]any{"id": fmt.Sprint("iq", i), "query": string(q[:i]), "offset": "",
			"from": map[string]any{"id": 904, "is_bot": false, "first_name": "u"}}})
	}
	handledCount(t, s, len(q))
	s.api.Push(100, private(11, 904, "行政复议收到多少件申请?"))
	sent := s.api.WaitSent(1, 10*time.Second)
	if len(sent) != 1 || !strings.Contains(sent[0].Text, "84件") {
		t.Errorf("after %d inline queries, a question: %+v", len(q), sent)
	}
	answered := 0
	for _, c := range s.api.Calls("answerInlineQuery") {
		if c.Values["results"] != "[]" {
			answered++
		}
	}
	if n := len(s.api.Calls("answerInlineQuery")); n != len(q) || answered < 1 || answered > 3 {
		t.Errorf("%d inline answers, %d with a result; want each answered, few with a result", n, answered)
	}
}

// TestServeClaimsAndFormatting: a citizen's wrong figure is corrected, and
// a question pasted with formatting is answered by its words.
func TestServeClaimsAndFormatting(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	s.api.Push(1, private(11, 905, "报告说行政复议收到999件,对吗?"))
	s.api.Push(2, private(12, 905, "[行政复议](http://example.org/a)收到多少件申请?"))
	sent := sentTo(s.api.WaitSent(2, 10*time.Second), 905)
	if len(sent) != 2 || !strings.Contains(sent[0].Text, "不对,报告说的是:收到84件") || strings.Contains(sent[0].Text, "999") ||
		!strings.Contains(sent[1].Text, "收到84件") {
		t.Errorf("replies: %+v", sent)
	}
}

// TestServeLongSecret: serve refuses a webhook secret longer than
// Telegram's 256 characters, before it starts.
func TestServeLongSecret(t *testing.T) {
	t.Parallel()
	env := map[string]string{"TELEGRAM_BOT_TOKEN": botToken, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
		"TELEGRAM_WEBHOOK_SECRET": strings.Repeat("s", 257)}
	var out, errOut strings.Builder
	code := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "TELEGRAM_WEBHOOK_SECRET: expected 16 to 256 characters") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
}
