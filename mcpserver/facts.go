package mcpserver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"reportbot/knowledge"
)

// How many facts search_facts gives when not told, and at most.
const (
	defaultFactLimit = 10
	maxFactLimit     = 50
)

// match is a fact found for a query, with how well it matches.
type match struct {
	r       *report
	sec     *knowledge.Section
	f       knowledge.Fact
	score   float64 // the query's terms in its sentence, clause and heading
	section float64 // its section's BM25 score for the query
}

func (s *Server) searchFacts(_ context.Context, _ *mcp.CallToolRequest, in SearchFactsInput) (*mcp.CallToolResult, SearchFactsOutput, error) {
	lib := s.lib.Load()
	query := strings.TrimSpace(in.Query)
	if query == "" {
		return nil, SearchFactsOutput{}, errors.New("no query: say in a few words what the figures are about, such as 行政复议 or 法律顾问")
	}
	reports, err := lib.filter(strings.TrimSpace(in.Place), in.Year)
	if err != nil {
		return nil, SearchFactsOutput{}, err
	}
	limit := in.Limit
	if limit <= 0 {
		limit = defaultFactLimit
	}
	limit = min(limit, maxFactLimit)
	matches := lib.searchFacts(query, reports)
	out := SearchFactsOutput{Facts: []Fact{}, Matched: len(matches)}
	if len(matches) == 0 {
		return text(fmt.Sprintf("No figure of the reports matches %q. Try other words, or ask the question with ask.", query)), out, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d figures match %q; the first %d, best first:\n", len(matches), query, min(limit, len(matches)))
	for i, m := range matches[:min(limit, len(matches))] {
		f := factOf(m)
		out.Facts = append(out.Facts, f)
		fmt.Fprintf(&b, "\n%d. %s — %s\n   《%s》(%s) %s\n   原文:%s\n", i+1, f.Figure, describe(m.f, f.Year), f.Title, f.Report, m.sec.Label(), f.Sentence)
	}
	return text(b.String()), out, nil
}

// filter returns the reports of place and year; "" and 0 filter nothing.
func (lib *library) filter(place string, year int) ([]*report, error) {
	var out []*report
	for _, r := range lib.reports {
		m := r.doc.Meta
		if place != "" && !(m.Place != "" && (strings.Contains(m.Place, place) || strings.Contains(place, m.Place))) && !strings.Contains(m.Title, place) {
			continue
		}
		if year != 0 && m.Year != year {
			continue
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no loaded report is of %s; the reports are %s. Leave place and year out to search them all", strings.TrimSpace(place+" "+yearWords(year)), lib.names())
	}
	return out, nil
}

func yearWords(y int) string {
	if y == 0 {
		return ""
	}
	return fmt.Sprintf("%d年", y)
}

// searchFacts finds the facts of reports that query is about: those whose
// sentence, or whose section's heading, holds a run of the query's words
// whole (行政复议) or more than half the words it must cover. The more of
// the query's terms a fact's clause and sentence have, the better it
// matches; ties go to the better section, then to reading order.
func (lib *library) searchFacts(query string, reports []*report) []match {
	ix := lib.ans.Index
	q := ix.Analyze(query)
	need := q.Content
	if len(need) == 0 {
		for _, t := range q.Terms {
			need = append(need, t.Text)
		}
	}
	var runs []string
	for _, p := range q.Parts {
		runs = append(runs, p...)
	}
	total := 0
	for _, r := range lib.reports {
		total += len(r.doc.Sections)
	}
	sectionScore := map[*knowledge.Section]float64{}
	for _, h := range ix.Search(q, total) {
		sectionScore[h.Section] = h.Score
	}
	var out []match
	for _, r := range reports {
		for _, sec := range r.doc.Sections {
			heading := knowledge.Fold(sec.Heading)
			for _, f := range sec.Facts() {
				// 其中受理68件 is of 收到…行政复议申请: its clause is read with what it is part of.
				sentence, clause := knowledge.Fold(sentenceOf(sec, f)), knowledge.Fold(f.Clause+" "+f.Of.Words())
				if m, ok := scoreFact(q.Terms, need, runs, clause, sentence, heading); ok {
					out = append(out, match{r: r, sec: sec, f: f, score: m, section: sectionScore[sec]})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b match) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(b.section, a.section))
	})
	return out
}

// scoreFact scores a fact by the query's terms and runs its folded clause,
// sentence and section heading hold, and says whether it is about the
// query at all: a run whole in its sentence or heading, or more than half
// of the words needed.
func scoreFact(terms []knowledge.Term, need, runs []string, clause, sentence, heading string) (float64, bool) {
	inClause, inSentence, inHeading := termSet(clause), termSet(sentence), termSet(heading)
	score, covered := 0.0, 0
	for _, t := range terms {
		w := 0.0
		if inSentence[t.Text] {
			w += t.Weight
		}
		if inClause[t.Text] {
			w += t.Weight
		}
		if inHeading[t.Text] {
			w += t.Weight / 2
		}
		if w > 0 && slices.Contains(need, t.Text) {
			covered++
		}
		score += w
	}
	whole := false
	for _, run := range runs {
		if strings.Contains(clause, run) {
			score += 2
		}
		if strings.Contains(sentence, run) {
			score++
			whole = true
		}
		whole = whole || strings.Contains(heading, run)
	}
	return score, whole || 2*covered > len(need)
}

// termSet is the search terms of a folded text.
func termSet(text string) map[string]bool {
	set := map[string]bool{}
	for _, t := range knowledge.Terms(text) {
		set[t] = true
	}
	return set
}

// sentenceOf is the sentence of its section that states f, as printed.
func sentenceOf(sec *knowledge.Section, f knowledge.Fact) string {
	return strings.TrimSpace(sec.Text[f.Sentence[0]:f.Sentence[1]])
}

// factOf is a fact found, as the tool gives it.
func factOf(m match) Fact {
	f, meta := m.f, m.r.doc.Meta
	out := Fact{Figure: f.Text, Value: f.Value, Unit: f.Unit, Counts: f.Measure.String(), Actor: f.Actor, Period: f.Period,
		Approx: f.Approx, Negated: f.Polarity, Report: m.r.id, Title: meta.Title, Place: meta.Place, Year: meta.Year,
		Section: f.Section, Heading: m.sec.Heading, Sentence: sentenceOf(m.sec, f)}
	if !f.Of.IsZero() {
		out.Of = f.Of.String()
	}
	return out
}

// describe says what a fact of a report of year counts, with its
// qualifiers: 受理 (of 收到…行政复议申请).
func describe(f knowledge.Fact, year int) string {
	var q []string
	if !f.Of.IsZero() {
		q = append(q, "of "+f.Of.String())
	}
	if f.Actor != "" {
		q = append(q, "by "+f.Actor)
	}
	if f.Approx != "" {
		q = append(q, "approximately: "+f.Approx)
	}
	if f.Period != 0 && f.Period != year {
		q = append(q, fmt.Sprintf("in %d", f.Period))
	}
	if len(q) == 0 {
		return f.Measure.String()
	}
	return f.Measure.String() + " (" + strings.Join(q, "; ") + ")"
}
