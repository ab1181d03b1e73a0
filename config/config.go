package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"reportbot/answer"
	"reportbot/bot"
	"reportbot/exports"
	"reportbot/llm"
	"reportbot/memory"
	"reportbot/openaiapi"
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
	Listen           string     // the address serve answers HTTP on: the web chat, its API, the webhook, metrics
	Web              Web
	API              API
	LLM              LLM
	Memory           Memory
	Telegram         Telegram
	Export           Export
}

// Export configures `export conversations` and `export knowledge`.
type Export struct {
	Format string // jsonl or csv for conversations; csv or json for knowledge
	Since  Since  // the conversations exported are those answered since
	// Salt is the key conversation and user IDs are hashed with
	// (HMAC-SHA256): the same salt gives the same pseudonyms in every
	// export; without it they could be found again from likely IDs.
	Salt Secret
}

// Since is where an export of conversations starts: a while before now,
// or a moment; zero for the whole log.
type Since struct {
	Ago time.Duration
	At  time.Time
}

// From is the moment s names, now.
func (s Since) From(now time.Time) time.Time {
	if s.Ago > 0 {
		return now.Add(-s.Ago)
	}
	return s.At
}

// minSaltLen is the shortest export salt taken: a short one could be found
// by trying, and the identities with it.
const minSaltLen = 16

// china is the zone a date of --since is read in: the reports'.
var china = time.FixedZone("CST", 8*60*60)

// parseSince reads --since: a duration (90m, 24h, 7d), a date (2024-03-01,
// from its midnight in China) or a moment (RFC 3339).
func parseSince(v string) (Since, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return Since{Ago: time.Duration(n) * 24 * time.Hour}, nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return Since{Ago: d}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, china); err == nil {
		return Since{At: t}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return Since{At: t}, nil
	}
	return Since{}, fmt.Errorf("%q is neither a duration nor a date; expected e.g. 24h, 7d, 2024-03-01 or 2024-03-01T08:00:00+08:00", v)
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
	// (webhook mode), served on Config.Listen.
	WebhookURL    string
	WebhookSecret Secret
	Admins        []int64 // Telegram user IDs that may use /stats
}

// Web configures the chat page and its API.
type Web struct {
	Origins        []string       // the sites that may embed the chat and call the API
	TrustedProxies []netip.Prefix // whose X-Forwarded-For names the client
}

// API configures the OpenAI-compatible API of serve (/v1/chat/completions):
// off unless it has a key or is opened.
type API struct {
	// Keys are the sites that may call it, from REPORTBOT_API_KEYS and
	// then the lines of KeysFile.
	Keys     []APIKey
	KeysFile string // REPORTBOT_API_KEYS_FILE: one name:key a line
	Rate     int    // requests a minute each key may make
	Open     bool   // callers without a key are let in too
}

// APIKey is one site's key: its name is logged and counted, its key never.
type APIKey struct {
	Name string
	Key  Secret
}

// KeyList is the keys as the API takes them, revealed: for the one place
// that checks them.
func (a API) KeyList() []openaiapi.Key {
	out := make([]openaiapi.Key, len(a.Keys))
	for i, k := range a.Keys {
		out[i] = openaiapi.Key{Name: k.Name, Secret: k.Key.Reveal()}
	}
	return out
}

// parseKey reads one name:key; where says where it stands, for errors,
// which never hold the key.
func parseKey(s, where string) (APIKey, error) {
	name, key, ok := strings.Cut(s, ":")
	name, key = strings.TrimSpace(name), strings.TrimSpace(key)
	switch {
	case !ok:
		return APIKey{}, fmt.Errorf("%s has no colon; expected name:key", where)
	case name == "":
		return APIKey{}, fmt.Errorf("%s has no name; expected name:key", where)
	case key == "":
		return APIKey{}, fmt.Errorf("%s: the key of %s is empty; expected name:key", where, name)
	}
	return APIKey{Name: name, Key: Secret(key)}, nil
}

