package eval

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/internal/testreport"
	"reportbot/memory"
)

// TestQuestionSets scores each question set and fails if accuracy falls
// below the committed baseline, or if any answer gives a figure its cited
// text does not contain.
func TestQuestionSets(t *testing.T) {
	data, err := os.ReadFile("../testdata/eval-baseline.json")
	if err != nil {
		t.Fatal(err)
	}
	var baselines map[string]json.RawMessage
	if err := json.Unmarshal(data, &baselines); err != nil {
		t.Fatal(err)
	}
	ix := testreport.SeedIndex(t)
	for _, set := range []string{"gold.jsonl", "holdout.jsonl", "colloquial.jsonl", "colloquial-holdout.jsonl", "colloquial-holdout2.jsonl", "colloquial-holdout3.jsonl", "colloquial-holdout4.jsonl", "colloquial-holdout5.jsonl"} {
		t.Run(set, func(t *testing.T) {
			var base struct {
				Overall    float64            `json:"overall"` // strict
				Lenient    float64            `json:"lenient"`
				Categories map[string]float64 `json:"categories"` // strict
			}
			if err := json.Unmarshal(baselines[set], &base); err != nil || base.Overall == 0 {
				t.Fatalf("no baseline for %s: %v", set, err)
			}
			f, err := os.Open(filepath.Join("..", "testdata", set))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cases, err := Load(f, set)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Run(context.Background(), &answer.Answerer{Index: ix, Memory: memory.NewInProcess(memory.Options{})}, ix, cases)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			rep.Print(&out, true)
			t.Log("\n" + out.String())
			if set == "gold.jsonl" && rep.Overall.Turns < 100 {
				t.Errorf("gold set has %d questions, want at least 100", rep.Overall.Turns)
			}
			if got := rep.Overall.StrictAccuracy(); got < base.Overall {
				t.Errorf("strict accuracy %.3f, below the baseline %.3f", got, base.Overall)
			}
			if got := rep.Overall.Accuracy(); got < base.Lenient {
				t.Errorf("lenient accuracy %.3f, below the baseline %.3f", got, base.Lenient)
			}
			for name, min := range base.Categories {
				s, ok := rep.Categories[name]
				if !ok {
					t.Errorf("no %s questions", name)
					continue
				}
				if s.StrictAccuracy() < min {
					t.Errorf("%s strict accuracy %.3f, below the baseline %.3f", name, s.StrictAccuracy(), min)
				}
			}
			if rep.Overall.Unsupported != 0 {
				t.Errorf("%d answers give a figure their cited text does not contain", rep.Overall.Unsupported)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"bad-json.jsonl", "bad-json.jsonl:2: unexpected EOF"},
		{"duplicate-id.jsonl", `duplicate-id.jsonl:2: id "a" is used twice`},
		{"not-a-figure.jsonl", `not-a-figure.jsonl:1: "八十四" is not one figure`},
		{"unknown-field.jsonl", `unknown-field.jsonl:1: json: unknown field "question"`},
		{"no-turns.jsonl", "no-turns.jsonl:1: a case needs an id, a category and at least one turn"},
	}
	for _, tt := range tests {
		f, err := os.Open(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Load(f, tt.file)
		f.Close()
		if err == nil || err.Error() != tt.want {
			t.Errorf("Load(%s) error = %v, want %q", tt.file, err, tt.want)
		}
	}
	if _, err := Load(strings.NewReader("\n# only a comment\n"), "empty"); err == nil {
		t.Error("Load of an empty set: no error")
	}
}

func TestJudge(t *testing.T) {
	no := false
	found := withLines(reply.Answer{Found: true, Text: "收到84件行政复议申请。\n来源:一(六)1 持续深化行政复议改革成果",
		Citations: []reply.Citation{{Section: "一(六)1"}}})
	declined := withLines(reply.Answer{Text: "报告里没有提到这方面的内容。"})
	tests := []struct {
		name string
		turn Turn
		ans  reply.Answer
		want string // "" when correct, else part of the reason
	}{
		{"right", Turn{Figures: []string{"84件"}, Sections: []string{"一(六)1"}}, found, ""},
		{"same quantity spelled otherwise", Turn{Figures: []string{"八十四件"}}, found, ""},
		{"wrong figure", Turn{Figures: []string{"86件"}}, found, "missing figure 86件"},
		{"wrong section", Turn{Sections: []string{"一(六)2"}}, found, "section 一(六)2 not cited"},
		{"declined answerable", Turn{Figures: []string{"84件"}}, declined, "declined a question the report answers"},
		{"declined unanswerable", Turn{Found: &no}, declined, ""},
		{"answered unanswerable", Turn{Found: &no}, found, "answered a question the report does not answer"},
		{"declined but quoting", Turn{Found: &no}, withLines(reply.Answer{Text: "报告里没有,但有84件。"}), "declined but quoted the figure"},
		{"number where none", Turn{NoNumber: true}, found, "gave a number"},
	}
	quoted := withLines(reply.Answer{Found: true, Text: "收到84件行政复议申请。\n原文:2023年,收到84件行政复议申请,其中受理68件,不予受理16件;\n来源:一(六)1"})
	noFigure := withLines(reply.Answer{Found: true, NoFigure: true, Text: "报告没有给出具体数字,原文是这样说的:\n比如:行政诉讼败诉率偏高;\n来源:二"})
	strict := []struct {
		name string
		turn Turn
		ans  reply.Answer
		want string
	}{
		{"figure in the first line", Turn{Figures: []string{"84件"}}, quoted, ""},
		{"figure only in the quote", Turn{Figures: []string{"68件"}}, quoted, "figure 68件 not in the first line"},
		{"says in the first line", Turn{Says: []string{"收到"}}, quoted, ""},
		{"says only below", Turn{Says: []string{"受理"}}, quoted, "first line does not say"},
		{"no figure declines", Turn{Found: &no}, noFigure, ""},
	}
	for _, tt := range strict {
		if got := judge(tt.turn, tt.ans, true); (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("strict %s: judge = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := judge(Turn{Figures: []string{"68件"}}, quoted, false); got != "" {
		t.Errorf("lenient reading of a figure in the quote: %q", got)
	}
	for _, tt := range tests {
		got := judge(tt.turn, tt.ans, false)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: judge = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// withLines gives a test's answer the lines of its text, its 来源 line
// marked as the source, as the answering code makes them.
func withLines(a reply.Answer) reply.Answer {
	for _, l := range strings.Split(a.Text, "\n") {
		a.Lines = append(a.Lines, reply.Line{Text: l, Source: strings.HasPrefix(l, reply.SourcePrefix)})
	}
	return a
}
