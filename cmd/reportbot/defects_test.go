package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"reportbot/internal/tgfake"
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
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(s.stderr.String(), want) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
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
	time.Sleep(2500 * time.Millisecond) // the polls of this while are what is measured
	if n := len(s.api.Calls("getUpdates")); n < 2 || n > 5 {
		t.Errorf("%d polls in 2.5 s, want about one a second", n)
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
