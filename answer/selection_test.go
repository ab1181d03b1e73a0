package answer

import (
	"context"
	"fmt"
	"reportbot/answer/reply"
	"strings"
	"testing"
)

// recordingModel replies with reply, and keeps the requests it was sent.
type recordingModel struct {
	answerWith func(reply.Request) string
	reqs       []reply.Request
}

func (m *recordingModel) Complete(_ context.Context, req reply.Request) (string, error) {
	m.reqs = append(m.reqs, req)
	return m.answerWith(req), nil
}

// TestSelectionScope: with several reports loaded, a model is shown the
// facts of the reports in scope alone, so that it cannot name another
// report's: a question naming 甲一东县 lists that report's facts, and its
// selection is answered from that report; an ID past the list is refused.
// A question that names no place while more places are loaded than are
// answered side by side asks which place, and asks no model.
func TestSelectionScope(t *testing.T) {
	a, docs := library(t)
	jia := docs["jia"]
	i84 := -1
	for i, f := range jia.Facts() {
		if f.Section == "一(六)1" && strings.HasSuffix(f.Clause, "行政复议申请") {
			i84 = i
		}
	}
	if i84 < 0 {
		t.Fatal("甲一东县's report has no count of applications received")
	}
	for _, tt := range []struct {
		id      string
		refused bool
	}{{fmt.Sprintf("F%d", i84+1), false}, {fmt.Sprintf("F%d", len(jia.Facts())+1), true}} {
		m := &recordingModel{answerWith: func(reply.Request) string {
			return fmt.Sprintf(`{"kind":"value","facts":[%q],"sentences":[],"field":"","restated":"收到行政复议申请多少件"}`, tt.id)
		}}
		a.Model = m
		ans, err := a.Ask(context.Background(), "c-"+tt.id, "甲一东县行政复议收到多少件申请?")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.reqs) != 1 {
			t.Fatalf("%d model calls, want one", len(m.reqs))
		}
		prompt := m.reqs[0].Messages[1].Content
		if n := strings.Count(prompt, "\nF"); n != len(jia.Facts()) {
			t.Errorf("the prompt lists %d facts, want 甲一东县's %d alone", n, len(jia.Facts()))
		}
		if strings.Contains(prompt, "分宜") || strings.Contains(prompt, "乙一东") {
			t.Errorf("another report's words are in the prompt:\n%s", prompt)
		}
		switch {
		case tt.refused && (ans.Fallback != reply.FallbackRefused || ans.Mode != reply.ModeExtractive):
			t.Errorf("%s, past the list: fallback %q, mode %s", tt.id, ans.Fallback, ans.Mode)
		case !tt.refused && (ans.Mode != reply.ModeLLM || len(reportsOf(ans)) != 1 || reportsOf(ans)[0] != jia.Meta.Title || !strings.Contains(ans.Lines[0].Text, jia.Facts()[i84].Text)):
			t.Errorf("%s: mode %s, reports %v:\n%s", tt.id, ans.Mode, reportsOf(ans), ans.Text)
		}
	}
	m := &recordingModel{answerWith: func(reply.Request) string { return `{"kind":"none"}` }}
	a.Model = m
	ans, _ := a.Ask(context.Background(), "c-any", "行政复议收到多少件申请?")
	if len(m.reqs) != 0 || len(ans.Choices) == 0 {
		t.Errorf("a question of no place among four: %d model calls, choices %v", len(m.reqs), ans.Choices)
	}
}
