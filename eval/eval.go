package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"reportbot/answer/engine"
	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// Case is one conversation of the gold set: questions asked in order.
type Case struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Turns    []Turn `json:"turns"`
}

// Turn is one question and what a correct answer to it contains.
type Turn struct {
	Q        string   `json:"q"`
	Figures  []string `json:"figures"`   // figures the answer must give, as printed
	Sections []string `json:"sections"`  // sections the answer must cite
	Found    *bool    `json:"found"`     // false: the report does not answer
	NoNumber bool     `json:"no_number"` // the report gives no number: the answer must not either
	Says     []string `json:"says"`      // words the answer's first line must hold: 分宜县人民政府 for 谁发布的
}

func (t Turn) wantFound() bool { return t.Found == nil || *t.Found }

// Load reads a gold set: one JSON case a line. Errors name the line.
func Load(r io.Reader, name string) ([]Case, error) {
	var cases []Case
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	ids := map[string]bool{}
	for no := 1; sc.Scan(); no++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		var c Case
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, no, err)
		}
		if c.ID == "" || c.Category == "" || len(c.Turns) == 0 {
			return nil, fmt.Errorf("%s:%d: a case needs an id, a category and at least one turn", name, no)
		}
		if ids[c.ID] {
			return nil, fmt.Errorf("%s:%d: id %q is used twice", name, no, c.ID)
		}
		ids[c.ID] = true
		for _, t := range c.Turns {
			for _, f := range t.Figures {
				if len(figure.Extract(f)) != 1 {
					return nil, fmt.Errorf("%s:%d: %q is not one figure", name, no, f)
				}
			}
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s: no cases", name)
	}
	return cases, nil
}

// Asker answers a question within a conversation.
type Asker interface {
	Ask(ctx context.Context, conv, question string) (reply.Answer, error)
}

// Score counts the results of one category, or of all.
type Score struct {
	Turns       int
	Correct     int // correct when the figures may stand anywhere in the answer
	Strict      int // correct with the asked-for figures in the answer's first line
	Retrieval   int // turns with expected sections, over which hits are counted
	Hit1, Hit3  int
	RR          float64 // sum of reciprocal ranks
	Unsupported int     // answers with a figure their cited text does not contain
}

// Accuracy is the share of turns answered correctly.
func (s Score) Accuracy() float64 { return ratio(float64(s.Correct), s.Turns) }

// StrictAccuracy is the share of turns answered correctly with the
// asked-for figures in the answer's first line, which is what a citizen
// reads.
func (s Score) StrictAccuracy() float64 { return ratio(float64(s.Strict), s.Turns) }

// MRR is the mean reciprocal rank of the first expected section.
func (s Score) MRR() float64 { return ratio(s.RR, s.Retrieval) }

func ratio(a float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return a / float64(n)
}

// Failure describes one turn answered wrongly.
type Failure struct {
	Case, Question, Why, Answer string
	Lead                        bool // wrong only in the strict reading: the figures are not in the first line
}

// Report is the outcome of a run over a gold set.
type Report struct {
	Categories map[string]*Score
	Overall    Score
	Failures   []Failure
}

// Run asks every case's questions in order, each case in its own
// conversation, and scores the answers.
func Run(ctx context.Context, ask Asker, ix *knowledge.Index, cases []Case) (Report, error) {
	r := Report{Categories: map[string]*Score{}}
	for _, c := range cases {
		sc := r.Categories[c.Category]
		if sc == nil {
			sc = &Score{}
			r.Categories[c.Category] = sc
		}
		conv := "eval:" + c.ID
		for _, t := range c.Turns {
			ans, err := ask.Ask(ctx, conv, t.Q)
			if err != nil {
				return r, fmt.Errorf("case %s: ask %q: %w", c.ID, t.Q, err)
			}
			why := judge(t, ans, false)
			strictWhy := why
			if why == "" {
				strictWhy = judge(t, ans, true)
			}
			unsupported := engine.Unsupported(ix, ans)
			if len(unsupported) > 0 {
				why = strings.TrimSpace(why + fmt.Sprintf(" figure %q not in the cited text", unsupported[0].Raw))
			}
			for _, s := range []*Score{sc, &r.Overall} {
				s.Turns++
				if why == "" {
					s.Correct++
				}
				if why == "" && strictWhy == "" {
					s.Strict++
				}
				if len(unsupported) > 0 {
					s.Unsupported++
				}
			}
			switch {
			case why != "":
				r.Failures = append(r.Failures, Failure{Case: c.ID, Question: t.Q, Why: why, Answer: ans.Text})
			case strictWhy != "":
				r.Failures = append(r.Failures, Failure{Case: c.ID, Question: t.Q, Why: strictWhy, Answer: ans.Text, Lead: true})
			}
			// The header is no section to search for.
			if len(t.Sections) > 0 && !slices.Contains(t.Sections, knowledge.HeaderID) {
				rank := retrievalRank(ix, ans.Resolved, t.Sections)
				for _, s := range []*Score{sc, &r.Overall} {
					s.Retrieval++
					if rank == 1 {
						s.Hit1++
					}
					if rank >= 1 && rank <= 3 {
						s.Hit3++
					}
					if rank >= 1 {
						s.RR += 1 / float64(rank)
					}
				}
			}
		}
	}
	return r, nil
}

