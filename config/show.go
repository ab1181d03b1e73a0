package config

import (
	"fmt"
	"net/url"
	"strings"
)

// Setting is one line of the effective configuration.
type Setting struct {
	Name  string // the environment variable, or the flag when there is none
	Value string // secrets as ***
}

// Settings lists the effective configuration for `reportbot config`, every
// secret masked (a Redis URL keeps its host, not its password).
func (c Config) Settings() []Setting {
	d := func(v any) string { return fmt.Sprint(v) }
	return []Setting{
		{"REPORTBOT_REPORTS", orDefault(strings.Join(c.Reports, ","), "(embedded report)")},
		{"LOG_LEVEL", c.LogLevel.String()},
		{"LOG_FORMAT", map[bool]string{false: "text", true: "json"}[c.LogJSON]},
		{"REPORTBOT_LOG_QUESTIONS", d(c.LogQuestions)},
		{"REPORTBOT_MAX_QUESTION", d(c.MaxQuestionRunes)},
		{"OPENAI_API_KEY", c.LLM.APIKey.String()},
		{"OPENAI_BASE_URL", orDefault(c.LLM.BaseURL, "(OpenAI)")},
		{"OPENAI_MODEL", orDefault(c.LLM.Model, "(default)")},
		{"REPORTBOT_LLM_TIMEOUT", d(c.LLM.Timeout)},
		{"REPORTBOT_LLM_PARALLEL", d(c.LLM.Parallel)},
		{"REPORTBOT_LLM_DAILY_BUDGET", d(c.Memory.ModelBudget)},
		{"REDIS_URL", orDefault(redactedURL(c.Memory.RedisURL), "(in process)")},
		{"REPORTBOT_REDIS_PREFIX", c.Memory.Prefix},
		{"REPORTBOT_MEMORY_TURNS", d(c.Memory.Turns)},
		{"REPORTBOT_MEMORY_TTL", d(c.Memory.TTL)},
		{"REPORTBOT_CACHE_TTL", d(c.Memory.CacheTTL)},
		{"REPORTBOT_CLAIM_TTL", d(c.Memory.ClaimTTL)},
		{"REPORTBOT_REDIS_DOWN_AFTER", d(c.Memory.DownAfter)},
		{"REPORTBOT_RATE_PER_MINUTE", d(c.Memory.PerMinute)},
		{"REPORTBOT_RATE_PER_DAY", d(c.Memory.PerDay)},
		{"REPORTBOT_LOG_ENTRIES", d(c.Memory.LogEntries)},
		{"REPORTBOT_EXPORT_SALT", orDefault(c.Export.Salt.String(), "(none: conversations are not exported)")},
		{"TELEGRAM_BOT_TOKEN", orDefault(c.Telegram.Token.String(), "(none: the web chat alone)")},
		{"TELEGRAM_API_ENDPOINT", orDefault(c.Telegram.Endpoint, "(Telegram)")},
		{"TELEGRAM_WEBHOOK_URL", orDefault(c.Telegram.WebhookURL, "(long polling)")},
		{"TELEGRAM_WEBHOOK_SECRET", c.Telegram.WebhookSecret.String()},
		{"REPORTBOT_LISTEN", c.Listen},
		{"REPORTBOT_WEB_ORIGINS", orDefault(strings.Join(c.Web.Origins, ","), "(the page's own)")},
		{"REPORTBOT_TRUSTED_PROXIES", orDefault(strings.Trim(d(c.Web.TrustedProxies), "[]"), "(none)")},
		{"REPORTBOT_API_KEYS", orDefault(apiKeys(c.API), "(none: the API is off)")},
		{"REPORTBOT_API_KEYS_FILE", orDefault(c.API.KeysFile, "(none)")},
		{"REPORTBOT_API_RATE", d(c.API.Rate)},
		{"REPORTBOT_API_OPEN", d(c.API.Open)},
		{"REPORTBOT_ADMINS", d(c.Telegram.Admins)},
		{"--workers", d(c.Telegram.Workers)},
		{"--shutdown-timeout", d(c.Telegram.ShutdownTimeout)},
	}
}

// apiKeys names the API's keys, each key as ***; "" when there are none.
func apiKeys(a API) string {
	var out []string
	for _, k := range a.Keys {
		out = append(out, k.Name+":"+k.Key.String())
	}
	if len(out) == 0 && a.Open {
		return "(none: open to all)"
	}
	return strings.Join(out, ",")
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// redactedURL shows a URL without its password; one that does not parse is
// hidden whole.
func redactedURL(s Secret) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s.Reveal())
	if err != nil {
		return redacted
	}
	return u.Redacted()
}