// readKeysFile adds the keys of KeysFile: one name:key a line; blank lines
// and lines that start with # are skipped.
func (a *API) readKeysFile() error {
	if a.KeysFile == "" {
		return nil
	}
	b, err := os.ReadFile(a.KeysFile)
	if err != nil {
		return fmt.Errorf("REPORTBOT_API_KEYS_FILE: %w", err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := parseKey(line, fmt.Sprintf("%s:%d", a.KeysFile, i+1))
		if err != nil {
			return fmt.Errorf("REPORTBOT_API_KEYS_FILE: %w", err)
		}
		a.Keys = append(a.Keys, k)
	}
	return nil
}

// Memory configures what is remembered between questions, and where.
type Memory struct {
	RedisURL    Secret // "" keeps memory in this process; the URL may hold a password
	Prefix      string
	Turns       int
	TTL         time.Duration
	CacheTTL    time.Duration
	ClaimTTL    time.Duration // how long an update held by a replica that died waits for another
	DownAfter   time.Duration // how long a Redis node fails before its updates are answered without memory
	PerMinute   int           // questions a user may ask a minute; 0 for no limit
	PerDay      int
	ModelBudget int // language model calls a day for the whole bot; 0 for no cap
	LogEntries  int // about how many answered questions Redis's log keeps, for exports; 0 keeps none
}

// LLM configures the language model; with neither a key nor a base URL
// there is none, and answers are the report's own sentences.
type LLM struct {
	APIKey    Secret
	BaseURL   string
	Model     string
	Timeout   time.Duration
	Parallel  int // requests in flight at once
	Retries   int // further tries after a 429 or 5xx
	MaxTokens int // of a reply
}

// Enabled reports whether a language model is configured.
func (l LLM) Enabled() bool { return l.APIKey != "" || l.BaseURL != "" }

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

// Defaults of this package's own: what no other package decides.
const (
	DefaultGoldSet         = "testdata/gold.jsonl" // the question set eval scores when none is named
	DefaultListen          = ":8080"               // where serve answers HTTP
	DefaultShutdownTimeout = 20 * time.Second      // how long answers in flight may take after a stop signal
	DefaultConversation    = "cli"                 // the conversation ask and chat continue
	// A bot's users are limited unless the operator says otherwise.
	DefaultServePerMinute = 10
	DefaultServePerDay    = 200
)

// Default is the configuration of command cmd with nothing set: every
// default in one place, each taken from the package it belongs to.
func Default(cmd string) Config {
	c := Config{
		GoldSet: DefaultGoldSet, MaxQuestionRunes: answer.DefaultMaxQuestionRunes, LogLevel: slog.LevelWarn, Conversation: DefaultConversation,
		Memory: Memory{Prefix: memory.DefaultPrefix, Turns: memory.DefaultTurns, TTL: memory.DefaultTTL, CacheTTL: memory.DefaultCacheTTL,
			ClaimTTL: memory.DefaultClaimTTL, DownAfter: memory.DefaultDownAfter, LogEntries: memory.DefaultLogEntries},
		Telegram: Telegram{Workers: bot.DefaultWorkers, ShutdownTimeout: DefaultShutdownTimeout}, Listen: DefaultListen,
		API: API{Rate: openaiapi.DefaultRatePerMinute},
		LLM: LLM{Model: llm.DefaultModel, Timeout: llm.DefaultTimeout, Parallel: llm.DefaultParallel, Retries: llm.DefaultRetries,
			MaxTokens: llm.DefaultMaxTokens},
	}
	if cmd == "serve" || cmd == "config" {
		c.Memory.PerMinute, c.Memory.PerDay = DefaultServePerMinute, DefaultServePerDay
	}
	if cmd == "serve" {
		c.LogLevel = slog.LevelInfo // a server says what it does
	}
	switch cmd {
	case "export conversations":
		c.Export.Format = exports.FormatJSONL
	case "export knowledge":
		c.Export.Format = exports.FormatCSV
	}
	return c
}

// Load parses the flags of command cmd from args, over the environment
// (getenv) over the defaults, validates the result, and returns it with
// the arguments left after the flags. Flag errors and the help text go to
// output. envVars lists the environment variables.
func Load(cmd string, args []string, getenv func(string) string, output io.Writer) (Config, []string, error) {
	c := Default(cmd)
	for _, v := range envVars {
		if s := getenv(v.name); s != "" {
			if err := v.set(&c, s); err != nil {
				return c, nil, fmt.Errorf("%s: %w", v.name, err)
			}
		}
	}
	fs := flag.NewFlagSet("reportbot "+cmd, flag.ContinueOnError)
	fs.SetOutput(output)
	var files reportList
	c.flags(cmd, fs, &files)
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	if len(files) > 0 {
		c.Reports = files // the flags' reports replace the environment's
	}
	if cmd == "serve" || cmd == "config" {
		if err := c.API.readKeysFile(); err != nil {
			return c, nil, err
		}
	}
	return c, fs.Args(), c.validate(cmd)
}

// envVar is one environment variable and how it sets the configuration.
type envVar struct {
	name string
	set  func(c *Config, v string) error
}

// envVars are the environment variables Load reads, in the order they are
// documented.
var envVars = []envVar{
	{"REPORTBOT_REPORTS", func(c *Config, v string) error {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.Reports = append(c.Reports, p)
			}
		}
		return nil
	}},
	{"REPORTBOT_REPORTS_DIR", func(c *Config, v string) error { c.ReportsDir = strings.TrimSpace(v); return nil }},
	{"LOG_LEVEL", func(c *Config, v string) error {
		if c.LogLevel.UnmarshalText([]byte(v)) != nil {
			return fmt.Errorf("%q is not a level; expected debug, info, warn or error", v)
		}
		return nil
	}},
	{"LOG_FORMAT", func(c *Config, v string) error {
		if v != "text" && v != "json" {
			return fmt.Errorf("%q is not a format; expected text or json", v)
		}
		c.LogJSON = v == "json"
		return nil
	}},
	{"REPORTBOT_LOG_QUESTIONS", boolEnv(func(c *Config) *bool { return &c.LogQuestions })},
	{"REPORTBOT_MAX_QUESTION", intEnv(1, func(c *Config) *int { return &c.MaxQuestionRunes })},
	{"REPORTBOT_ADMINS", func(c *Config, v string) error {
		for _, id := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a Telegram user ID; expected numbers separated by commas", id)
			}
			c.Telegram.Admins = append(c.Telegram.Admins, n)
		}
		return nil
	}},
	{"OPENAI_API_KEY", func(c *Config, v string) error { c.LLM.APIKey = Secret(v); return nil }},
	{"OPENAI_BASE_URL", func(c *Config, v string) error { c.LLM.BaseURL = v; return nil }},
	{"OPENAI_MODEL", func(c *Config, v string) error { c.LLM.Model = v; return nil }},
	{"REPORTBOT_LLM_TIMEOUT", durationEnv(func(c *Config) *time.Duration { return &c.LLM.Timeout })},
	{"REPORTBOT_LLM_PARALLEL", intEnv(1, func(c *Config) *int { return &c.LLM.Parallel })},
	{"REPORTBOT_LLM_DAILY_BUDGET", intEnv(0, func(c *Config) *int { return &c.Memory.ModelBudget })},
	{"REDIS_URL", func(c *Config, v string) error { c.Memory.RedisURL = Secret(v); return nil }},
	{"REPORTBOT_REDIS_PREFIX", func(c *Config, v string) error { c.Memory.Prefix = v; return nil }},
	{"REPORTBOT_MEMORY_TURNS", intEnv(0, func(c *Config) *int { return &c.Memory.Turns })},
	{"REPORTBOT_MEMORY_TTL", durationEnv(func(c *Config) *time.Duration { return &c.Memory.TTL })},
	{"REPORTBOT_CACHE_TTL", durationEnv(func(c *Config) *time.Duration { return &c.Memory.CacheTTL })},
	{"REPORTBOT_CLAIM_TTL", durationEnv(func(c *Config) *time.Duration { return &c.Memory.ClaimTTL })},
	{"REPORTBOT_REDIS_DOWN_AFTER", durationEnv(func(c *Config) *time.Duration { return &c.Memory.DownAfter })},
	{"REPORTBOT_RATE_PER_MINUTE", intEnv(0, func(c *Config) *int { return &c.Memory.PerMinute })},
	{"REPORTBOT_RATE_PER_DAY", intEnv(0, func(c *Config) *int { return &c.Memory.PerDay })},
	{"REPORTBOT_LOG_ENTRIES", intEnv(0, func(c *Config) *int { return &c.Memory.LogEntries })},
	{"REPORTBOT_EXPORT_SALT", func(c *Config, v string) error { c.Export.Salt = Secret(v); return nil }},
	{"TELEGRAM_BOT_TOKEN", func(c *Config, v string) error { c.Telegram.Token = Secret(v); return nil }},
	{"TELEGRAM_API_ENDPOINT", func(c *Config, v string) error { c.Telegram.Endpoint = v; return nil }},
	{"TELEGRAM_WEBHOOK_URL", func(c *Config, v string) error { c.Telegram.WebhookURL = v; return nil }},
	{"TELEGRAM_WEBHOOK_SECRET", func(c *Config, v string) error { c.Telegram.WebhookSecret = Secret(v); return nil }},
	{"REPORTBOT_LISTEN", func(c *Config, v string) error { c.Listen = v; return nil }},
	{"REPORTBOT_WEB_ORIGINS", func(c *Config, v string) error {
		c.Web.Origins = nil
		for _, o := range strings.Split(v, ",") {
			o = strings.TrimRight(strings.TrimSpace(o), "/")
			if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
				return fmt.Errorf("%q is not a site's origin; expected e.g. https://www.fenyi.gov.cn", o)
			}
			c.Web.Origins = append(c.Web.Origins, o)
		}
		return nil
	}},
	{"REPORTBOT_API_KEYS", func(c *Config, v string) error {
		c.API.Keys = nil
		for i, pair := range strings.Split(v, ",") {
			if strings.TrimSpace(pair) == "" {
				continue
			}
			k, err := parseKey(pair, fmt.Sprintf("pair %d", i+1))
			if err != nil {
				return err
			}
			c.API.Keys = append(c.API.Keys, k)
		}
		return nil
	}},
	{"REPORTBOT_API_KEYS_FILE", func(c *Config, v string) error { c.API.KeysFile = strings.TrimSpace(v); return nil }},
	{"REPORTBOT_API_RATE", intEnv(1, func(c *Config) *int { return &c.API.Rate })},
	{"REPORTBOT_API_OPEN", boolEnv(func(c *Config) *bool { return &c.API.Open })},
	{"REPORTBOT_TRUSTED_PROXIES", func(c *Config, v string) error {
		c.Web.TrustedProxies = nil
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			prefix, err := netip.ParsePrefix(p)
			if addr, aerr := netip.ParseAddr(p); aerr == nil {
				prefix, err = addr.Prefix(addr.BitLen())
			}
			if err != nil {
				return fmt.Errorf("%q is not an address or a network; expected e.g. 10.0.0.0/8 or 127.0.0.1", p)
			}
			c.Web.TrustedProxies = append(c.Web.TrustedProxies, prefix.Masked())
		}
		return nil
	}},
}