// judge says why ans does not answer t correctly, or "" when it does. With
// lead, the expected figures must stand in the answer's first line: a
// figure found only in the quote under it does not count.
func judge(t Turn, ans reply.Answer, lead bool) string {
	body := figure.Extract(ans.Body())
	given := body
	if lead {
		first, _, _ := strings.Cut(ans.Text, "\n")
		given = figure.Extract(first)
	}
	if !t.wantFound() {
		// "The report gives no number for it", with no count or share
		// given, declines as plainly as "the report does not say".
		if ans.Found && !(ans.NoFigure && !hasCount(body)) {
			return "answered a question the report does not answer"
		}
		if ans.Found {
			return ""
		}
		if len(body) > 0 {
			return fmt.Sprintf("declined but quoted the figure %q", body[0].Raw)
		}
		return ""
	}
	if !ans.Found {
		return "declined a question the report answers"
	}
	var why []string
	for _, want := range t.Figures {
		w := figure.Extract(want)[0]
		switch {
		case !slices.ContainsFunc(body, w.Equal):
			why = append(why, fmt.Sprintf("missing figure %s", want))
		case !slices.ContainsFunc(given, w.Equal):
			why = append(why, fmt.Sprintf("figure %s not in the first line", want))
		}
	}
	for _, s := range t.Sections {
		if !slices.ContainsFunc(ans.Citations, func(c reply.Citation) bool { return c.Section == s }) {
			why = append(why, fmt.Sprintf("section %s not cited", s))
		}
	}
	first, _, _ := strings.Cut(ans.Text, "\n")
	for _, w := range t.Says {
		if !strings.Contains(first, w) {
			why = append(why, fmt.Sprintf("first line does not say %q", w))
		}
	}
	if t.NoNumber && hasCount(body) {
		why = append(why, "gave a number where the report gives none")
	}
	return strings.Join(why, "; ")
}

// hasCount reports whether figures hold a count or a share.
func hasCount(fs []figure.Figure) bool {
	return slices.ContainsFunc(fs, func(f figure.Figure) bool {
		return f.Kind == figure.KindNumber || f.Kind == figure.KindPercent
	})
}

// retrievalRank is the 1-based rank of the first expected section among the
// sections retrieved for the resolved question, or 0 when none is in the top
// ten.
func retrievalRank(ix *knowledge.Index, resolved string, want []string) int {
	if resolved == "" {
		return 0
	}
	for i, h := range ix.Search(ix.Analyze(resolved), 10) {
		if slices.Contains(want, h.Section.ID) {
			return i + 1
		}
	}
	return 0
}

// Print writes the report as a table, then the failures. Both readings are
// scored; with strict, the failures listed include the answers whose
// expected figures are only in the quote, not in the first line.
func (r Report) Print(w io.Writer, strict bool) {
	fmt.Fprintf(w, "%-14s %6s %8s %8s %7s %7s %7s %12s\n", "category", "turns", "strict", "lenient", "hit@1", "hit@3", "MRR", "unsupported")
	names := make([]string, 0, len(r.Categories))
	for n := range r.Categories {
		names = append(names, n)
	}
	sort.Strings(names)
	row := func(name string, s Score) {
		if s.Retrieval == 0 { // declined questions have no section to find
			fmt.Fprintf(w, "%-14s %6d %7.1f%% %7.1f%% %7s %7s %7s %12d\n", name, s.Turns, 100*s.StrictAccuracy(), 100*s.Accuracy(), "-", "-", "-", s.Unsupported)
			return
		}
		fmt.Fprintf(w, "%-14s %6d %7.1f%% %7.1f%% %6.1f%% %6.1f%% %7.3f %12d\n", name, s.Turns, 100*s.StrictAccuracy(), 100*s.Accuracy(),
			100*ratio(float64(s.Hit1), s.Retrieval), 100*ratio(float64(s.Hit3), s.Retrieval), s.MRR(), s.Unsupported)
	}
	for _, n := range names {
		row(n, *r.Categories[n])
	}
	row("overall", r.Overall)
	for _, f := range r.Failures {
		if f.Lead && !strict {
			continue
		}
		fmt.Fprintf(w, "\nFAIL %s %q: %s\n  %s\n", f.Case, f.Question, f.Why, strings.ReplaceAll(f.Answer, "\n", "\n  "))
	}
}
