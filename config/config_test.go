package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"reportbot/llm"
	"reportbot/openaiapi"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	c, rest, err := Load("ask", []string{"--json", "--report", "a.txt", "--report", "b.md", "问题", "两个"},
		env(map[string]string{"LOG_LEVEL": "debug", "REPORTBOT_REPORTS": "x.txt"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.JSON || !slices.Equal(c.Reports, []string{"a.txt", "b.md"}) || c.LogLevel != slog.LevelDebug || !slices.Equal(rest, []string{"问题", "两个"}) {
		t.Errorf("config = %+v, rest %q", c, rest)
	}
	c, _, err = Load("sections", nil, env(map[string]string{"REPORTBOT_REPORTS": " x.txt, ,y.txt", "REPORTBOT_MAX_QUESTION": "80"}), io.Discard)
	if err != nil || !slices.Equal(c.Reports, []string{"x.txt", "y.txt"}) || c.MaxQuestionRunes != 80 || c.GoldSet != DefaultGoldSet {
		t.Errorf("from the environment: %+v, %v", c, err)
	}
}

// TestWeb: serve needs no token to serve the web chat; the sites that may
// embed it and the proxies whose addresses are trusted are read as such.
func TestWeb(t *testing.T) {
	c, _, err := Load("serve", nil, env(map[string]string{"REPORTBOT_WEB_ORIGINS": "https://www.fenyi.gov.cn/, http://localhost:3000",
		"REPORTBOT_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1,::1"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
	if !slices.Equal(c.Web.Origins, []string{"https://www.fenyi.gov.cn", "http://localhost:3000"}) || !slices.Equal(c.Web.TrustedProxies, want) ||
		c.Telegram.Token != "" || c.Listen != DefaultListen {
		t.Errorf("web config = %+v, listen %q", c.Web, c.Listen)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		cmd  string
		args []string
		env  map[string]string
		want string
	}{
		{"ask", nil, map[string]string{"LOG_LEVEL": "loud"}, `LOG_LEVEL: "loud" is not a level; expected debug, info, warn or error`},
		{"ask", nil, map[string]string{"REPORTBOT_MAX_QUESTION": "-3"}, `REPORTBOT_MAX_QUESTION: "-3" is not a whole number of 1 or more`},
		{"ask", []string{"--report", " "}, nil, `invalid value " " for flag -report: empty path; expected a report file`},
		{"sections", []string{"--json"}, nil, "flag provided but not defined: -json"},
		{"eval", []string{"--set"}, nil, "flag needs an argument: -set"},
		{"ask", nil, map[string]string{"OPENAI_BASE_URL": "api.deepseek.com/v1"}, `OPENAI_BASE_URL: "api.deepseek.com/v1" is not an http(s) URL; expected e.g. https://api.openai.com/v1`},
		{"ask", nil, map[string]string{"OPENAI_BASE_URL": "http://[::1"}, `OPENAI_BASE_URL: "http://[::1" is not an http(s) URL; expected e.g. https://api.openai.com/v1`},
		{"ask", nil, map[string]string{"REPORTBOT_LLM_TIMEOUT": "soon"}, `REPORTBOT_LLM_TIMEOUT: "soon" is not a duration; expected e.g. 20s or 24h`},
		{"ask", []string{"--llm-timeout", "-1s"}, nil, "--llm-timeout: -1s is not a positive duration"},
		{"ask", nil, map[string]string{"REPORTBOT_RATE_PER_MINUTE": "ten"}, `REPORTBOT_RATE_PER_MINUTE: "ten" is not a whole number of 0 or more`},
		{"ask", nil, map[string]string{"REPORTBOT_MEMORY_TURNS": "-1"}, `REPORTBOT_MEMORY_TURNS: "-1" is not a whole number of 0 or more`},
		{"ask", nil, map[string]string{"REPORTBOT_MEMORY_TTL": "1 day"}, `REPORTBOT_MEMORY_TTL: "1 day" is not a duration; expected e.g. 20s or 24h`},
		{"chat", []string{"--conversation", " "}, nil, "--conversation: empty; expected an ID such as cli or alice"},
		{"serve", []string{"--webhook-url", "https://b.example/h"}, nil, "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is not; set the token from @BotFather, or unset the URL to serve the web chat alone"},
		{"serve", nil, map[string]string{"REPORTBOT_WEB_ORIGINS": "https://a.example, www.fenyi.gov.cn"}, `REPORTBOT_WEB_ORIGINS: "www.fenyi.gov.cn" is not a site's origin; expected e.g. https://www.fenyi.gov.cn`},
		{"serve", nil, map[string]string{"REPORTBOT_WEB_ORIGINS": "https://a.example/chat"}, `REPORTBOT_WEB_ORIGINS: "https://a.example/chat" is not a site's origin; expected e.g. https://www.fenyi.gov.cn`},
		{"serve", nil, map[string]string{"REPORTBOT_TRUSTED_PROXIES": "10.0.0.0/8,proxy"}, `REPORTBOT_TRUSTED_PROXIES: "proxy" is not an address or a network; expected e.g. 10.0.0.0/8 or 127.0.0.1`},
		{"ask", nil, map[string]string{"LOG_FORMAT": "xml"}, `LOG_FORMAT: "xml" is not a format; expected text or json`},
		{"ask", nil, map[string]string{"REPORTBOT_LOG_QUESTIONS": "yes"}, `REPORTBOT_LOG_QUESTIONS: "yes"; expected true or false`},
		{"serve", nil, map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "REPORTBOT_ADMINS": "42,alice"}, `REPORTBOT_ADMINS: "alice" is not a Telegram user ID; expected numbers separated by commas`},
		{"serve", nil, map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_ENDPOINT": "http://localhost:8081"}, `TELEGRAM_API_ENDPOINT: "http://localhost:8081"; expected the Bot API's format, e.g. http://localhost:8081/bot%s/%s`},
		{"serve", nil, map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "bot.example.org/hook"}, `TELEGRAM_WEBHOOK_URL: "bot.example.org/hook"; expected the public https:// URL Telegram posts to`},
		{"serve", nil, map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://b.example/h", "TELEGRAM_WEBHOOK_SECRET": "short"}, "TELEGRAM_WEBHOOK_SECRET: expected 16 to 256 characters of A-Z, a-z, 0-9, _ and -, as Telegram's secret_token takes"},
		{"serve", []string{"--workers", "0"}, map[string]string{"TELEGRAM_BOT_TOKEN": "1:x"}, "--workers: 0; expected 1 or more"},
		{"export conversations", nil, map[string]string{"REPORTBOT_EXPORT_SALT": salt}, "exports of conversations read the log of questions in Redis, and REDIS_URL is not set; set it (or --redis-url) to the Redis the bot keeps its memory in"},
		{"export conversations", []string{"--redis-url", "redis://r:6379"}, nil, "REPORTBOT_EXPORT_SALT is not set: an export names no one, but hashes conversation and user IDs with this secret; " +
			"set it to 16 characters or more (e.g. the output of openssl rand -hex 32), kept secret and kept the same, so that exports can be compared"},
		{"export conversations", nil, map[string]string{"REDIS_URL": "redis://r:6379", "REPORTBOT_EXPORT_SALT": "pepper"}, "REPORTBOT_EXPORT_SALT: 6 characters; expected 16 or more, so that it cannot be found by trying (e.g. openssl rand -hex 32)"},
		{"export conversations", []string{"--format", "json"}, map[string]string{"REDIS_URL": "redis://r:6379", "REPORTBOT_EXPORT_SALT": salt}, `--format: "json"; expected jsonl or csv`},
		{"export conversations", []string{"--since", "last week"}, nil, `invalid value "last week" for flag -since: "last week" is neither a duration nor a date; expected e.g. 24h, 7d, 2024-03-01 or 2024-03-01T08:00:00+08:00`},
		{"export knowledge", []string{"--format", "jsonl"}, nil, `--format: "jsonl"; expected csv or json`},
		{"export knowledge", []string{"--redis-url", "redis://r:6379"}, nil, "flag provided but not defined: -redis-url"},
		// Telegram takes a secret_token of 256 characters at most.
		{"serve", nil, map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://b.example/h", "TELEGRAM_WEBHOOK_SECRET": strings.Repeat("a", 257)}, "TELEGRAM_WEBHOOK_SECRET: expected 16 to 256 characters of A-Z, a-z, 0-9, _ and -, as Telegram's secret_token takes"},
	}
	for _, tt := range tests {
		_, _, err := Load(tt.cmd, tt.args, env(tt.env), io.Discard)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s %v %v: error = %v, want %q", tt.cmd, tt.args, tt.env, err, tt.want)
		}
	}
	var help strings.Builder
	if _, _, err := Load("ask", []string{"-h"}, env(nil), &help); !errors.Is(err, ErrHelp) || !strings.Contains(help.String(), "-report") {
		t.Errorf("-h: %v, %q", err, help.String())
	}
}

// salt is an export salt long enough.
const salt = "0123456789abcdef-salt"

// TestExport: an export's format has its command's default, --since reads
// a duration, days, a date (from its midnight in China) or a moment, and
// the salt is a secret.
func TestExport(t *testing.T) {
	if c, _, err := Load("export knowledge", nil, env(nil), io.Discard); err != nil || c.Export.Format != "csv" {
		t.Errorf("export knowledge: format %q, %v", c.Export.Format, err)
	}
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	for since, want := range map[string]time.Time{
		"":                          {},
		"90m":                       now.Add(-90 * time.Minute),
		"7d":                        now.Add(-7 * 24 * time.Hour),
		"2024-03-01":                time.Date(2024, 2, 29, 16, 0, 0, 0, time.UTC),
		"2024-03-01T08:00:00+08:00": time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
	} {
		args := []string{}
		if since != "" {
			args = []string{"--since", since}
		}
		c, _, err := Load("export conversations", args, env(map[string]string{"REDIS_URL": "redis://r:6379", "REPORTBOT_EXPORT_SALT": salt}), io.Discard)
		if err != nil {
			t.Fatalf("--since %q: %v", since, err)
		}
		if got := c.Export.Since.From(now); !got.Equal(want) || c.Export.Format != "jsonl" {
			t.Errorf("--since %q: from %v, want %v; format %q", since, got, want, c.Export.Format)
		}
		if strings.Contains(fmt.Sprintf("%+v", c), salt) {
			t.Error("the salt is printed with the config")
		}
	}
}

func TestLLM(t *testing.T) {
	c, _, err := Load("ask", []string{"--openai-model", "qwen-plus"}, env(map[string]string{
		"OPENAI_API_KEY": "sk-secret", "OPENAI_BASE_URL": "https://dashscope.aliyuncs.com/compatible-mode/v1", "REPORTBOT_LLM_TIMEOUT": "5s"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.LLM.Enabled() || c.LLM.Model != "qwen-plus" || c.LLM.Timeout != 5*time.Second || c.LLM.APIKey.Reveal() != "sk-secret" {
		t.Errorf("LLM = %+v", c.LLM)
	}
	if c, _, _ := Load("ask", nil, env(nil), io.Discard); c.LLM.Enabled() || c.LLM.Timeout != llm.DefaultTimeout {
		t.Errorf("no LLM configured: %+v", c.LLM)
	}
}

func TestSecret(t *testing.T) {
	s := Secret("sk-secret")
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "key", s, "cfg", LLM{APIKey: s})
	js, err := json.Marshal(struct{ Key Secret }{s})
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{s.String(), fmt.Sprint(s), fmt.Sprintf("%v %s %#v", s, s, s), fmt.Sprintf("%+v", LLM{APIKey: s}), logs.String(), string(js)} {
		if strings.Contains(out, "sk-secret") || !strings.Contains(out, "***") {
			t.Errorf("secret printed: %q", out)
		}
	}
	if Secret("").String() != "" {
		t.Error("an empty secret prints as ***")
	}
}

func TestMemory(t *testing.T) {
	c, _, err := Load("chat", []string{"--conversation", "alice", "--redis-url", "redis://:pw@r:6379/1"}, env(map[string]string{
		"REPORTBOT_RATE_PER_MINUTE": "10", "REPORTBOT_RATE_PER_DAY": "200", "REPORTBOT_LLM_DAILY_BUDGET": "5000",
		"REPORTBOT_MEMORY_TTL": "2h", "REPORTBOT_REDIS_PREFIX": "rb"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m := c.Memory
	if c.Conversation != "alice" || m.RedisURL.Reveal() != "redis://:pw@r:6379/1" || m.PerMinute != 10 || m.PerDay != 200 ||
		m.ModelBudget != 5000 || m.TTL != 2*time.Hour || m.CacheTTL != 24*time.Hour || m.Turns != 10 || m.Prefix != "rb" {
		t.Errorf("memory = %+v", m)
	}
	if strings.Contains(fmt.Sprintf("%+v", c), "pw") {
		t.Error("the Redis password is printed with the config")
	}
}

func TestServeDefaults(t *testing.T) {
	c, _, err := Load("serve", nil, env(map[string]string{"TELEGRAM_BOT_TOKEN": "1:secret"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Memory.PerMinute != 10 || c.Memory.PerDay != 200 || c.Telegram.Workers != 64 || c.Telegram.Token.Reveal() != "1:secret" {
		t.Errorf("serve defaults: %+v %+v", c.Memory, c.Telegram)
	}
	if strings.Contains(fmt.Sprintf("%+v", c), "1:secret") {
		t.Error("the bot token is printed with the config")
	}
	c, _, _ = Load("serve", nil, env(map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "REPORTBOT_RATE_PER_MINUTE": "0"}), io.Discard)
	if c.Memory.PerMinute != 0 {
		t.Error("an explicit 0 does not turn the limit off")
	}
}

func TestSettings(t *testing.T) {
	c, _, err := Load("serve", nil, env(map[string]string{"TELEGRAM_BOT_TOKEN": "123:tok-secret", "OPENAI_API_KEY": "sk-key-secret",
		"REDIS_URL": "redis://:pw-secret@cache:6379/0", "TELEGRAM_WEBHOOK_URL": "https://b.example/h", "TELEGRAM_WEBHOOK_SECRET": "hook-secret-0123456789", "REPORTBOT_EXPORT_SALT": salt}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, s := range c.Settings() {
		fmt.Fprintf(&out, "%s=%s\n", s.Name, s.Value)
	}
	text := out.String()
	for _, secret := range []string{"tok-secret", "sk-key-secret", "pw-secret", "hook-secret", salt} {
		if strings.Contains(text, secret) {
			t.Errorf("%q printed:\n%s", secret, text)
		}
	}
	for _, want := range []string{"TELEGRAM_BOT_TOKEN=***", "OPENAI_API_KEY=***", "REPORTBOT_EXPORT_SALT=***", "REPORTBOT_LOG_ENTRIES=20000", "REDIS_URL=redis://:xxxxx@cache:6379/0", "REPORTBOT_RATE_PER_MINUTE=10", "TELEGRAM_WEBHOOK_URL=https://b.example/h"} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
}

// TestDefault: with nothing set, every setting is its package's default,
// and a 256-character secret is still one Telegram takes.
func TestDefault(t *testing.T) {
	c, _, err := Load("serve", nil, env(map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://b.example/h",
		"TELEGRAM_WEBHOOK_SECRET": strings.Repeat("a", 256)}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Default("serve")
	want.Telegram.Token, want.Telegram.WebhookURL, want.Telegram.WebhookSecret = c.Telegram.Token, c.Telegram.WebhookURL, c.Telegram.WebhookSecret
	if fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("Load = %+v\nwant %+v", c, want)
	}
	if c.LLM.Retries != llm.DefaultRetries || c.LLM.MaxTokens != llm.DefaultMaxTokens || c.LLM.Model != llm.DefaultModel ||
		c.Memory.PerMinute != DefaultServePerMinute || c.LogLevel != slog.LevelInfo {
		t.Errorf("defaults: %+v", c)
	}
}

// TestAPIKeys: the API's keys are name:key pairs, from the environment and
// then a file's lines; each key stays a secret, its name is shown.
func TestAPIKeys(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys.txt")
	os.WriteFile(file, []byte("# the sites\n\nsite-c:sk-from-the-file-0123456789\n  # ministry, from 2025\n site-d : sk-another-file-key-01234 \n"), 0o600)
	c, _, err := Load("serve", nil, env(map[string]string{
		"REPORTBOT_API_KEYS":      "site-a:sk-site-a-secret-0123456789, site-b:sk-site-b:with-colon-0123,",
		"REPORTBOT_API_KEYS_FILE": file, "REPORTBOT_API_RATE": "5"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []APIKey{{"site-a", "sk-site-a-secret-0123456789"}, {"site-b", "sk-site-b:with-colon-0123"},
		{"site-c", "sk-from-the-file-0123456789"}, {"site-d", "sk-another-file-key-01234"}}
	if !slices.Equal(c.API.Keys, want) || c.API.Rate != 5 || c.API.Open {
		t.Errorf("API = %+v", c.API)
	}
	if k := c.API.KeyList(); len(k) != 4 || k[1].Name != "site-b" || k[1].Secret != "sk-site-b:with-colon-0123" {
		t.Errorf("KeyList = %v", k)
	}
	var out strings.Builder
	for _, s := range c.Settings() {
		fmt.Fprintf(&out, "%s=%s\n", s.Name, s.Value)
	}
	text := out.String() + fmt.Sprintf("%+v %v", c, c)
	if strings.Contains(text, "secret-0123") || strings.Contains(text, "file-key") || strings.Contains(text, "with-colon") {
		t.Errorf("a key is printed:\n%s", text)
	}
	for _, w := range []string{"REPORTBOT_API_KEYS=site-a:***,site-b:***,site-c:***,site-d:***", "REPORTBOT_API_RATE=5", "REPORTBOT_API_OPEN=false",
		"REPORTBOT_API_KEYS_FILE=" + file} {
		if !strings.Contains(text, w+"\n") {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
	// No keys: off, unless opened; the default rate.
	c, _, err = Load("config", nil, env(nil), io.Discard)
	if err != nil || len(c.API.Keys) != 0 || c.API.Open || c.API.Rate != openaiapi.DefaultRatePerMinute {
		t.Errorf("no keys: %+v, %v", c.API, err)
	}
	if s := c.Settings(); !slices.Contains(s, Setting{"REPORTBOT_API_KEYS", "(none: the API is off)"}) {
		t.Errorf("settings without keys: %v", s)
	}
	c, _, err = Load("serve", nil, env(map[string]string{"REPORTBOT_API_OPEN": "true"}), io.Discard)
	if err != nil || !c.API.Open || !slices.Contains(c.Settings(), Setting{"REPORTBOT_API_KEYS", "(none: open to all)"}) {
		t.Errorf("opened: %+v, %v", c.API, err)
	}
	// The file is read by serve and config alone: ask does not need it.
	if _, _, err := Load("ask", nil, env(map[string]string{"REPORTBOT_API_KEYS_FILE": "/nonexistent/keys"}), io.Discard); err != nil {
		t.Errorf("ask read the keys file: %v", err)
	}
}

// TestAPIKeysErrors: a malformed key list stops serve with words that name
// where, and the sites, never a key.
func TestAPIKeysErrors(t *testing.T) {
	dir := t.TempDir()
	file := func(text string) string {
		f := filepath.Join(dir, fmt.Sprintf("keys%d.txt", len(text)))
		os.WriteFile(f, []byte(text), 0o600)
		return f
	}
	bad := file("# sites\nsite-a:sk-site-a-secret-0123456789\nsk-a-bare-key-0123456789\n")
	dup := file("site-a:sk-other-secret-0123456789\n")
	same := file("site-z:sk-site-a-secret-0123456789\n")
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"REPORTBOT_API_KEYS": "site-a:sk-site-a-secret-0123456789,sk-bare-secret-0123456789"}, "REPORTBOT_API_KEYS: pair 2 has no colon; expected name:key"},
		{map[string]string{"REPORTBOT_API_KEYS": "site-a:"}, "REPORTBOT_API_KEYS: pair 1: the key of site-a is empty; expected name:key"},
		{map[string]string{"REPORTBOT_API_KEYS": ":sk-site-a-secret-0123456789"}, "REPORTBOT_API_KEYS: pair 1 has no name; expected name:key"},
		{map[string]string{"REPORTBOT_API_KEYS": "site-a:short"}, "REPORTBOT_API_KEYS: key site-a is shorter than 16 characters"},
		{map[string]string{"REPORTBOT_API_KEYS": "site a:sk-site-a-secret-0123456789"}, `REPORTBOT_API_KEYS: key name "site a": expected 1 to 64 letters, digits, _, . and -`},
		{map[string]string{"REPORTBOT_API_KEYS": "site-a:sk-site-a-secret-0123456789,site-a:sk-site-b-secret-0123456789"}, "REPORTBOT_API_KEYS: key name site-a is given twice"},
		{map[string]string{"REPORTBOT_API_KEYS": "site-a:sk-site-a-secret-0123456789,site-b:sk-site-a-secret-0123456789"}, "REPORTBOT_API_KEYS: keys site-a and site-b are the same; give each site its own"},
		{map[string]string{"REPORTBOT_API_KEYS_FILE": bad}, "REPORTBOT_API_KEYS_FILE: " + bad + ":3 has no colon; expected name:key"},
		{map[string]string{"REPORTBOT_API_KEYS": "site-a:sk-site-a-secret-0123456789", "REPORTBOT_API_KEYS_FILE": dup}, "REPORTBOT_API_KEYS, REPORTBOT_API_KEYS_FILE: key name site-a is given twice"},
		{map[string]string{"REPORTBOT_API_KEYS": "site-a:sk-site-a-secret-0123456789", "REPORTBOT_API_KEYS_FILE": same}, "REPORTBOT_API_KEYS, REPORTBOT_API_KEYS_FILE: keys site-a and site-z are the same; give each site its own"},
		{map[string]string{"REPORTBOT_API_KEYS_FILE": filepath.Join(dir, "none.txt")}, "REPORTBOT_API_KEYS_FILE: open " + filepath.Join(dir, "none.txt") + ": no such file or directory"},
		{map[string]string{"REPORTBOT_API_RATE": "0"}, `REPORTBOT_API_RATE: "0" is not a whole number of 1 or more`},
		{map[string]string{"REPORTBOT_API_OPEN": "yes"}, `REPORTBOT_API_OPEN: "yes"; expected true or false`},
	} {
		for _, cmd := range []string{"serve", "config"} {
			_, _, err := Load(cmd, nil, env(tt.env), io.Discard)
			if err == nil || err.Error() != tt.want {
				t.Errorf("%s %v: %v, want %q", cmd, tt.env, err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "bare")) {
				t.Errorf("the error holds a key: %v", err)
			}
		}
	}
}