func intEnv(least int, field func(c *Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < least {
			return fmt.Errorf("%q is not a whole number of %d or more", v, least)
		}
		*field(c) = n
		return nil
	}
}

func durationEnv(field func(c *Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%q is not a duration; expected e.g. 20s or 24h", v)
		}
		*field(c) = d
		return nil
	}
}

func boolEnv(field func(c *Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		switch v {
		case "false", "0":
			*field(c) = false
		case "true", "1":
			*field(c) = true
		default:
			return fmt.Errorf("%q; expected true or false", v)
		}
		return nil
	}
}

// flags declares the flags of command cmd on fs, over c's values.
func (c *Config) flags(cmd string, fs *flag.FlagSet, files *reportList) {
	if cmd != "export conversations" { // the log holds what was answered: no report is read
		fs.Var(files, "report", "report `file` to load (.txt, .md or .html; repeatable); replaces the embedded report")
		fs.StringVar(&c.ReportsDir, "reports", c.ReportsDir, "`folder` of report files to load, every .txt, .md and .html in it (REPORTBOT_REPORTS_DIR)")
	}
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
	case "export conversations":
		fs.StringVar(&c.Export.Format, "format", c.Export.Format, "`format` of the export: jsonl or csv")
		fs.Func("since", "export the questions answered in the last `duration` (24h, 7d) or since a date (2024-03-01, or RFC 3339); unset, all the log holds", func(v string) (err error) {
			c.Export.Since, err = parseSince(v)
			return err
		})
		c.redisFlag(fs)
		return
	case "export knowledge":
		fs.StringVar(&c.Export.Format, "format", c.Export.Format, "`format` of the export: csv or json")
		return
	}
	if cmd == "serve" || cmd == "config" {
		fs.IntVar(&c.Telegram.Workers, "workers", c.Telegram.Workers, "updates handled at once")
		fs.DurationVar(&c.Telegram.ShutdownTimeout, "shutdown-timeout", c.Telegram.ShutdownTimeout, "longest wait for in-flight answers when stopping")
		fs.StringVar(&c.Telegram.WebhookURL, "webhook-url", c.Telegram.WebhookURL, "public `URL` for Telegram's webhook (TELEGRAM_WEBHOOK_URL); none polls")
		fs.StringVar(&c.Listen, "listen", c.Listen, "local `address` of the web chat, its API, metrics and the webhook (REPORTBOT_LISTEN)")
	}
	if cmd == "sections" || cmd == "facts" || cmd == "reports" {
		return
	}
	fs.Func("openai-api-key", "API `key` of the language model (prefer OPENAI_API_KEY: flags show in process lists)", func(v string) error {
		c.LLM.APIKey = Secret(v)
		return nil
	})
	fs.StringVar(&c.LLM.BaseURL, "openai-base-url", c.LLM.BaseURL, "base `URL` of an OpenAI-compatible API (OPENAI_BASE_URL)")
	fs.StringVar(&c.LLM.Model, "openai-model", c.LLM.Model, "model `name` (OPENAI_MODEL)")
	fs.DurationVar(&c.LLM.Timeout, "llm-timeout", c.LLM.Timeout, "longest wait for the model per answer (REPORTBOT_LLM_TIMEOUT)")
	c.redisFlag(fs)
}

