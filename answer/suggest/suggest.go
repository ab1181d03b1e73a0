package suggest

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"reportbot/answer/engine"
	"reportbot/answer/place"
	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// MaxFirst is the most first questions any channel offers.
const MaxFirst = 4

// First draws up to n first questions from the reports' figures: one a
// chapter, each a question the report answers with that very figure first
// (收到多少件行政复议申请?). With several reports, each question names its
// report's place and year.
func First(e *engine.Engine, n int) []string {
	docs := place.Latest(e.Index.Docs())
	if len(docs) > 3 {
		docs = docs[:3]
	}
	var out []string
	per := max(1, (n+len(docs)-1)/len(docs))
	for _, d := range docs {
		prefix := ""
		if len(e.Index.Docs()) > 1 {
			prefix = place.Label(d)
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

// maxNearby is how many questions an answer that finds nothing offers.
const maxNearby = 3

// WithNearby is ans, an answer that found nothing, offering up to
// maxNearby questions the report does answer, each with its figure first,
// from the sections nearest the question: what its asker may have meant. It is ans unchanged for a question declined as an
// instruction or a person's own case, of a place the report does not name,
// with several reports loaded, and when no section shares a word with the
// question.
func WithNearby(e *engine.Engine, ans reply.Answer) reply.Answer {
	docs := e.Index.Docs()
	norm := knowledge.Normalize(cmp.Or(ans.Resolved, ans.Question))
	if ans.Found || len(docs) != 1 || engine.Instructs(norm) || engine.Personal(norm) {
		return ans
	}
	if own := e.OwnPlace(norm); own != "" {
		norm = strings.ReplaceAll(norm, own, "") // the report's own place is no word to find in it
	}
	if e.Elsewhere(norm) {
		return ans // of another place: this report's questions would answer of the wrong one
	}
	qs := nearby(e, norm)
	if len(qs) == 0 {
		return ans
	}
	lines := []reply.Line{{Text: "报告里没有找到这个问题的答案。报告回答了这些相近的问题:"}}
	for _, q := range qs {
		lines = append(lines, reply.Line{Text: "· " + q})
	}
	ans.SetLines(lines)
	ans.Suggested = qs
	return ans
}

// nearby are the questions of WithNearby for a question (normalized):
// of the facts of the sections a search for it finds, best section first,
// those whose words share the most pairs of characters with it.
func nearby(e *engine.Engine, norm string) []string {
	ix := e.Index
	asked := bigrams(norm)
	type near struct {
		question string
		fact     knowledge.Fact
		rank     int  // of its section among those found
		fit      bool // in the unit the question asks for
		shared   int
	}
	var cands []near
	for rank, h := range ix.Search(ix.Analyze(norm), nearbySections) {
		for _, f := range h.Section.Facts() {
			q, ok := nearbyQuestion(f)
			if !ok || len(figure.Extract(q)) > 0 {
				continue
			}
			fit := engine.InUnitAsked(norm, f)
			cands = append(cands, near{q, f, rank, fit, sharedBigrams(asked, f.Measure.Words()+f.Of.Words()+f.Clause)})
		}
	}
	slices.SortStableFunc(cands, func(x, y near) int {
		return cmp.Or(x.rank-y.rank, boolOrder(y.fit)-boolOrder(x.fit), y.shared-x.shared)
	})
	var out []string
	tried := 0
	for _, c := range cands {
		if len(out) == maxNearby || tried == 2*maxNearby { // each try is an answer: a bound on the time a decline takes
			break
		}
		if slices.Contains(out, c.question) {
			continue
		}
		tried++
		if a := e.Answer(c.question, nil); len(a.Lead) == 0 || !engine.SameFact(a.Lead[0], c.fact) {
			continue // the report would not answer it with this figure first
		}
		out = append(out, c.question)
	}
	return out
}

// boolOrder orders true before false.
func boolOrder(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nearbyQuestion words a fact as the question it answers (suggestion),
// a rate too: 行政机关负责人出庭应诉率是多少?
func nearbyQuestion(f knowledge.Fact) (string, bool) {
	m := f.Measure.String()
	if f.Kind == figure.KindPercent && f.Measure.After == "" && f.Of.IsZero() && f.Polarity == "" && f.Approx == "" {
		if n := utf8.RuneCountInString(m); n >= 4 && n <= 14 && !strings.ContainsAny(m, "“”\"《》()()…") {
			return m + "是多少?", true
		}
	}
	return suggestion(f)
}

// nearbySections is how many sections found for a question its nearby
// questions are drawn from.
const nearbySections = 2

// bigrams are the pairs of Han characters in text that follow each other.
func bigrams(text string) map[string]bool {
	out := map[string]bool{}
	var prev rune
	for _, r := range text {
		if unicode.Is(unicode.Han, r) && unicode.Is(unicode.Han, prev) {
			out[string([]rune{prev, r})] = true
		}
		prev = r
	}
	return out
}

// sharedBigrams counts the bigrams of text that asked holds.
func sharedBigrams(asked map[string]bool, text string) int {
	n := 0
	for b := range bigrams(text) {
		if asked[b] {
			n++
		}
	}
	return n
}
