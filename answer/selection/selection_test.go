package selection

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"reportbot/answer/reply"
	"reportbot/answer/route"
	"reportbot/internal/testreport"
)

// seed is the router of the seed report alone.
func seed(t testing.TB) *route.Router {
	t.Helper()
	return route.New(testreport.SeedIndex(t))
}

// promptRunesBound bounds a selection prompt for one report of the seed's
// size: its 78 facts, the sentences of four sections, three earlier
// questions and the question.
const promptRunesBound = 12000

// TestPromptSize: the prompt for the seed report stays within its bound,
// with a conversation and a long question.
func TestPromptSize(t *testing.T) {
	r := seed(t)
	history := []reply.Turn{{Question: strings.Repeat("行政复议收到多少件申请", 20)}, {Question: "那受理了几件?"}, {Question: "不予受理的呢?"}}
	q := strings.Repeat("法律明白人在社区培养了多少名", 30)
	sl := New(r, r.Index.Docs(), q, history)
	msgs := sl.Prompt(q, history)
	runes := 0
	for _, m := range msgs {
		runes += utf8.RuneCountInString(m.Content)
	}
	t.Logf("prompt: %d facts, %d sentences, %d runes (system %d)", len(sl.facts), len(sl.sentences), runes, utf8.RuneCountInString(msgs[0].Content))
	if runes > promptRunesBound || len(sl.facts) != len(r.Index.Docs()[0].Facts()) {
		t.Errorf("prompt of %d runes (bound %d) listing %d facts", runes, promptRunesBound, len(sl.facts))
	}
}

const benchQuestion = "行政复议收到多少件申请?"

// BenchmarkSelection measures what is done with a model's selection:
// parsing it, validating its IDs, restatement and ties to the question,
// and rendering the answer from the report.
func BenchmarkSelection(b *testing.B) {
	r := seed(b)
	sl := New(r, r.Index.Docs(), benchQuestion, nil)
	i := slices.IndexFunc(sl.facts, func(lf listedFact) bool { return lf.Fact.Section == "一(六)1" && lf.Fact.Text == "84件" })
	if i < 0 {
		b.Fatal("收到84件 is not in the shortlist")
	}
	out := fmt.Sprintf(`{"kind":"value","facts":["%s"],"sentences":[],"field":"","restated":"行政复议收到多少件申请"}`, factID(i))
	ext := r.Answer(benchQuestion, nil)
	b.ReportAllocs()
	for b.Loop() {
		if ans, ref := sl.Answer(out, benchQuestion, reply.Simplified, nil, ext); ref != nil || !ans.Found {
			b.Fatal(ref, ans.Text)
		}
	}
}
