package engine

import (
	"slices"
	"strings"
	"unicode/utf8"

	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// query is what a question asks, once its conversation is taken into
// account.
type query struct {
	search    knowledge.Query // what is searched
	focus     []string        // terms an answer must cover
	parts     [][]string      // content runs by clause of the question
	clauses   []string        // the clause of each part
	synonyms  map[string][]string
	own       [][]string      // for a one-word follow-up, its own content runs
	context   []string        // the earlier turn's terms, for a follow-up
	topic     [][]string      // the earlier turn's content runs, for a follow-up
	sections  map[string]bool // sections the earlier turn cited
	resolved  string
	followUp  bool
	continues bool // a one-word follow-up, answered on the earlier topic
}

// candidate is one report sentence that may answer the question.
type candidate struct {
	hit      knowledge.Hit
	order    int // position of the section among all, then of the sentence in it
	sentence string
	inText   map[string]bool // terms of the sentence
	inHead   map[string]bool // terms of its section's headings
	figures  []figure.Figure
	facts    []knowledge.Fact // the facts the sentence states, in reading order
	score    float64
}

func (c candidate) has(t string) bool { return c.inText[t] || c.inHead[t] }

// parsedSection is a section split into sentences with their terms and
// figures, and the terms of its headings: what answering reads of it.
type parsedSection struct {
	head      map[string]bool
	sentences []parsedSentence
}

type parsedSentence struct {
	text    string
	terms   map[string]bool
	figures []figure.Figure
	facts   []knowledge.Fact
}

// SectionSentences are the sentences of s, as an answer quotes them.
func (e *Engine) SectionSentences(s *knowledge.Section) []string {
	var out []string
	for _, st := range e.parsed(s).sentences {
		out = append(out, st.text)
	}
	return out
}

// parsed returns s split for answering, once per section and Answerer.
func (e *Engine) parsed(s *knowledge.Section) *parsedSection {
	if p, ok := e.sections.Load(s); ok {
		return p.(*parsedSection)
	}
	p := &parsedSection{head: map[string]bool{}}
	for _, t := range knowledge.Terms(knowledge.Fold(s.Heading + " " + strings.Join(s.Path, " "))) {
		p.head[t] = true
	}
	for _, text := range Sentences(s.Text) {
		st := parsedSentence{text: text, terms: map[string]bool{}}
		for _, t := range knowledge.Terms(knowledge.Fold(text)) {
			st.terms[t] = true
		}
		// The sentence's figures are its facts': 一件 in “一件事一次办”
		// is part of a name, and answers no question.
		for _, f := range s.Facts() {
			if strings.TrimSpace(s.Text[f.Sentence[0]:f.Sentence[1]]) == text {
				st.facts = append(st.facts, f)
				st.figures = append(st.figures, f.Figure())
			}
		}
		p.sentences = append(p.sentences, st)
	}
	got, _ := e.sections.LoadOrStore(s, p)
	return got.(*parsedSection)
}

// candidates returns the sentences of the best sections for q, best first,
// and the sections found.
func (e *Engine) candidates(q query, k ask) ([]candidate, []knowledge.Hit) {
	ix := e.Index
	var out []candidate
	hits := ix.Search(q.search, searchDepth)
	// A question in several parts also gets the best sections for each
	// part, which the whole question may rank too low.
	if len(q.parts) > 1 {
		for _, runs := range q.parts {
			for _, h := range ix.Search(ix.Analyze(strings.Join(runs, " ")), 2) {
				if !slices.ContainsFunc(hits, func(x knowledge.Hit) bool { return x.Section == h.Section }) {
					h.Score = 0
					hits = append(hits, h)
				}
			}
		}
	}
	for _, h := range hits {
		sec := e.parsed(h.Section)
		order := sectionOrder(ix, h) * 1000
		for i, st := range sec.sentences {
			out = append(out, candidate{hit: h, order: order + i, sentence: st.text,
				inHead: sec.head, inText: st.terms, figures: st.figures, facts: st.facts})
		}
	}
	total := 0.0
	for _, t := range q.focus {
		total += ix.Weight(t)
	}
	// A one-word follow-up's own word is what it asks: a sentence that says
	// it (or a synonym) is worth more than one on the earlier topic alone.
	ownSpans := contentSpans(ix, q.own, q.synonyms)
	for i := range out {
		c := &out[i]
		for _, s := range ownSpans {
			if s.coveredBy(c.has) {
				c.score += ownCredit * s.weight
			}
		}
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
			if c.has(t) {
				c.score += contextCredit * ix.Weight(t)
				own += contextCredit * ix.Weight(t)
			}
		}
		if q.sections[c.hit.Section.ID] {
			c.score += sectionCredit * total
		}
		c.score += rankCredit * total * c.hit.Score / hits[0].Score
		// A figure counts for as much of the question as its sentence
		// covers: 出庭应诉率达100% is no answer to 败诉率.
		if k.quantity && k.answeredBy(c.figures) {
			c.score += figureCredit * own
			if k.hasUnit && hasFigure(c.figures, k.unit, k.kind) {
				c.score += unitCredit * own
			}
		}
	}
	slices.SortStableFunc(out, func(x, y candidate) int {
		if c := cmpDesc(x.score, y.score); c != 0 {
			return c
		}
		return x.order - y.order
	})
	return out, hits
}

