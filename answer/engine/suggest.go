package engine

import (
	"slices"
	"strings"
	"unicode/utf8"

	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// maxSuggestions is the most first questions any channel offers.
const maxSuggestions = 4

// Suggestions are up to n (at most maxSuggestions) first questions a
// newcomer may ask, made once for the reports loaded.
func (e *Engine) Suggestions(n int) []string {
	e.suggested.Do(func() { e.suggestions = e.suggest(maxSuggestions) })
	return slices.Clip(e.suggestions[:min(n, len(e.suggestions))])
}

// suggest draws up to n first questions from the reports' figures: one a
// chapter, each a question the report answers with that very figure first
// (收到多少件行政复议申请?). With several reports, each question names its
// report's place and year.
func (e *Engine) suggest(n int) []string {
	docs := Latest(e.Index.Docs())
	if len(docs) > 3 {
		docs = docs[:3]
	}
	var out []string
	per := max(1, (n+len(docs)-1)/len(docs))
	for _, d := range docs {
		prefix := ""
		if len(e.Index.Docs()) > 1 {
			prefix = ReportLabel(d)
		}
		one := e
		if len(e.Index.Docs()) > 1 {
			one = e.Of(knowledge.NewIndex(d)) // made once: each report answers alone
		}
		chapters := map[string]bool{}
		took := 0
		for _, f := range d.Facts() {
			if took >= per || len(out) >= n {
				break
			}
			chapter := strings.SplitN(f.Section, ")", 2)[0]
			q, ok := suggestion(f)
			if !ok || chapters[chapter] {
				continue
			}
			if ans := one.Answer(q, nil); len(ans.Lead) == 0 || ans.Lead[0].Text != f.Text || ans.Lead[0].Section != f.Section {
				continue // the report would not answer it with this figure first
			}
			chapters[chapter] = true
			out = append(out, prefix+q)
			took++
		}
	}
	return out
}

// suggestion words a fact as the question it answers, when its measure
// reads as one: a count or an amount of something plainly named.
func suggestion(f knowledge.Fact) (string, bool) {
	m := f.Measure.String()
	if f.Kind != figure.KindNumber || f.Unit == "" || f.Unit == "%" || f.Approx != "" || !f.Of.IsZero() || f.Polarity != "" ||
		strings.ContainsAny(m, "“”\"《》()()") || strings.Count(m, "…") > 1 {
		return "", false
	}
	if f.Text == "" || f.Text[0] < '0' || f.Text[0] > '9' || f.Value < 3 { // 一支, 三级: a plain count reads better
		return "", false
	}
	if n := utf8.RuneCountInString(m); n < 5 || n > 14 {
		return "", false
	}
	if strings.Contains(m, "…") {
		return strings.Replace(m, "…", "多少"+f.Unit, 1) + "?", true
	}
	return m + "多少" + f.Unit + "?", true
}
