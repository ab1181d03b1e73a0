package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"reportbot/answer/reply"
)

// Metrics holds the bot's metrics in a registry of their own.
type Metrics struct {
	reg        *prometheus.Registry
	updates    *prometheus.CounterVec
	answers    *prometheus.CounterVec
	fallbacks  *prometheus.CounterVec
	refusals   *prometheus.CounterVec
	cacheHits  prometheus.Counter
	limited    *prometheus.CounterVec
	retrieval  prometheus.Histogram
	llmLatency prometheus.Histogram
	llmErrors  prometheus.Counter
	redisErrs  prometheus.Counter
	feedback   *prometheus.CounterVec
	api        *prometheus.CounterVec
}

// New registers the metrics, and Go's and the process's own.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reportbot_updates_total",
			Help: "Telegram updates received, by kind."}, []string{"kind"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reportbot_answers_total",
			Help: "Answers given, by channel (telegram, web, cli), mode (extractive, llm) and whether the report answered."}, []string{"channel", "mode", "found"}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reportbot_fallbacks_total",
			Help: "Answers that fell back from the language model to the report's sentences, by reason."}, []string{"reason"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reportbot_selections_refused_total",
			Help: "Language model selections the program refused, by reason: malformed, unknown_id, fact_count, restatement, another_figure, unanchored, decline_hides_fact."}, []string{"reason"}),
		cacheHits: prometheus.NewCounter(prometheus.CounterOpts{Name: "reportbot_cache_hits_total",
			Help: "Answers served from the answer cache."}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reportbot_rate_limited_total",
			Help: "Questions refused because their user asked too often, by channel."}, []string{"channel"}),
		retrieval: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "reportbot_retrieval_seconds",
			Help: "Time to find the report's answer (search and sentence choice).", Buckets: prometheus.ExponentialBuckets(10e-6, 2, 14)}),
		llmLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "reportbot_llm_request_seconds",
			Help: "Language model request latency.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 10)}),
		llmErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "reportbot_llm_errors_total",
			Help: "Language model requests that failed."}),
		redisErrs: prometheus.NewCounter(prometheus.CounterOpts{Name: "reportbot_redis_errors_total",
			Help: "Redis calls that failed."}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reportbot_feedback_total",
			Help: "Votes on answers, by channel, up or down."}, []string{"channel", "vote"}),
		api: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reportbot_api_requests_total",
			Help: "Requests of the OpenAI-compatible API, by the key's name ((none) when refused for it, (open) without one) and HTTP status."}, []string{"key", "code"}),
	}
	for _, ch := range []string{"telegram", "web", "api"} {
		m.limited.WithLabelValues(ch)
	}
	for _, r := range reply.RefusalReasons {
		m.refusals.WithLabelValues(r)
	}
	m.reg.MustRegister(m.updates, m.answers, m.fallbacks, m.refusals, m.cacheHits, m.limited, m.retrieval,
		m.llmLatency, m.llmErrors, m.redisErrs, m.feedback, m.api, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics at /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveAnswer counts an answer.
func (m *Metrics) ObserveAnswer(ctx context.Context, a reply.Answer, retrieval time.Duration) {
	found := "false"
	if a.Found {
		found = "true"
	}
	m.answers.WithLabelValues(reply.ChannelOf(ctx), string(a.Mode), found).Inc()
	if a.Fallback != "" {
		m.fallbacks.WithLabelValues(a.Fallback).Inc()
	}
	if a.Cached {
		m.cacheHits.Inc()
		return
	}
	m.retrieval.Observe(retrieval.Seconds())
}

// ObserveRefusal counts a model's selection refused, by reason.
func (m *Metrics) ObserveRefusal(reason string) { m.refusals.WithLabelValues(reason).Inc() }

// ObserveLimited counts a question refused by a rate limit.
func (m *Metrics) ObserveLimited(ctx context.Context) {
	m.limited.WithLabelValues(reply.ChannelOf(ctx)).Inc()
}

// ObserveLLM records a language model request.
func (m *Metrics) ObserveLLM(d time.Duration, err error) {
	m.llmLatency.Observe(d.Seconds())
	if err != nil {
		m.llmErrors.Inc()
	}
}

// ObserveRedisError counts a failed Redis call.
func (m *Metrics) ObserveRedisError() { m.redisErrs.Inc() }

// ObserveUpdate counts a Telegram update by kind.
func (m *Metrics) ObserveUpdate(kind string) { m.updates.WithLabelValues(kind).Inc() }

// ObserveFeedback counts a vote on an answer.
func (m *Metrics) ObserveFeedback(ctx context.Context, up bool) {
	vote := "down"
	if up {
		vote = "up"
	}
	m.feedback.WithLabelValues(reply.ChannelOf(ctx), vote).Inc()
}

// ObserveAPIRequest counts a request of the OpenAI-compatible API by its
// key's name, never the key, and the status answered.
func (m *Metrics) ObserveAPIRequest(key string, code int) {
	m.api.WithLabelValues(key, strconv.Itoa(code)).Inc()
}
