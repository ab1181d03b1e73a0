// Package config reads reportbot's settings from command-line flags and
// environment variables, in one place, and validates them.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the effective configuration of one run.
type Config struct {
	Reports          []string   // report files to load instead of the embedded report
	ReportsDir       string     // a folder whose report files are loaded too
	JSON             bool       // print answers (or facts) as JSON
	CSV              bool       // print facts as CSV
	GoldSet          string     // question set for eval
	Strict           bool       // eval lists the answers whose figures are only in the quote as failures too
	LogLevel         slog.Level // log level
	LogJSON          bool       // logs as JSON lines instead of text
	LogQuestions     bool       // logs carry the question's text (off: citizens' words stay out of logs)
	MaxQuestionRunes int        // longest question answered
	Conversation     string     // conversation ask and chat continue
	LLM              LLM
	Memory           Memory
	Telegram         Telegram
}

// Telegram configures `serve`.
type Telegram struct {
	Token    Secret
	Endpoint string // the Bot API's URL format, http://host/bot%s/%s
	Workers  int    // updates handled at once
	// ShutdownTimeout bounds how long in-flight answers may take after a
	// signal to stop.
	ShutdownTimeout time.Duration
	// WebhookURL, when set, is the public URL Telegram posts updates to
	// (webhook mode); Listen is the local address that serves it.
	WebhookURL    string
	Listen        string
	WebhookSecret Secret
	Admins        []int64 // Telegram user IDs that may use /stats
}

// Memory configures what is remembered between questions, and where.
type Memory struct {
	RedisURL    Secret // "" keeps memory in this process; the URL may hold a password
	Prefix      string
	Turns       int
	TTL         time.Duration
	CacheTTL    time.Duration
	PerMinute   int // questions a user may ask a minute; 0 for no limit
	PerDay      int
	ModelBudget int // language model calls a day for the whole bot; 0 for no cap
}

// LLM configures the language model; with neither a key nor a base URL
// there is none, and answers are the report's own sentences.
type LLM struct {
	APIKey   Secret
	BaseURL  string
	Model    string
	Timeout  time.Duration
	Parallel int // requests in flight at once
}

// Enabled reports whether a language model is configured.
func (l LLM) Enabled() bool { return l.APIKey != "" || l.BaseURL != "" }

// DefaultLLMTimeout bounds one answer's wait for the model, retries included.
const DefaultLLMTimeout = 20 * time.Second

// DefaultGoldSet is the question set eval scores when none is named.
const DefaultGoldSet = "testdata/gold.jsonl"

// ErrHelp is returned when the user asked for the flags' help text.
var ErrHelp = flag.ErrHelp

// reportList is the repeatable --report flag.
type reportList []string

func (r *reportList) String() string { return strings.Join(*r, ",") }

func (r *reportList) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty path; expected a report file")
	}
	*r = append(*r, v)
	return nil
}