// span is one character (or ASCII word) of a question's content, with the
// terms whose presence shows that an answer covers it: the bigrams of the
// question that contain it. Measuring coverage by character rather than by
// bigram means the seams between words (议收 in 行政复议收到) count for nothing.
type span struct {
	part   int
	weight float64
	terms  []string
	alts   [][]string // synonyms of the word it is in, each a list of bigrams all needed
}

// coveredBy reports whether a sentence's terms cover the span.
func (s span) coveredBy(has func(string) bool) bool {
	if slices.ContainsFunc(s.terms, has) {
		return true
	}
	return slices.ContainsFunc(s.alts, func(alt []string) bool {
		return len(alt) > 0 && !slices.ContainsFunc(alt, func(t string) bool { return !has(t) })
	})
}

// contentSpans splits the content runs of a question's parts into spans. A
// character that makes no word of the reports with its neighbours (a
// citizen's own word for a thing) weighs less.
func contentSpans(ix *knowledge.Index, parts [][]string, synonyms map[string][]string) []span {
	var out []span
	for p, runs := range parts {
		for _, run := range runs {
			first := len(out)
			rs := []rune(run)
			for i := 0; i < len(rs); i++ {
				if rs[i] < utf8.RuneSelf {
					j := i
					for j < len(rs) && rs[j] < utf8.RuneSelf {
						j++
					}
					w := strings.TrimSpace(string(rs[i:j]))
					if w != "" {
						out = append(out, newSpan(ix, p, string(rs[i:j]), []string{w}))
					}
					i = j - 1
					continue
				}
				var terms []string
				if i > 0 && rs[i-1] >= utf8.RuneSelf {
					terms = append(terms, string(rs[i-1:i+1]))
				}
				if i+1 < len(rs) && rs[i+1] >= utf8.RuneSelf {
					terms = append(terms, string(rs[i:i+2]))
				}
				if terms == nil {
					terms = []string{string(rs[i])}
				}
				out = append(out, newSpan(ix, p, string(rs[i]), terms))
			}
			addSynonyms(out[first:], rs, synonyms)
		}
	}
	return out
}

// addSynonyms lets the spans of a word that has synonyms be covered by them
// too: 金额 by 资金. spans are the spans of run, one a rune when run is
// Chinese.
func addSynonyms(spans []span, run []rune, synonyms map[string][]string) {
	if len(spans) != len(run) {
		return
	}
	for w, alts := range synonyms {
		wr := []rune(w)
		for i := 0; i+len(wr) <= len(run); i++ {
			if string(run[i:i+len(wr)]) != w {
				continue
			}
			for _, alt := range alts {
				var bigrams []string
				for _, t := range knowledge.Terms(alt) {
					if utf8.RuneCountInString(t) > 1 {
						bigrams = append(bigrams, t)
					}
				}
				for j := i; j < i+len(wr); j++ {
					spans[j].alts = append(spans[j].alts, bigrams)
				}
			}
		}
	}
}

func newSpan(ix *knowledge.Index, part int, text string, terms []string) span {
	w := ix.Weight(text)
	// Chinese words the reports do not use are often a citizen's own words
	// for what they name otherwise; a Latin word or number (GDP, 12345) is
	// not.
	if r, _ := utf8.DecodeRuneInString(text); r >= utf8.RuneSelf && !slices.ContainsFunc(terms, ix.Known) {
		w *= unknownDiscount
	}
	return span{part: part, weight: w, terms: terms}
}

