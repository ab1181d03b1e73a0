package eval

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"reportbot/answer"
	"reportbot/knowledge"
	"reportbot/memory"
)

func seedIndex(t *testing.T) *knowledge.Index {
	t.Helper()
	docs, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	return knowledge.NewIndex(docs...)
}

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
	ix := seedIndex(t)
	for _, set := range []string{"gold.jsonl", "holdout.jsonl"} {
		t.Run(set, func(t *testing.T) {
			var base struct {
				Overall    float64            `json:"overall"`
				Categories map[string]float64 `json:"categories"`
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
			if got := rep.Overall.Accuracy(); got < base.Overall {
				t.Errorf("overall accuracy %.3f, below the baseline %.3f", got, base.Overall)
			}
			for name, min := range base.Categories {
				s, ok := rep.Categories[name]
				if !ok {
					t.Errorf("no %s questions", name)
					continue
				}
				if s.Accuracy() < min {
					t.Errorf("%s accuracy %.3f, below the baseline %.3f", name, s.Accuracy(), min)
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
	found := answer.Answer{Found: true, Text: "收到84件行政复议申请。\n来源:一(六)1 持续深化行政复议改革成果",
		Citations: []answer.Citation{{Section: "一(六)1"}}}
	declined := answer.Answer{Text: "报告里没有提到这方面的内容。"}
	tests := []struct {
		name string
		turn Turn
		ans  answer.Answer
		want string // "" when correct, else part of the reason
	}{
		{"right", Turn{Figures: []string{"84件"}, Sections: []string{"一(六)1"}}, found, ""},
		{"same quantity spelled otherwise", Turn{Figures: []string{"八十四件"}}, found, ""},
		{"wrong figure", Turn{Figures: []string{"86件"}}, found, "missing figure 86件"},
		{"wrong section", Turn{Sections: []string{"一(六)2"}}, found, "section 一(六)2 not cited"},
		{"declined answerable", Turn{Figures: []string{"84件"}}, declined, "declined a question the report answers"},
		{"declined unanswerable", Turn{Found: &no}, declined, ""},
		{"answered unanswerable", Turn{Found: &no}, found, "answered a question the report does not answer"},
		{"declined but quoting", Turn{Found: &no}, answer.Answer{Text: "报告里没有,但有84件。"}, "declined but quoted the figure"},
		{"number where none", Turn{NoNumber: true}, found, "gave a number"},
	}
	for _, tt := range tests {
		got := judge(tt.turn, tt.ans, false)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: judge = %q, want %q", tt.name, got, tt.want)
		}
	}
}