// redisFlag declares --redis-url on fs.
func (c *Config) redisFlag(fs *flag.FlagSet) {
	fs.Func("redis-url", "Redis `URL` for memory, cache and limits (REDIS_URL); none keeps them in this process", func(v string) error {
		c.Memory.RedisURL = Secret(v)
		return nil
	})
}

// validateConversations says what an export of conversations lacks: the
// Redis its log is in, a format, a salt.
func (e Export) validateConversations(redisURL Secret) error {
	switch {
	case redisURL == "":
		return errors.New("exports of conversations read the log of questions in Redis, and REDIS_URL is not set; set it (or --redis-url) to the Redis the bot keeps its memory in")
	case e.Format != exports.FormatJSONL && e.Format != exports.FormatCSV:
		return fmt.Errorf("--format: %q; expected jsonl or csv", e.Format)
	case e.Salt == "":
		return errors.New("REPORTBOT_EXPORT_SALT is not set: an export names no one, but hashes conversation and user IDs with this secret; " +
			"set it to 16 characters or more (e.g. the output of openssl rand -hex 32), kept secret and kept the same, so that exports can be compared")
	case len(e.Salt.Reveal()) < minSaltLen:
		return fmt.Errorf("REPORTBOT_EXPORT_SALT: %d characters; expected %d or more, so that it cannot be found by trying (e.g. openssl rand -hex 32)", len(e.Salt.Reveal()), minSaltLen)
	}
	return nil
}

