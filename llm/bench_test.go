package llm_test

import (
	"context"
	"reportbot/answer/reply"
	"testing"
	"time"
)

// BenchmarkAnswerThroughAPI measures an answer through the OpenAI client
// and a local stand-in that replies at once: the answer's time outside the
// model, the request's HTTP round trip on loopback included.
func BenchmarkAnswerThroughAPI(b *testing.B) {
	api := &fakeAPI{reply: selecting(honest())}
	a := setup(b, api, 5*time.Second, 0)
	a.Memory = nil // no answer cache: every answer asks the model
	b.ReportAllocs()
	for b.Loop() {
		if ans, err := a.Ask(context.Background(), "c", q84); err != nil || ans.Mode != reply.ModeLLM {
			b.Fatalf("%v %+v", err, ans)
		}
	}
}
