package answer

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"reportbot/knowledge"
)

// Tuning of extractive answering. The gold set in testdata/ measures them.
const (
	searchDepth      = 5    // sections whose sentences are candidates
	minCoverage      = 0.6  // share of the question's content an answer must cover
	minExtraGain     = 0.2  // share a further sentence must add to be quoted too
	maxQuotes        = 3    // sentences quoted at most
	maxSectionQuotes = 6    // sentences quoted at most when a heading names the section
	headingCredit    = 0.5  // a term found only in a sentence's headings counts this much when ranking
	rankCredit       = 0.15 // weight of the section's retrieval score when ranking sentences
	figureCredit     = 0.25 // bonus for a sentence with a figure, when the question asks for a number
	unitCredit       = 0.25 // bonus for a figure in the unit the question asks for
	contextCredit    = 0.3  // weight of the earlier turn's topic, for a follow-up
	sectionCredit    = 0.2  // bonus for a section the earlier turn cited, for a follow-up
	maxResolved      = 120  // runes of conversation a follow-up is searched with
	headingShare     = 0.7  // share of a question a heading must name to answer with its section
	leadShare        = 0.5  // a clause said first must score this share of the best
	maxLeadClauses   = 3    // clauses said first at most
)

// injectionRE matches questions that try to instruct the bot rather than ask
// about the report. They are declined without a search.
var injectionRE = regexp.MustCompile(`(?i)(忽略|无视|忘记|忘掉|不要理会|ignore|disregard|forget).{0,12}(指令|指示|规则|提示|设定|要求|instruction|rule|prompt)|系统提示|提示词|system prompt|jailbreak|developer mode|(你现在是|你现在扮演|扮演|假装你|假设你是|pretend|act as|you are now)`)

// quantityRE matches questions that ask for a number, and unitCues what unit
// the number should have.
var quantityRE = regexp.MustCompile(`多少|几|比例|比率|占比|率|金额|数量|总数|多大|多高|多长|how many|how much|什么时候|哪天|哪一天|日期`)

var unitCues = []struct {
	re   *regexp.Regexp
	unit string
	kind knowledge.FigureKind
}{
	{regexp.MustCompile(`人次`), "人次", knowledge.KindNumber},
	{regexp.MustCompile(`(多少|几)(个)?(人|名|位)|人数`), "人", knowledge.KindNumber},
	{regexp.MustCompile(`(多少|几)件|件数|案件数`), "件", knowledge.KindNumber},
	{regexp.MustCompile(`(多少|几)次`), "次", knowledge.KindNumber},
	{regexp.MustCompile(`(多少|几)项`), "项", knowledge.KindNumber},
	{regexp.MustCompile(`(多少|几)起`), "起", knowledge.KindNumber},
	{regexp.MustCompile(`(多少|几)家`), "家", knowledge.KindNumber},
	{regexp.MustCompile(`(多少|几)条`), "条", knowledge.KindNumber},
	{regexp.MustCompile(`(多少|几)期`), "期", knowledge.KindNumber},
	{regexp.MustCompile(`(多少|几)个`), "个", knowledge.KindNumber},
	{regexp.MustCompile(`钱|金额|资金|元`), "元", knowledge.KindNumber},
	{regexp.MustCompile(`率|比例|比率|占比|百分`), "%", knowledge.KindPercent},
	{regexp.MustCompile(`什么时候|哪天|哪一天|日期|几月几[日号]`), "", knowledge.KindDate},
}

// candidate is one report sentence that may answer the question.
type candidate struct {
	hit      knowledge.Hit
	order    int // position of the section among all, then of the sentence in it
	sentence string
	inText   map[string]bool // terms of the sentence
	inHead   map[string]bool // terms of its section's headings
	figures  []knowledge.Figure
	score    float64
}

// query is what a question asks, once its conversation is taken into
// account.
type query struct {
	search   knowledge.Query // what is searched
	focus    []string        // terms an answer must cover
	context  []string        // the earlier turn's terms, for a follow-up
	sections map[string]bool // sections the earlier turn cited
	resolved string
	followUp bool
}

