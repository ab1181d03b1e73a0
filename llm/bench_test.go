package llm_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"reportbot/answer"
)

// BenchmarkAnswerThroughAPI measures an answer through the OpenAI client
// and a local stand-in that replies at once: the answer's time outside the
// model, the request's HTTP round trip on loopback included.
func BenchmarkAnswerThroughAPI(b *testing.B) {
	api := &fakeAPI{reply: func(_ int, _ openai.ChatCompletionRequest, w http.ResponseWriter, _ *http.Request) {
		chat(w, `{"found":true,"answer":"2023年共收到84件行政复议申请,其中受理68件,不予受理16件,实质性化解率87.3%。","sections":["一(六)1"]}`)
	}}
	a := setup(b, api, 5*time.Second, 0)
	b.ReportAllocs()
	for b.Loop() {
		if ans, err := a.Ask(context.Background(), "c", q84); err != nil || ans.Mode != answer.ModeLLM {
			b.Fatalf("%v %+v", err, ans)
		}
	}
}