// Load parses the flags of command cmd from args, with defaults from
// getenv, and returns the configuration and the arguments left after the
// flags. Flag errors and the help text go to output.
//
// Environment: REPORTBOT_REPORTS (report files, comma-separated),
// REPORTBOT_REPORTS_DIR (a folder of report files),
// LOG_LEVEL (debug, info, warn, error), REPORTBOT_MAX_QUESTION (runes),
// OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, REPORTBOT_LLM_TIMEOUT,
// REDIS_URL, REPORTBOT_REDIS_PREFIX, REPORTBOT_MEMORY_TURNS,
// REPORTBOT_MEMORY_TTL, REPORTBOT_CACHE_TTL, REPORTBOT_RATE_PER_MINUTE,
// REPORTBOT_RATE_PER_DAY, REPORTBOT_LLM_DAILY_BUDGET.
func Load(cmd string, args []string, getenv func(string) string, output io.Writer) (Config, []string, error) {
	c := Config{GoldSet: DefaultGoldSet, MaxQuestionRunes: 500, LogLevel: slog.LevelWarn, Conversation: "cli"}
	c.Memory = Memory{RedisURL: Secret(getenv("REDIS_URL")), Prefix: "reportbot", Turns: 10, TTL: 24 * time.Hour, CacheTTL: 24 * time.Hour}
	for _, v := range []struct {
		name string
		dst  *int
	}{
		{"REPORTBOT_MEMORY_TURNS", &c.Memory.Turns},
		{"REPORTBOT_RATE_PER_MINUTE", &c.Memory.PerMinute},
		{"REPORTBOT_RATE_PER_DAY", &c.Memory.PerDay},
		{"REPORTBOT_LLM_DAILY_BUDGET", &c.Memory.ModelBudget},
		{"REPORTBOT_LLM_PARALLEL", &c.LLM.Parallel},
	} {
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return c, nil, fmt.Errorf("%s: %q is not a whole number of zero or more", v.name, s)
			}
			*v.dst = n
		}
	}
	for _, v := range []struct {
		name string
		dst  *time.Duration
	}{
		{"REPORTBOT_MEMORY_TTL", &c.Memory.TTL},
		{"REPORTBOT_CACHE_TTL", &c.Memory.CacheTTL},
	} {
		if s := getenv(v.name); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return c, nil, fmt.Errorf("%s: %q is not a duration; expected e.g. 24h", v.name, s)
			}
			*v.dst = d
		}
	}
	if v := getenv("REPORTBOT_REDIS_PREFIX"); v != "" {
		c.Memory.Prefix = v
	}
	c.Telegram = Telegram{Token: Secret(getenv("TELEGRAM_BOT_TOKEN")), Endpoint: getenv("TELEGRAM_API_ENDPOINT"), Workers: 64, ShutdownTimeout: 20 * time.Second,
		WebhookURL: getenv("TELEGRAM_WEBHOOK_URL"), Listen: ":8080", WebhookSecret: Secret(getenv("TELEGRAM_WEBHOOK_SECRET"))}
	if v := getenv("REPORTBOT_LISTEN"); v != "" {
		c.Telegram.Listen = v
	}
	for _, id := range strings.FieldsFunc(getenv("REPORTBOT_ADMINS"), func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return c, nil, fmt.Errorf("REPORTBOT_ADMINS: %q is not a Telegram user ID; expected numbers separated by commas", id)
		}
		c.Telegram.Admins = append(c.Telegram.Admins, n)
	}
	if cmd == "serve" || cmd == "config" {
		// A bot's users are limited unless the operator says otherwise.
		if getenv("REPORTBOT_RATE_PER_MINUTE") == "" {
			c.Memory.PerMinute = 10
		}
		if getenv("REPORTBOT_RATE_PER_DAY") == "" {
			c.Memory.PerDay = 200
		}
	}
	c.LLM = LLM{APIKey: Secret(getenv("OPENAI_API_KEY")), BaseURL: getenv("OPENAI_BASE_URL"), Model: getenv("OPENAI_MODEL"), Timeout: DefaultLLMTimeout, Parallel: 16}
	if v := getenv("REPORTBOT_LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, nil, fmt.Errorf("REPORTBOT_LLM_TIMEOUT: %q is not a duration; expected e.g. 20s", v)
		}
		c.LLM.Timeout = d
	}
	c.ReportsDir = strings.TrimSpace(getenv("REPORTBOT_REPORTS_DIR"))
	var reports reportList
	if v := getenv("REPORTBOT_REPORTS"); v != "" {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				reports = append(reports, p)
			}
		}
	}
	if cmd == "serve" {
		c.LogLevel = slog.LevelInfo // a server says what it does
	}
	switch v := getenv("REPORTBOT_LOG_QUESTIONS"); v {
	case "", "false", "0":
	case "true", "1":
		c.LogQuestions = true
	default:
		return c, nil, fmt.Errorf("REPORTBOT_LOG_QUESTIONS: %q; expected true or false", v)
	}
	switch v := getenv("LOG_FORMAT"); v {
	case "", "text":
	case "json":
		c.LogJSON = true
	default:
		return c, nil, fmt.Errorf("LOG_FORMAT: %q is not a format; expected text or json", v)
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, nil, fmt.Errorf("LOG_LEVEL: %q is not a level; expected debug, info, warn or error", v)
		}
	}
	if v := getenv("REPORTBOT_MAX_QUESTION"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, nil, fmt.Errorf("REPORTBOT_MAX_QUESTION: %q is not a positive number of characters", v)
		}
		c.MaxQuestionRunes = n
	}
	fs := flag.NewFlagSet("reportbot "+cmd, flag.ContinueOnError)
	fs.SetOutput(output)
	var flagReports reportList
	fs.Var(&flagReports, "report", "report `file` to load (.txt, .md or .html; repeatable); replaces the embedded report")
	fs.StringVar(&c.ReportsDir, "reports", c.ReportsDir, "`folder` of report files to load, every .txt, .md and .html in it (REPORTBOT_REPORTS_DIR)")
	switch cmd {
	case "ask", "chat":
		fs.BoolVar(&c.JSON, "json", false, "print each answer as one JSON object")
		fs.StringVar(&c.Conversation, "conversation", c.Conversation, "conversation `ID` to continue (kept across runs with REDIS_URL)")
	case "eval":
		fs.StringVar(&c.GoldSet, "set", c.GoldSet, "question set `file` (JSON lines)")
		fs.BoolVar(&c.Strict, "strict", false, "list as failures the answers whose expected figures are not in their first line")
	case "facts":
		fs.BoolVar(&c.JSON, "json", false, "print each fact as one JSON object")
		fs.BoolVar(&c.CSV, "csv", false, "print the facts as CSV, for a spreadsheet")
	}
	if cmd == "serve" || cmd == "config" {
		fs.IntVar(&c.Telegram.Workers, "workers", c.Telegram.Workers, "updates handled at once")
		fs.DurationVar(&c.Telegram.ShutdownTimeout, "shutdown-timeout", c.Telegram.ShutdownTimeout, "longest wait for in-flight answers when stopping")
		fs.StringVar(&c.Telegram.WebhookURL, "webhook-url", c.Telegram.WebhookURL, "public `URL` for Telegram's webhook (TELEGRAM_WEBHOOK_URL); none polls")
		fs.StringVar(&c.Telegram.Listen, "listen", c.Telegram.Listen, "local `address` the webhook is served on (REPORTBOT_LISTEN)")
	}
	if cmd != "sections" && cmd != "facts" && cmd != "reports" {
		fs.Func("openai-api-key", "API `key` of the language model (prefer OPENAI_API_KEY: flags show in process lists)", func(v string) error {
			c.LLM.APIKey = Secret(v)
			return nil
		})
		fs.StringVar(&c.LLM.BaseURL, "openai-base-url", c.LLM.BaseURL, "base `URL` of an OpenAI-compatible API (OPENAI_BASE_URL)")
		fs.StringVar(&c.LLM.Model, "openai-model", c.LLM.Model, "model `name` (OPENAI_MODEL)")
		fs.DurationVar(&c.LLM.Timeout, "llm-timeout", c.LLM.Timeout, "longest wait for the model per answer (REPORTBOT_LLM_TIMEOUT)")
		fs.Func("redis-url", "Redis `URL` for memory, cache and limits (REDIS_URL); none keeps them in this process", func(v string) error {
			c.Memory.RedisURL = Secret(v)
			return nil
		})
	}
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	if c.LLM.BaseURL != "" {
		u, err := url.Parse(c.LLM.BaseURL)
		if err != nil {
			return c, nil, fmt.Errorf("OPENAI_BASE_URL: %w; expected e.g. https://api.openai.com/v1", err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, nil, fmt.Errorf("OPENAI_BASE_URL: %q is not an http(s) URL; expected e.g. https://api.openai.com/v1", c.LLM.BaseURL)
		}
	}
	if c.JSON && c.CSV {
		return c, nil, errors.New("--json and --csv: choose one")
	}
	if strings.TrimSpace(c.Conversation) == "" {
		return c, nil, errors.New("--conversation: empty; expected an ID such as cli or alice")
	}
	if cmd == "serve" {
		if c.Telegram.Token == "" {
			return c, nil, errors.New("TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather and set it")
		}
		if e := c.Telegram.Endpoint; e != "" && (strings.Count(e, "%s") != 2 || !strings.HasPrefix(e, "http")) {
			return c, nil, fmt.Errorf("TELEGRAM_API_ENDPOINT: %q; expected the Bot API's format, e.g. http://localhost:8081/bot%%s/%%s", e)
		}
		if c.Telegram.WebhookURL != "" {
			if u, err := url.Parse(c.Telegram.WebhookURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
				return c, nil, fmt.Errorf("TELEGRAM_WEBHOOK_URL: %q; expected the public https:// URL Telegram posts to", c.Telegram.WebhookURL)
			}
			if s := c.Telegram.WebhookSecret.Reveal(); len(s) < 16 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
				return c, nil, errors.New("TELEGRAM_WEBHOOK_SECRET: expected 16 to 256 characters of A-Z, a-z, 0-9, _ and -, as Telegram's secret_token takes")
			}
		}
		if c.Telegram.Workers < 1 {
			return c, nil, fmt.Errorf("--workers: %d; expected 1 or more", c.Telegram.Workers)
		}
	}
	if c.LLM.Timeout <= 0 {
		return c, nil, fmt.Errorf("--llm-timeout: %v is not a positive duration", c.LLM.Timeout)
	}
	if len(flagReports) > 0 {
		reports = flagReports
	}
	c.Reports = reports
	return c, fs.Args(), nil
}