// spanCoverage is the share of the question's spans that covered marks.
func spanCoverage(spans []span, covered []bool) float64 {
	var got, total float64
	for i, s := range spans {
		total += s.weight
		if covered[i] {
			got += s.weight
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// cover marks the spans that c covers.
func cover(spans []span, covered []bool, c candidate) {
	for i, s := range spans {
		if !covered[i] && s.coveredBy(c.has) {
			covered[i] = true
		}
	}
}

// pick chooses the best sentence, then for each part of the question it
// does not answer ("社区有多少名,企业有多少名") the sentence that answers that
// part best, then sentences that add much of what is still open. It returns
// them with the spans they cover.
func pick(cands []candidate, spans []span, asks []ask) ([]candidate, []bool) {
	covered := make([]bool, len(spans))
	if cands[0].score <= 0 || len(spans) == 0 {
		return nil, covered
	}
	parts := spans[len(spans)-1].part + 1
	partWeight := make([]float64, parts)
	for _, s := range spans {
		partWeight[s.part] += s.weight
	}
	// share is the share of part p that c covers in its own words; half of
	// it when the question asks for a unit c has no figure in.
	share := func(c candidate, p int) float64 {
		var got, total float64
		for _, s := range spans {
			if s.part != p {
				continue
			}
			total += s.weight
			if s.coveredBy(func(t string) bool { return c.inText[t] }) {
				got += s.weight
			}
		}
		if k := asks[p]; k.hasUnit && !hasFigure(c.figures, k.unit, k.kind) {
			got /= 2
		}
		return got / total
	}
	picked := []candidate{cands[0]}
	add := func(c candidate) {
		picked = append(picked, c)
		cover(spans, covered, c)
	}
	cover(spans, covered, cands[0])
	for p := 0; p < parts && parts > 1 && len(picked) < maxQuotes; p++ {
		have := 0.0
		for _, c := range picked {
			have = max(have, share(c, p))
		}
		best, bestShare := -1, max(minCoverage, have+partMargin)
		for i, c := range cands {
			if s := share(c, p); s >= bestShare {
				best, bestShare = i, s
			}
		}
		if best >= 0 {
			add(cands[best])
		}
	}
	// gain is the weight c would newly cover in its own words, as a share
	// of the question.
	var total float64
	for _, s := range spans {
		total += s.weight
	}
	gain := func(c candidate) float64 {
		g := 0.0
		for i, s := range spans {
			if !covered[i] && s.coveredBy(func(t string) bool { return c.inText[t] }) {
				g += s.weight
			}
		}
		return g / total
	}
	for len(picked) < maxQuotes {
		best, bestGain := -1, 0.0
		for i, c := range cands {
			if g := gain(c); g > bestGain {
				best, bestGain = i, g
			}
		}
		if best < 0 || bestGain < minExtraGain {
			break
		}
		add(cands[best])
	}
	return picked, covered
}

// headingAnswer answers a question that names a section by its heading
// (存在什么问题 → 二、存在的问题) with that section's first sentences, and
// when it has no more than an introduction (“八五”普法规划, 下一步工作打算),
// the first sentence of each subsection. Only the two best sections by
// retrieval are considered.
func (e *Engine) headingAnswer(hits []knowledge.Hit, cands []candidate, spans []span) ([]candidate, []bool) {
	for _, h := range hits[:min(2, len(hits))] {
		head := candidate{inText: map[string]bool{}}
		for _, t := range knowledge.Terms(knowledge.Fold(h.Section.Heading)) {
			head.inText[t] = true
		}
		covered := make([]bool, len(spans))
		cover(spans, covered, head)
		if spanCoverage(spans, covered) < headingShare {
			continue
		}
		var out []candidate
		for _, c := range cands {
			if c.hit.Section == h.Section {
				out = append(out, c)
			}
		}
		slices.SortFunc(out, func(x, y candidate) int { return x.order - y.order })
		if len(out) < 2 { // an introduction at most: the substance is in the subsections
			out = append(out, e.childSentences(h)...)
		}
		if len(out) == 0 {
			continue
		}
		return out[:min(maxSectionQuotes, len(out))], covered
	}
	return nil, nil
}

// childSentences are the first sentence of each subsection of a section,
// in reading order.
func (e *Engine) childSentences(h knowledge.Hit) []candidate {
	var out []candidate
	for _, child := range h.Doc.Children(h.Section.ID) {
		ch := knowledge.Hit{Doc: h.Doc, Section: child}
		sec := e.parsed(child)
		for i, st := range sec.sentences[:min(1, len(sec.sentences))] {
			out = append(out, candidate{hit: ch, order: sectionOrder(e.Index, ch)*1000 + i, sentence: st.text,
				inHead: sec.head, inText: st.terms, figures: st.figures, facts: st.facts})
		}
	}
	return out
}

// Sentences splits report text into sentences, each exactly as printed with
// its closing punctuation (knowledge.SentenceSpans), without surrounding
// space.
func Sentences(text string) []string {
	var out []string
	for _, sp := range knowledge.SentenceSpans(text) {
		if s := strings.TrimSpace(text[sp[0]:sp[1]]); s != "" {
			out = append(out, s)
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

func hasNumber(fs []figure.Figure) bool {
	return slices.ContainsFunc(fs, func(f figure.Figure) bool {
		return f.Kind == figure.KindNumber || f.Kind == figure.KindPercent || f.Kind == figure.KindDate
	})
}

// hasFigure reports whether fs has a figure of the kind and unit a question
// asks for. 多少人 takes 人次 too; 几个 takes any count, and a count in 个
// answers a count of things (16个代办事项 answers 几项), not of cases or
// people.
func hasFigure(fs []figure.Figure, unit string, kind figure.Kind) bool {
	return slices.ContainsFunc(fs, func(f figure.Figure) bool {
		if f.Kind != kind {
			return false
		}
		switch {
		case unit == "" || unit == f.Unit:
			return true
		case unit == "人":
			return f.Unit == "人次"
		case unit == "个":
			return f.Unit != "元" && f.Unit != "%"
		case f.Unit == "个":
			return strings.Contains(itemUnits, unit)
		}
		return false
	})
}

// itemUnits are the measure words that count things, which 个 also counts.
const itemUnits = "项条家所类种处"

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