func (a *Answerer) answer(question string, history []Turn) Answer {
	ix := a.Index
	norm := knowledge.Normalize(question)
	if injectionRE.MatchString(norm) {
		return a.notFound(question, "")
	}
	q := a.resolve(question, history)
	for _, y := range q.search.Years {
		if !ix.HasYear(y) {
			return a.notFound(question, q.resolved)
		}
	}
	if len(q.focus) == 0 {
		return a.notFound(question, q.resolved)
	}
	cands := a.candidates(q)
	// A follow-up asks for what its conversation asked for: "不予受理的呢?"
	// after "收到多少件?" wants a number of 件.
	asked := norm
	if q.followUp {
		asked = q.resolved
	}
	quantity := quantityRE.MatchString(asked)
	unit, kind, hasUnit := unitCue(norm)
	if !hasUnit {
		unit, kind, hasUnit = unitCue(asked)
	}
	total := 0.0
	for _, t := range q.focus {
		total += ix.Weight(t)
	}
	for i := range cands {
		c := &cands[i]
		own := 0.0 // focus weight in the sentence itself
		for _, t := range q.focus {
			switch {
			case c.inText[t]:
				c.score += ix.Weight(t)
				own += ix.Weight(t)
			case c.inHead[t]:
				c.score += headingCredit * ix.Weight(t)
			}
		}
		for _, t := range q.context {
			if c.inText[t] || c.inHead[t] {
				c.score += contextCredit * ix.Weight(t)
			}
		}
		if q.sections[c.hit.Section.ID] {
			c.score += sectionCredit * total
		}
		c.score += rankCredit * total * c.hit.Score / cands[0].hit.Score
		// A figure counts for as much of the question as its sentence
		// covers: 出庭应诉率达100% is no answer to 败诉率.
		if quantity && hasNumber(c.figures) {
			c.score += figureCredit * own
			if hasUnit && hasFigure(c.figures, unit, kind) {
				c.score += unitCredit * own
			}
		}
	}
	slices.SortStableFunc(cands, func(x, y candidate) int {
		if c := cmpDesc(x.score, y.score); c != 0 {
			return c
		}
		return x.order - y.order
	})
	var picked []candidate
	covered := 0.0
	if !quantity {
		picked, covered = headingAnswer(ix, cands, q.focus, total)
	}
	if picked == nil {
		picked, covered = pick(ix, cands, q.focus, total)
	}
	if covered < minCoverage*total {
		return a.notFound(question, q.resolved)
	}
	slices.SortFunc(picked, func(x, y candidate) int { return x.order - y.order })
	ans := Answer{Question: question, Found: true, Mode: ModeExtractive, Resolved: q.resolved}
	many := len(ix.Docs()) > 1
	for _, c := range picked {
		cit := Citation{Section: c.hit.Section.ID, Heading: c.hit.Section.Heading, Quote: c.sentence}
		if many {
			cit.Report = c.hit.Doc.Meta.Title
		}
		ans.Citations = append(ans.Citations, cit)
	}
	noNumber := quantity && !slices.ContainsFunc(picked, func(c candidate) bool { return hasNumber(c.figures) })
	lead := ""
	if quantity && !noNumber {
		lead = leadClauses(ix, picked, q.focus, unit, kind, hasUnit)
	}
	ans.Text = composeFound(ans.Citations, lead, noNumber)
	return ans
}

