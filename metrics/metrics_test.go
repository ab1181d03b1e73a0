package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/openaiapi"
)

func TestMetrics(t *testing.T) {
	m := New()
	web, tg := reply.WithChannel(context.Background(), "web"), reply.WithChannel(context.Background(), "telegram")
	m.ObserveUpdate("message")
	m.ObserveUpdate("message")
	m.ObserveUpdate("callback_query")
	m.ObserveAnswer(tg, reply.Answer{Mode: reply.ModeLLM, Found: true}, 30*time.Microsecond)
	m.ObserveAnswer(web, reply.Answer{Mode: reply.ModeExtractive, Found: true, Fallback: reply.FallbackRefused}, 40*time.Microsecond)
	m.ObserveAnswer(web, reply.Answer{Mode: reply.ModeExtractive, Found: true, Cached: true}, 0)
	m.ObserveRefusal(reply.RefuseSibling)
	m.ObserveRefusal(reply.RefuseSibling)
	m.ObserveLimited(web)
	m.ObserveLLM(300*time.Millisecond, nil)
	m.ObserveLLM(time.Second, errors.New("500"))
	m.ObserveRedisError()
	m.ObserveFeedback(tg, true)
	m.ObserveFeedback(tg, false)
	m.ObserveFeedback(web, true)
	m.ObserveAPIRequest("site-a", 200)
	m.ObserveAPIRequest("site-a", 200)
	m.ObserveAPIRequest("(none)", 401)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`reportbot_updates_total{kind="message"} 2`,
		`reportbot_updates_total{kind="callback_query"} 1`,
		`reportbot_answers_total{channel="telegram",found="true",mode="llm"} 1`,
		`reportbot_answers_total{channel="web",found="true",mode="extractive"} 2`,
		`reportbot_fallbacks_total{reason="selection_refused"} 1`,
		`reportbot_selections_refused_total{reason="another_figure"} 2`,
		`reportbot_selections_refused_total{reason="unknown_id"} 0`,
		"reportbot_cache_hits_total 1",
		`reportbot_rate_limited_total{channel="web"} 1`,
		"reportbot_retrieval_seconds_count 2",
		"reportbot_llm_request_seconds_count 2",
		"reportbot_llm_errors_total 1",
		"reportbot_redis_errors_total 1",
		`reportbot_feedback_total{channel="telegram",vote="up"} 1`,
		`reportbot_feedback_total{channel="telegram",vote="down"} 1`,
		`reportbot_feedback_total{channel="web",vote="up"} 1`,
		`reportbot_api_requests_total{code="200",key="site-a"} 2`,
		`reportbot_api_requests_total{code="401",key="(none)"} 1`,
	} {
		if !strings.Contains(string(body), want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// Metrics is an answer.Observer and an openaiapi.Observer.
var (
	_ answer.Observer    = (*Metrics)(nil)
	_ openaiapi.Observer = (*Metrics)(nil)
)
