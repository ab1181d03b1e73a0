package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/internal/modelfake"
	"reportbot/internal/testreport"
	"reportbot/knowledge"
	"reportbot/memory"
)

// paraphrase is a question of testdata/paraphrase.jsonl: residents' own
// words (spoken, typos, Traditional, English, yes/no, comparisons, sums,
// shares), with the facts of the report that answer it.
type paraphrase struct {
	ID       string          `json:"id"`
	Category string          `json:"category"`
	Question string          `json:"question"`
	Kind     string          `json:"kind"`
	Facts    []modelfake.Ref `json:"facts"`
	Claimed  string          `json:"claimed"`
	Verdict  string          `json:"verdict"`
}

func paraphrases(t *testing.T) []paraphrase {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "paraphrase.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []paraphrase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p paraphrase
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("paraphrase.jsonl: %v", err)
		}
		out = append(out, p)
	}
	return out
}

// TestParaphrasesThroughModel: questions in residents' own words, which
// the report's own wording does not reach, are answered right through a
// model that selects the right facts, and (at least 60 of them) declined
// or answered wrongly without it, in the same run; an English one without
// a model is read through the glossary, and answered right or declined. Right means what a strict reader checks in
// the first line: every fact's figure as printed; for a yes/no question
// the program's verdict first; for a comparison, sum or share the figure
// the program computed from those facts.
func TestParaphrasesThroughModel(t *testing.T) {
	ix := testreport.SeedIndex(t)
	ps := paraphrases(t)
	table := map[string]modelfake.Understood{}
	for _, p := range ps {
		table[p.Question] = modelfake.Understood{Kind: p.Kind, Facts: p.Facts}
	}
	model := &modelfake.Model{Kind: modelfake.Honest, Answers: table}
	with := &answer.Answerer{Index: ix, Memory: memory.NewInProcess(memory.Options{}), Model: model}
	without := &answer.Answerer{Index: ix, Memory: memory.NewInProcess(memory.Options{})}
	right, wrongWithout := 0, 0
	var rightWithout []string // English questions the glossary reads
	for _, p := range ps {
		facts := factsOf(t, ix, p)
		model.Reset()
		got, err := with.Ask(context.Background(), p.ID, p.Question)
		if err != nil {
			t.Fatal(err)
		}
		if n := model.Calls(); n != 1 {
			t.Errorf("%s: %d model calls, want one", p.ID, n)
		}
		if got.Mode != reply.ModeLLM {
			t.Errorf("%s %q: not rendered from the model's selection (fallback %q): the model path was not driven", p.ID, p.Question, got.Fallback)
		}
		if why := wrong(p, facts, got); why != "" {
			t.Errorf("%s %q through the model: %s\n%s", p.ID, p.Question, why, got.Text)
		} else {
			right++
			fromReport(t, ix, got)
		}
		plain, err := without.Ask(context.Background(), p.ID, p.Question)
		if err != nil {
			t.Fatal(err)
		}
		switch why := wrong(p, facts, plain); {
		case why == "":
			rightWithout = append(rightWithout, p.ID)
		case p.Category == "english" && why != "declined":
			// Read through the glossary, an English question is answered
			// right or declined, never with another figure.
			t.Errorf("%s %q without a model: %s\n%s", p.ID, p.Question, why, plain.Text)
		default:
			wrongWithout++
		}
	}
	t.Logf("%d of %d answered right through the model; %d declined or wrong without it; right without it too: %v", right, len(ps), wrongWithout, rightWithout)
	// The set is written to need a model: were most of it answered without
	// one, passing through the model would prove little. (The program's own
	// reading gets better; 62 were missed on 2026-12-03, 80 before.)
	if wrongWithout < len(ps)/2 {
		t.Errorf("%d paraphrased questions missed without a model, want at least half of %d", wrongWithout, len(ps))
	}
}

// factsOf resolves a question's facts in the report.
func factsOf(t *testing.T, ix *knowledge.Index, p paraphrase) []knowledge.Fact {
	t.Helper()
	var out []knowledge.Fact
	for _, r := range p.Facts {
		found := false
		for _, f := range ix.Docs()[0].Facts() {
			if f.Section == r.Section && f.Text == r.Text && strings.Contains(f.Measure.String()+f.Clause, r.Measure) {
				out, found = append(out, f), true
				break
			}
		}
		if !found {
			t.Fatalf("%s: no fact %+v in the report", p.ID, r)
		}
	}
	return out
}

// wrong says why an answer does not answer p as a strict reader would
// have it, or "".
func wrong(p paraphrase, facts []knowledge.Fact, ans reply.Answer) string {
	if !ans.Found || len(ans.Lines) == 0 {
		return "declined"
	}
	first := ans.Lines[0].Text
	switch p.Kind {
	case reply.KindSum, reply.KindCompare, reply.KindShare, reply.KindDifference:
		want := 0.0
		switch p.Kind {
		case reply.KindSum:
			for _, f := range facts {
				want += f.Value
			}
		case reply.KindShare:
			want = math.Round(1000*facts[0].Value/facts[1].Value) / 10
		default:
			want = math.Abs(facts[0].Value - facts[1].Value)
		}
		if ans.Computed == nil || math.Abs(ans.Computed.Value-want) > 1e-6 || !strings.Contains(first, ans.Computed.Text) {
			return "no computed figure " + strings.TrimRight(strings.TrimRight(formatFloat(want), "0"), ".") + " in the first line"
		}
		return ""
	case reply.KindYesNo:
		if !strings.HasPrefix(first, p.Verdict+",") && !strings.HasPrefix(first, verdictEN(p.Verdict)) {
			return "the verdict is not " + p.Verdict + " first"
		}
	}
	for _, f := range facts {
		if !strings.Contains(first, f.Text) {
			return f.Text + " is not in the first line"
		}
	}
	return ""
}

func verdictEN(v string) string {
	if v == "对" {
		return "Yes."
	}
	return "No."
}

func formatFloat(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