// headingAnswer answers a question that names a section by its heading
// (存在什么问题 → 二、存在的问题) with that section's first sentences. Only
// the two best sections by retrieval are considered.
func headingAnswer(ix *knowledge.Index, cands []candidate, focus []string, total float64) ([]candidate, float64) {
	var hits []knowledge.Hit
	for _, c := range cands {
		if !slices.ContainsFunc(hits, func(h knowledge.Hit) bool { return h.Section == c.hit.Section }) {
			hits = append(hits, c.hit)
		}
	}
	slices.SortStableFunc(hits, func(x, y knowledge.Hit) int { return cmpDesc(x.Score, y.Score) })
	for _, h := range hits[:min(2, len(hits))] {
		head := map[string]bool{}
		for _, t := range knowledge.Terms(knowledge.Fold(h.Section.Heading)) {
			head[t] = true
		}
		w := 0.0
		for _, t := range focus {
			if head[t] {
				w += ix.Weight(t)
			}
		}
		if w < headingShare*total {
			continue
		}
		var out []candidate
		for _, c := range cands {
			if c.hit.Section == h.Section {
				out = append(out, c)
			}
		}
		slices.SortFunc(out, func(x, y candidate) int { return x.order - y.order })
		return out[:min(maxSectionQuotes, len(out))], w
	}
	return nil, 0
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// leadClauses picks, from the quoted sentences, the clauses that give the
// asked-for figures ("其中受理68件"), to say first. Each clause is exact report
// text. It returns "" when the quote is short enough to need no lead.
func leadClauses(ix *knowledge.Index, picked []candidate, focus []string, unit string, kind knowledge.FigureKind, hasUnit bool) string {
	type clause struct {
		text  string
		score float64
	}
	var all []clause
	best := 0.0
	for _, c := range picked {
		for _, cl := range clauses(c.sentence) {
			fs := knowledge.ExtractFigures(cl)
			if !hasNumber(fs) {
				continue
			}
			terms := map[string]bool{}
			for _, t := range knowledge.Terms(knowledge.Fold(cl)) {
				terms[t] = true
			}
			sc := 0.0
			for _, t := range focus {
				if terms[t] {
					sc += ix.Weight(t)
				}
			}
			if sc == 0 {
				continue
			}
			if hasUnit && hasFigure(fs, unit, kind) {
				sc *= 1.5
			}
			best = max(best, sc)
			all = append(all, clause{cl, sc})
		}
	}
	var lead []string
	total := 0
	for _, c := range picked {
		total += len(clauses(c.sentence))
	}
	for _, c := range all {
		if c.score >= leadShare*best && len(lead) < maxLeadClauses {
			lead = append(lead, c.text)
		}
	}
	if len(lead) == 0 || len(lead) == total {
		return ""
	}
	return strings.Join(lead, " … ")
}

// clauses splits a sentence at its commas and semicolons, dropping the
// punctuation.
func clauses(sentence string) []string {
	return strings.FieldsFunc(sentence, func(r rune) bool {
		switch r {
		case ',', '\uff0c', ';', '\uff1b', '。', '!', '?', '\uff01', '\uff1f', ':', '\uff1a':
			return true
		}
		return false
	})
}

// pick chooses the best sentence and then those that cover what it leaves
// out, and returns them with the weight of focus terms they cover.
func pick(ix *knowledge.Index, cands []candidate, focus []string, total float64) ([]candidate, float64) {
	if len(cands) == 0 || cands[0].score <= 0 {
		return nil, 0
	}
	covered := map[string]bool{}
	gain := func(c candidate) float64 {
		g := 0.0
		for _, t := range focus {
			if !covered[t] && (c.inText[t] || c.inHead[t]) {
				g += ix.Weight(t)
			}
		}
		return g
	}
	take := func(c candidate) {
		for _, t := range focus {
			if c.inText[t] || c.inHead[t] {
				covered[t] = true
			}
		}
	}
	picked := []candidate{cands[0]}
	take(cands[0])
	for len(picked) < maxQuotes {
		best, bestGain := -1, 0.0
		for i, c := range cands {
			// A further quote must itself say what it adds, not only sit
			// under a heading that does.
			if g := gain(c); g > bestGain && textGain(c, focus, covered) > 0 {
				best, bestGain = i, g
			}
		}
		if best < 0 || bestGain < minExtraGain*total {
			break
		}
		picked = append(picked, cands[best])
		take(cands[best])
	}
	sum := 0.0
	for _, t := range focus {
		if covered[t] {
			sum += ix.Weight(t)
		}
	}
	return picked, sum
}

// textGain counts the words (not lone characters) a sentence adds itself.
func textGain(c candidate, focus []string, covered map[string]bool) int {
	n := 0
	for _, t := range focus {
		if !covered[t] && c.inText[t] && utf8.RuneCountInString(t) > 1 {
			n++
		}
	}
	return n
}

// resolve works out what a question asks. A follow-up ("那受理了几件?",
// "金额呢?") is searched together with the earlier turn, and must still
// answer its own words; any other question stands alone.
func (a *Answerer) resolve(question string, history []Turn) query {
	ix := a.Index
	own := ix.Analyze(question)
	q := query{search: own, focus: own.Content, resolved: own.Text}
	if len(history) == 0 || !isFollowUp(question, own) {
		return q
	}
	prev := history[len(history)-1]
	if prev.Resolved == "" {
		return q
	}
	topic := ix.Analyze(prev.Resolved)
	q.followUp = true
	q.resolved = clipRunes(prev.Resolved, maxResolved) + " " + own.Text
	q.search = ix.Analyze(q.resolved)
	q.context = topic.Content
	q.sections = map[string]bool{}
	for _, s := range prev.Sections {
		q.sections[s] = true
	}
	if len(q.focus) == 0 {
		q.focus, q.context = topic.Content, nil
	}
	return q
}

var followUpRE = regexp.MustCompile(`^(那|那么|还有|另外|其中|其他|其余|它|这|此外|而|同时)|呢[??!!。.]*$`)

// isFollowUp reports whether a question leans on the one before it: it
// opens or ends like a follow-up, or names too little to stand alone.
func isFollowUp(question string, q knowledge.Query) bool {
	if utf8.RuneCountInString(question) > 24 {
		return false
	}
	return followUpRE.MatchString(strings.TrimSpace(q.Text)) || len(q.Content) <= 2
}

// candidates returns the sentences of the best sections for q.
func (a *Answerer) candidates(q query) []candidate {
	var out []candidate
	for _, h := range a.Index.Search(q.search, searchDepth) {
		head := map[string]bool{}
		for _, t := range knowledge.Terms(knowledge.Fold(h.Section.Heading + " " + strings.Join(h.Section.Path, " "))) {
			head[t] = true
		}
		for i, s := range Sentences(h.Section.Text) {
			c := candidate{hit: h, order: sectionOrder(a.Index, h)*1000 + i, sentence: s, inHead: head, inText: map[string]bool{}}
			for _, t := range knowledge.Terms(knowledge.Fold(s)) {
				c.inText[t] = true
			}
			c.figures = knowledge.ExtractFigures(s)
			out = append(out, c)
		}
	}
	return out
}

func sectionOrder(ix *knowledge.Index, h knowledge.Hit) int {
	n := 0
	for _, d := range ix.Docs() {
		if d != h.Doc {
			n += len(d.Sections)
			continue
		}
		return n + slices.Index(d.Sections, h.Section)
	}
	return n
}

// Sentences splits report text into sentences, each exactly as printed with
// its closing punctuation. Semicolons end a sentence too: Chinese reports
// join independent statements with them.
func Sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		switch r {
		case '。', '!', '?', ';', '\uff01', '\uff1f', '\uff1b', '\n':
			end := i + utf8.RuneLen(r)
			if s := strings.TrimSpace(text[start:end]); s != "" && s != "\n" {
				out = append(out, strings.TrimSpace(s))
			}
			start = end
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

func hasNumber(fs []knowledge.Figure) bool {
	return slices.ContainsFunc(fs, func(f knowledge.Figure) bool {
		return f.Kind == knowledge.KindNumber || f.Kind == knowledge.KindPercent || f.Kind == knowledge.KindDate
	})
}

func hasFigure(fs []knowledge.Figure, unit string, kind knowledge.FigureKind) bool {
	return slices.ContainsFunc(fs, func(f knowledge.Figure) bool {
		return f.Kind == kind && (unit == "" || f.Unit == unit)
	})
}

func unitCue(q string) (string, knowledge.FigureKind, bool) {
	for _, c := range unitCues {
		if c.re.MatchString(q) {
			return c.unit, c.kind, true
		}
	}
	return "", "", false
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[len(r)-n:])
}
