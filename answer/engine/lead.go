package engine

import (
	"slices"
	"strings"
	"unicode/utf8"

	"reportbot/answer/compute"
	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// want is one thing a question asks for a figure of: the content it names,
// the part of it that the question word is about, and the figure it wants.
type want struct {
	spans   []span
	focus   []span // what is asked about: 专职执法人员 in 乡镇执法人员里专职执法人员有多少
	ask     ask
	negated bool   // 不予受理几件: it asks for a count under a negation
	total   bool   // 一共多少名: it asks for a total (共165名, not 至少5名)
	each    bool   // 每个社区几名: it asks for a count for each of several (至少5名 a community, not 共165名)
	text    string // the words it is asked in
}

// totalRE finds the words of a total, in a question or a report's clause;
// eachRE those of a count for each of several (每个, 各个).
var (
	totalRE = knowledge.Pattern("total")
	eachRE  = knowledge.Pattern("each")
)

// conjunctionRE separates the things one clause asks about together;
// conjunctionWords are words that hold its characters without joining
// things (涉及, 参与).
var (
	conjunctionRE    = knowledge.Pattern("conjunction")
	conjunctionWords = []string{"涉及", "普及", "及时", "来得及", "参与", "给与", "和谐", "平和", "共和", "与其"}
)

// splitConjuncts splits a clause at its conjunctions.
func splitConjuncts(clause string) []string {
	var out []string
	start := 0
	for _, m := range conjunctionRE.FindAllStringIndex(clause, -1) {
		if slices.ContainsFunc(conjunctionWords, func(w string) bool {
			i := strings.Index(clause, w)
			for i >= 0 {
				if i <= m[0] && m[1] <= i+len(w) {
					return true
				}
				j := strings.Index(clause[i+1:], w)
				if j < 0 {
					break
				}
				i += 1 + j
			}
			return false
		}) {
			continue
		}
		out = append(out, clause[start:m[0]])
		start = m[1]
	}
	return append(out, clause[start:])
}

// firstThingRE ends the words before the first of several things asked
// about (下放给|乡镇、街道); lastThingRE the words after the last
// (经济发达镇|的行政处罚事项).
var (
	firstThingRE = knowledge.Pattern("firstThing")
	lastThingRE  = knowledge.Pattern("lastThing")
)

// separateRE marks a question that asks for each of several things.
var separateRE = knowledge.Pattern("separate")

// interrogativeNegRE finds the question words that hold a negation without
// negating (是不是, 有没有).
var interrogativeNegRE = knowledge.Pattern("interrogativeNeg")

// negated reports whether a question asks of a negated count (不予受理),
// read as the fact table reads its measures.
func negated(text string) bool {
	return knowledge.Polarity(interrogativeNegRE.ReplaceAllString(text, "")) != ""
}

// wants reads what a question asks figures of: one want for each part of
// the question that asks for a number, or for each of several things one
// part joins with 和 or 、 when it asks for them 分别 or each with its own
// 多少; a one-word follow-up wants its word on the earlier topic. op is
// the operation the question asks (AsksOp).
func (e *Engine) wants(q query, k ask, norm, op string) []want {
	ix := e.Index
	total := totalRE.MatchString(norm)
	if q.continues {
		sp := contentSpans(ix, q.own, q.synonyms)
		own := readAsk(norm)
		own.quantity = k.quantity
		return []want{{spans: sp, focus: sp, ask: own, negated: negated(norm), total: total, text: norm}}
	}
	asks := partAsks(q, k)
	if q.followUp { // the earlier turn's unit is no reason to pass over a fact
		for i := range asks {
			if own := readAsk(norm); !own.hasUnit {
				asks[i].hasUnit, asks[i].unit = false, ""
			}
		}
	}
	// A part that asks for nothing ("乡镇搞综合执法的,全职的有几个人?")
	// names the topic of the parts that do.
	asking := func(i int) bool { return i < len(q.clauses) && quantityRE.MatchString(q.clauses[i]) }
	var topic []string
	anyAsks := false
	for i, runs := range q.parts {
		if asking(i) {
			anyAsks = true
		} else {
			topic = append(topic, runs...)
		}
	}
	topicItems := e.topicConjuncts(q, norm, op, asking)
	var out []want
	// A thing of the topic's own (乡镇 of 乡镇和街道的处罚事项,哪个多) is
	// asked without the rest of the topic, which names the other things.
	add := func(text string, runs []string, syn map[string][]string, focus []string, k ask, ofTopic bool) {
		if anyAsks && !ofTopic {
			runs = append(slices.Clone(topic), runs...)
		}
		out = append(out, want{spans: contentSpans(ix, [][]string{runs}, syn), focus: contentSpans(ix, [][]string{focus}, syn),
			ask: k, negated: negated(text), total: total, each: eachRE.MatchString(text), text: text})
	}
	for i, runs := range q.parts {
		clause := ""
		if i < len(q.clauses) {
			clause = q.clauses[i]
		}
		if anyAsks && !asking(i) {
			continue
		}
		items := e.conjuncts(clause, norm, op)
		ofTopic := len(items) < 2
		if ofTopic {
			items = topicItems
		}
		if len(items) > 1 {
			// A thing asked without a unit takes the clause's, unless
			// another thing has one of its own (人数和…申请).
			own := slices.ContainsFunc(items, func(it conjunct) bool { return readAsk(it.text).hasUnit })
			for _, it := range items {
				sk := readAsk(it.text)
				switch {
				case op == reply.KindShare && sk.kind == figure.KindPercent: // a share is of two counts, not of two shares
					sk.hasUnit, sk.unit, sk.kind = false, "", ""
				case !sk.hasUnit && !own && op != reply.KindShare:
					sk = asks[i]
				}
				sk.quantity = true
				add(it.text, it.runs, it.synonyms, it.focus, sk, ofTopic)
			}
			continue
		}
		add(clause, runs, q.synonyms, focusRuns(clause, runs), asks[i], false)
	}
	return out
}

// topicConjuncts are the things a question's topic clause names together
// when the operation it asks (op) is asked in a clause of its own
// (…街道的处罚事项,合起来多少项); asking tells the clauses that ask.
func (e *Engine) topicConjuncts(q query, norm, op string, asking func(int) bool) []conjunct {
	if op == "" {
		return nil
	}
	for i := range q.parts {
		if i < len(q.clauses) && !asking(i) {
			if items := e.conjuncts(q.clauses[i], norm, op); len(items) > 1 {
				return items
			}
		}
	}
	// The things in two clauses, the second opening with its conjunction
	// (年初目录里的事项,跟年底制定下发的比,还差几件).
	for i := 0; i+1 < len(q.clauses); i++ {
		if at := conjunctionRE.FindStringIndex(q.clauses[i+1]); !asking(i) && !asking(i+1) && at != nil && at[0] == 0 {
			if items := e.conjuncts(q.clauses[i]+q.clauses[i+1], norm, op); len(items) > 1 {
				return items
			}
		}
	}
	return nil
}

// focusRuns are the runs of a clause that its question word is about: the
// run right before it (专职执法人员有多少) and any after it (有多少件复议申请
// 被受理了). Without a question word, all are.
func focusRuns(clause string, runs []string) []string {
	qpos := quantityRE.FindStringIndex(clause)
	if qpos == nil {
		return runs
	}
	var out []string
	nearest, at := -1, -1
	for i, r := range runs {
		switch idx := strings.Index(clause, r); {
		case idx < 0 || idx >= qpos[0]: // a thesaurus term, or after the question word
			out = append(out, r)
		case idx > at:
			nearest, at = i, idx
		}
	}
	if nearest >= 0 {
		out = append(out, runs[nearest])
	}
	return out
}

// opRE finds the words that ask to add or compare what comes before them.
var opRE = knowledge.Pattern("op")

// conjunct is one of several things a clause asks about together, with the
// words they share.
type conjunct struct {
	text     string
	runs     []string
	focus    []string
	synonyms map[string][]string
}

// conjuncts splits a clause that asks about several things at once: with
// 分别 ("案件数和免罚金额分别是多少", "乡镇、街道、经济发达镇的…分别"),
// each thing with the words the clause has besides the things; when each
// has its own question word ("多少部法律依据、多少个法律条款"), each on its
// own. op is the operation the question asks (AsksOp). It returns nil for
// a clause that asks about one thing.
func (e *Engine) conjuncts(clause, norm, op string) []conjunct {
	items := splitConjuncts(clause)
	switch {
	case (op == reply.KindDifference || op == reply.KindCompare) && len(items) < 2: // 新办执法证比注销执法证多了多少人
		items = strings.SplitN(clause, "比", 2)
	case op == reply.KindShare && len(items) < 2: // 专职执法人员占综合行政执法人员的比例
		items = strings.SplitN(clause, "占", 2)
	case op == reply.KindSum && len(items) < 2: // 乡镇加街道的处罚事项合起来
		items = e.splitAtPlus(clause)
	}
	if len(items) < 2 || slices.Contains(items, "") {
		return nil
	}
	asking := 0
	for _, it := range items {
		if quantityRE.MatchString(it) {
			asking++
		}
	}
	ix := e.Index
	var out []conjunct
	if asking == len(items) {
		for _, it := range items {
			q := ix.Analyze(it)
			runs := slices.Concat(q.Parts...)
			out = append(out, conjunct{text: it, runs: runs, focus: focusRuns(it, runs), synonyms: q.Synonyms})
		}
		return out
	}
	if !separateRE.MatchString(norm) && op == "" {
		return nil
	}
	// Each thing is the words of its item next to a conjunction: the end
	// of the first item, the start of the last, the whole of those between.
	things := make([]string, len(items))
	for i, it := range items {
		switch {
		case i == 0:
			if m := firstThingRE.FindAllStringIndex(it, -1); m != nil {
				it = it[m[len(m)-1][1]:]
			}
		case i < len(items)-1:
		case op != "": // 收到的行政复议申请|加起来是多少
			if m := opRE.FindStringIndex(it); m != nil {
				it = it[:m[0]]
			}
		default: // 经济发达镇|的行政处罚事项分别确认了多少项
			if m := lastThingRE.FindStringIndex(it); m != nil {
				it = it[:m[0]]
			}
		}
		things[i] = strings.TrimSpace(separateRE.ReplaceAllString(it, " "))
		if len(ix.Analyze(things[i]).Parts) == 0 {
			return nil
		}
	}
	units := slices.ContainsFunc(things, func(t string) bool { return readAsk(t).hasUnit })
	common := clause
	for _, t := range things {
		common = strings.Replace(common, t, " ", 1)
	}
	for _, t := range things {
		q := ix.Analyze(t + "," + common)
		focus := slices.Concat(ix.Analyze(t).Parts...)
		c := conjunct{text: t + common, runs: slices.Concat(q.Parts...), focus: focus, synonyms: q.Synonyms}
		if units { // each thing in its own unit: 人数 is not asked of the 申请
			c.text = t
		}
		out = append(out, c)
	}
	return out
}

// splitAtPlus splits a clause at a 加 that joins two things (乡镇加街道):
// one that makes no word of the reports with the character before or
// after it (not 增加, 加强, 参加).
func (e *Engine) splitAtPlus(clause string) []string {
	rs := []rune(clause)
	for i := 1; i+1 < len(rs); i++ {
		if rs[i] == '加' && !e.Index.Known(string(rs[i-1:i+1])) && !e.Index.Known(string(rs[i:i+2])) {
			return []string{string(rs[:i]), string(rs[i+1:])}
		}
	}
	return []string{clause}
}

// factTerms are the terms a fact is known by: those of its own clause, of
// its context (its actor, and what it counts when its clause is
// elliptical: 已回复 of 提出检察意见), and of its section's headings.
type factTerms struct {
	fact     knowledge.Fact
	own, ctx map[string]bool
	far      map[string]bool // the terms of its section's headings, shared by every fact there
	order    int
}

func termsOf(c candidate, f knowledge.Fact, order int) factTerms {
	ft := factTerms{fact: f, own: map[string]bool{}, ctx: map[string]bool{}, far: c.inHead, order: order}
	for _, t := range knowledge.Terms(knowledge.Fold(f.Clause)) {
		ft.own[t] = true
	}
	near := f.Of.String() + " " + f.Actor
	if !strings.Contains(f.Clause, f.Measure.Words()) {
		near += " " + f.Measure.String() // 共165名 counts the 骨干 of the clause before
	}
	for _, t := range knowledge.Terms(knowledge.Fold(near)) {
		ft.ctx[t] = true
	}
	return ft
}

// leadFacts picks, for each thing the question asks, the fact of the quoted
// sentences that answers it: the one whose clause, with its context, covers
// most of what is asked, under the same polarity, then the one that covers
// most in its own clause. 受理 picks 其中受理68件, not 收到84件 (its topic)
// nor 不予受理16件 (its negation).
func leadFacts(picked []candidate, wants []want) []knowledge.Fact {
	var all []factTerms
	for _, c := range picked {
		for _, f := range c.facts {
			all = append(all, termsOf(c, f, len(all)))
		}
	}
	var out []knowledge.Fact
	for _, w := range wants {
		var cands []factTerms
		for _, ft := range all {
			if w.ask.answeredBy([]figure.Figure{ft.fact.Figure()}) {
				cands = append(cands, ft)
			}
		}
		if w.ask.hasUnit && slices.ContainsFunc(cands, func(ft factTerms) bool {
			return hasFigure([]figure.Figure{ft.fact.Figure()}, w.ask.unit, w.ask.kind)
		}) {
			cands = slices.DeleteFunc(cands, func(ft factTerms) bool {
				return !hasFigure([]figure.Figure{ft.fact.Figure()}, w.ask.unit, w.ask.kind)
			})
		}
		best, bestKey := -1, leadKey{}
		for i, ft := range cands {
			var key leadKey
			if m := ft.fact.Measure.Words(); utf8.RuneCountInString(m) >= 3 && strings.Contains(w.text, m) {
				key[0] = 1 // the question names what the fact counts, whole: 经济发达镇 of 经济发达镇110项
			}
			key[1], _ = ft.covers(w.focus)
			if w.ask.hasUnit && ft.fact.Unit == w.ask.unit {
				key[2] = 1
			}
			key[3], key[8] = ft.covers(w.spans)
			if ft.fact.Negative() == w.negated {
				key[4] = 1
			}
			if w.total && totalRE.MatchString(ft.fact.Clause) {
				key[5] = 1
			}
			prefer := ft.fact.Approx == "" && ft.fact.Per == "" // a plain count, unless each is asked
			if w.each {
				prefer = ft.fact.Per != ""
			}
			if prefer {
				key[6] = 1
			}
			if w.ask.rather != "" && ft.fact.Unit == w.ask.rather {
				key[7] = 1
			}
			cov := key[3]
			if cov > 0 && (best < 0 || cmpKey(key, bestKey) > 0) {
				best, bestKey = i, key
			}
		}
		// Nothing asked is named (多少人参加? on the earlier topic): the
		// first figure in the asked unit answers.
		if best < 0 && w.ask.hasUnit && len(cands) > 0 && hasFigure([]figure.Figure{cands[0].fact.Figure()}, w.ask.unit, w.ask.kind) {
			best = 0
		}
		if best >= 0 && !slices.ContainsFunc(out, func(f knowledge.Fact) bool { return SameFact(f, cands[best].fact) }) {
			out = append(out, cands[best].fact)
		}
	}
	return out
}

// leadKey ranks the facts that may answer a want, most telling first: what
// the fact counts named whole, the focus covered, the unit asked for
// exactly, all that is asked covered, the same polarity, a total for a
// total, an exact figure for all (165名 over 至少5名 a community), a unit
// asked loosely (几个), and what the fact's own clause covers.
type leadKey [9]float64

// farCredit is what a question's word found only in a fact's headings
// counts: they say the topic of every fact of the section alike.
const farCredit = 0.5

// covers is the weight of spans that a fact's clause and context cover
// (its headings for farCredit), and of those its own clause covers.
func (ft factTerms) covers(spans []span) (all, own float64) {
	for _, s := range spans {
		switch {
		case s.coveredBy(func(t string) bool { return ft.own[t] }):
			all += s.weight
			own += s.weight
		case s.coveredBy(func(t string) bool { return ft.ctx[t] }):
			all += s.weight
		case s.coveredBy(func(t string) bool { return ft.far[t] }):
			all += farCredit * s.weight
		}
	}
	return all, own
}

func cmpKey(x, y leadKey) int {
	for i := range x {
		if c := cmpDesc(y[i], x[i]); c != 0 {
			return c
		}
	}
	return 0
}

func SameFact(f, g knowledge.Fact) bool {
	return f.Report == g.Report && f.Section == g.Section && f.Start == g.Start && f.Text == g.Text
}

// FactLead says one fact of section s in the report's own words, as an
// answer leads with it (leadText).
func (e *Engine) FactLead(s *knowledge.Section, f knowledge.Fact) string {
	return leadText([]candidate{{sentence: e.SentenceOf(s, f), facts: s.Facts()}}, []knowledge.Fact{f})
}

// leadText says the lead facts in the report's own words: each fact's
// clause, or, when the clause is little but the figure (共165名), the
// clause before it too. Clauses are exact report text.
func leadText(picked []candidate, facts []knowledge.Fact) string {
	var parts []string
	for _, f := range facts {
		text := compute.FactName(f)
		if !measuredInClause(f) {
			if with := withMeasure(picked, f); with != "" {
				text = with
			}
		}
		switch {
		case len(parts) > 0 && strings.Contains(parts[len(parts)-1], text):
		case len(parts) > 0 && strings.Contains(text, parts[len(parts)-1]):
			parts[len(parts)-1] = text
		default:
			parts = append(parts, text)
		}
	}
	return strings.Join(parts, " … ")
}

// measuredInClause reports whether a fact's clause names what it counts
// (受理68件), unlike 共165名, whose measure is the clause before.
func measuredInClause(f knowledge.Fact) bool {
	for _, p := range f.Measure.Sides() {
		if !strings.Contains(f.Clause, p) {
			return false
		}
	}
	return true
}

// withMeasure is f's clause with the words before it in its sentence that
// say what it counts (“法律明白人”骨干,共165名), as printed: the end of its
// measure when that stands right before the clause, else the whole clause
// before it; "" when there is none.
func withMeasure(picked []candidate, f knowledge.Fact) string {
	for _, c := range picked {
		i := strings.Index(c.sentence, f.Clause)
		if i <= 0 || !slices.ContainsFunc(c.facts, func(g knowledge.Fact) bool { return SameFact(f, g) }) {
			continue
		}
		spans := figure.ClauseSpans(c.sentence[:i])
		if len(spans) == 0 {
			return ""
		}
		last := spans[len(spans)-1]
		if tail := f.Measure.After; f.Measure.Before != "" && tail != "" && strings.HasSuffix(c.sentence[:last[1]], tail) {
			return c.sentence[last[1]-len(tail) : i+len(f.Clause)]
		}
		return c.sentence[last[0] : i+len(f.Clause)]
	}
	return ""
}