// webhookSecretChars are what Telegram's secret_token may hold.
const webhookSecretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// validate says what is wrong with the configuration of command cmd, in
// words that say what to set.
func (c Config) validate(cmd string) error {
	if c.LLM.BaseURL != "" {
		if u, err := url.Parse(c.LLM.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("OPENAI_BASE_URL: %q is not an http(s) URL; expected e.g. https://api.openai.com/v1", c.LLM.BaseURL)
		}
	}
	if c.JSON && c.CSV {
		return errors.New("--json and --csv: choose one")
	}
	if strings.TrimSpace(c.Conversation) == "" {
		return errors.New("--conversation: empty; expected an ID such as cli or alice")
	}
	if c.LLM.Timeout <= 0 {
		return fmt.Errorf("--llm-timeout: %v is not a positive duration", c.LLM.Timeout)
	}
	switch cmd {
	case "serve", "config":
		if _, err := openaiapi.NewKeys(c.API.KeyList(), c.API.Rate, c.API.Open); err != nil {
			source := "REPORTBOT_API_KEYS"
			if c.API.KeysFile != "" {
				source += ", REPORTBOT_API_KEYS_FILE"
			}
			return fmt.Errorf("%s: %w", source, err)
		}
	case "export conversations":
		return c.Export.validateConversations(c.Memory.RedisURL)
	case "export knowledge":
		if c.Export.Format != exports.FormatCSV && c.Export.Format != exports.FormatJSON {
			return fmt.Errorf("--format: %q; expected csv or json", c.Export.Format)
		}
	}
	if cmd != "serve" {
		return nil
	}
	t := c.Telegram
	switch {
	case t.Token == "" && t.WebhookURL != "":
		return errors.New("TELEGRAM_WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is not; set the token from @BotFather, or unset the URL to serve the web chat alone")
	case t.Endpoint != "" && (strings.Count(t.Endpoint, "%s") != 2 || !strings.HasPrefix(t.Endpoint, "http")):
		return fmt.Errorf("TELEGRAM_API_ENDPOINT: %q; expected the Bot API's format, e.g. http://localhost:8081/bot%%s/%%s", t.Endpoint)
	case t.Workers < 1:
		return fmt.Errorf("--workers: %d; expected 1 or more", t.Workers)
	case t.WebhookURL == "":
		return nil
	}
	if u, err := url.Parse(t.WebhookURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("TELEGRAM_WEBHOOK_URL: %q; expected the public https:// URL Telegram posts to", t.WebhookURL)
	}
	if s := t.WebhookSecret.Reveal(); len(s) < 16 || len(s) > 256 || strings.Trim(s, webhookSecretChars) != "" {
		return errors.New("TELEGRAM_WEBHOOK_SECRET: expected 16 to 256 characters of A-Z, a-z, 0-9, _ and -, as Telegram's secret_token takes")
	}
	return nil
}
