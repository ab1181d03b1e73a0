package engine

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"reportbot/answer/asks"
	"reportbot/answer/claim"
	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// Tuning of extractive answering. The gold set in testdata/ measures them.
const (
	searchDepth      = 5    // sections whose sentences are candidates
	minCoverage      = 0.6  // share of the question's content an answer must cover
	noNumberCoverage = 0.7  // share it must cover to say the report gives no number
	partMargin       = 0.1  // how much better another sentence must answer a part of the question to be quoted too
	unknownDiscount  = 0.5  // how much a word no report uses counts in that share
	minExtraGain     = 0.2  // share of the question a further sentence must add in its own words to be quoted too
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
	ownCredit        = 5    // weight of a one-word follow-up's own word: it is what is asked
)

// injectionRE matches questions that try to instruct the bot rather than ask
// about the report. They are declined without a search.
var injectionRE = knowledge.Pattern("injection")

// personalRE finds what a government's annual report cannot answer: a
// person's own case (我去年申请的复议办到哪一步了), advice on it (我该怎么办,
// 能赢吗), and what is yet to come (明年会不会…).
var personalRE = knowledge.Pattern("personal")

// Instructs reports whether a question tries to instruct the bot rather
// than ask about the report: it is declined, and never searched.
func Instructs(question string) bool { return injectionRE.MatchString(question) }

// Personal reports whether a question (normalized) asks what no report
// answers: a person's own case, advice on it, or the future.
func Personal(norm string) bool { return personalRE.MatchString(norm) }

// placeRE finds place names such as 渝水区 or 新余市 in a question; a place
// the reports never name means the question is about somewhere else.
var placeRE = knowledge.Pattern("place")

// institutionActsRE finds an institution a question says did something.
var institutionActsRE = knowledge.Pattern("institutionActs")

// NamedPlaces are the places a question (normalized) names by their
// level (渝水区, 新余市): each match, and its name without the level.
func NamedPlaces(norm string) [][]string {
	var out [][]string
	for _, m := range placeRE.FindAllStringSubmatch(norm, -1) {
		if !strings.ContainsAny(m[1], notPlace) {
			out = append(out, m)
		}
	}
	return out
}

// notPlace holds characters that do not stand in a place name but do stand
// before 县, 区, 市 in questions (几个社区, 我们县, 全市).
const notPlace = "个几多少的了有在和与及各全本我你咱们该这那每些其园社辖城年"

// ask is what a question asks for, read from its words: whether a number,
// and in which unit.
type ask struct {
	quantity bool
	unit     string
	kind     figure.Kind
	hasUnit  bool
	// rather is a unit asked loosely (几个 counts anything): a figure in it
	// leads, when the sentences found have one, but it finds none.
	rather string
	cue    *regexp.Regexp // the words that asked for the unit (钱 for 元)
}

// withoutUnitWord drops from parts a run that is only the word that asked
// for k's unit (企业享受到多少钱: 钱): a figure in the unit answers it, no
// sentence has to say it.
func withoutUnitWord(parts [][]string, k ask) [][]string {
	if k.cue == nil {
		return parts
	}
	out := make([][]string, 0, len(parts))
	for _, runs := range parts {
		if len(runs) > 1 { // a run of its own is what the part asks about
			runs = slices.DeleteFunc(slices.Clone(runs), func(r string) bool { return k.cue.FindString(r) == r })
		}
		out = append(out, runs)
	}
	return out
}

// quantityRE matches questions that ask for a number, and unitCues what unit
// the number should have.
var quantityRE = knowledge.Pattern("quantity")

// interrogativeRE matches the words that make a question of a sentence. A
// question with none ("去年的满意度") names a topic and wants its figures.
var interrogativeRE = knowledge.Pattern("interrogative")

var unitCues = []struct {
	re   *regexp.Regexp
	unit string
	kind figure.Kind
}{
	{knowledge.Pattern("unit第几"), "", figure.KindOrdinal}, // 第几批 asks for 第一批, not a count of 批
	{knowledge.Pattern("unit亿"), "元", figure.KindNumber},  // 几个亿 is money, not a count of 个
	{knowledge.Pattern("unit人次"), "人次", figure.KindNumber},
	{knowledge.Pattern("unit人"), "人", figure.KindNumber},
	{knowledge.Pattern("unit件"), "件", figure.KindNumber},
	{knowledge.Pattern("unit次"), "次", figure.KindNumber},
	{knowledge.Pattern("unit项"), "项", figure.KindNumber},
	{knowledge.Pattern("unit起"), "起", figure.KindNumber},
	{knowledge.Pattern("unit家"), "家", figure.KindNumber},
	{knowledge.Pattern("unit条"), "条", figure.KindNumber},
	{knowledge.Pattern("unit期"), "期", figure.KindNumber},
	{knowledge.Pattern("unit个"), "个", figure.KindNumber},
	{knowledge.Pattern("unit元"), "元", figure.KindNumber},
	{knowledge.Pattern("unit%"), "%", figure.KindPercent},
	{knowledge.Pattern("unit日期"), "", figure.KindDate},
}

// answeredBy reports whether figures can answer what is asked: a date for
// "什么时候", a count or share for "多少": 2023年11月6日 is no answer to
// 多少.
func (k ask) answeredBy(fs []figure.Figure) bool {
	return slices.ContainsFunc(fs, func(f figure.Figure) bool {
		if k.hasUnit && (k.kind == figure.KindDate || k.kind == figure.KindOrdinal) {
			return f.Kind == k.kind
		}
		return f.Kind == figure.KindNumber || f.Kind == figure.KindPercent
	})
}

func readAsk(texts ...string) ask {
	var k ask
	for _, t := range texts {
		k.quantity = k.quantity || quantityRE.MatchString(t) || !interrogativeRE.MatchString(t)
		if k.hasUnit {
			continue
		}
		for _, c := range unitCues {
			if c.re.MatchString(t) {
				k.unit, k.kind, k.hasUnit, k.cue = c.unit, c.kind, true, c.re
				break
			}
		}
		// Any other measure word after 多少 or 几: 多少部, 几批; 个 alone
		// (一共出了几个哦) counts anything, and is asked loosely.
		for _, m := range howManyRE.FindAllStringIndex(t, -1) {
			switch u := figure.MeasureAt(t[m[1]:]); {
			case k.hasUnit || u == "" || u == "年" || u == "月" || u == "日":
			case u == "个":
				k.rather = u
			default:
				k.unit, k.kind, k.hasUnit = u, figure.KindNumber, true
			}
		}
	}
	return k
}

// statedAs answers a claim's question from the one fact that states the
// claimed figure in a clause holding all the question's words (收到84件,
// 对吗? by 收到84件行政复议申请, when 收到多少件 reads 收到行政部门答复2件
// first): a claim the report words so is right, however else its
// question reads. When none states it, and the answer ans leads with one
// of several facts so worded in the claim's unit (收到85件? of 收到84件…
// and 收到…答复2件), the one nearest the claimed figure is what the claim
// is of. False for neither.
func (e *Engine) statedAs(c claim.Claim, ans reply.Answer) (reply.Answer, bool) {
	worded := e.wordedAs(c)
	if i := slices.IndexFunc(worded, func(w wordedFact) bool { return c.States(w.fact) }); i >= 0 {
		if slices.ContainsFunc(worded[i+1:], func(w wordedFact) bool { return c.States(w.fact) }) {
			return reply.Answer{}, false // two state it: which is meant, the words do not say
		}
		return e.factAnswer(c.Question, worded[i]), true
	}
	near := -1
	best := 0.0
	inAnswer := false
	for i, w := range worded {
		d, ok := c.Distance(w.fact)
		if !ok {
			continue
		}
		inAnswer = inAnswer || len(ans.Lead) == 1 && SameFact(ans.Lead[0], w.fact)
		if near < 0 || d < best {
			near, best = i, d
		}
	}
	if near < 0 || !inAnswer || SameFact(ans.Lead[0], worded[near].fact) {
		return reply.Answer{}, false
	}
	return e.factAnswer(c.Question, worded[near]), true
}

// wordedFact is a fact of a report whose clause holds a claim's words.
type wordedFact struct {
	doc  *knowledge.Document
	fact knowledge.Fact
}

// wordedAs are the facts of the reports whose clause (with what it counts
// and who acts) holds every content word of a claim's question, each once.
func (e *Engine) wordedAs(c claim.Claim) []wordedFact {
	content := e.Index.Analyze(c.Question).Content
	if len(content) == 0 {
		return nil
	}
	var out []wordedFact
	for _, d := range e.Index.Docs() {
		for _, f := range d.Facts() {
			words := map[string]bool{}
			for _, t := range knowledge.Terms(knowledge.Fold(f.Clause + " " + f.Of.String() + " " + f.Actor)) {
				words[t] = true
			}
			if slices.ContainsFunc(content, func(t string) bool { return !words[t] }) ||
				slices.ContainsFunc(out, func(w wordedFact) bool { return SameFact(w.fact, f) }) {
				continue
			}
			out = append(out, wordedFact{d, f})
		}
	}
	return out
}

// factAnswer answers question with one fact, its clause first, its
// sentence quoted.
func (e *Engine) factAnswer(question string, w wordedFact) reply.Answer {
	sec := w.doc.Section(w.fact.Section)
	cit := reply.Citation{Section: sec.ID, Heading: sec.Heading, Quote: e.SentenceOf(sec, w.fact)}
	if len(e.Index.Docs()) > 1 {
		cit.Report = w.doc.Meta.Title
	}
	ans := reply.Answer{Question: question, Found: true, Mode: reply.ModeExtractive, Resolved: question,
		Citations: []reply.Citation{cit}, Lead: []knowledge.Fact{w.fact}}
	ans.SetLines(ComposeFound(ans.Citations, e.FactLead(sec, w.fact), false))
	return ans
}

// howManyRE is the question word before a measure word.
var howManyRE = knowledge.Pattern("howMany")

// partAsks reads what each part of the question asks for; a part that does
// not say takes what the whole question asks.
func partAsks(q query, whole ask) []ask {
	out := make([]ask, len(q.parts))
	for i := range q.parts {
		out[i] = whole
		if i < len(q.clauses) {
			if k := readAsk(q.clauses[i]); k.hasUnit {
				out[i] = k
			}
		}
	}
	return out
}

// Answer finds the report sentences that Answer question in its
// conversation, or says the report does not. Questions about the report
// itself are answered from its header, a citizen's claim is checked
// against the report, and rates, sums and differences the report does not
// state are computed from its facts.
func (e *Engine) Answer(question string, history []reply.Turn) reply.Answer {
	norm := knowledge.Normalize(question)
	read, fixed := e.vocabulary().ReadBySound(norm)
	if len(fixed) == 0 || e.inPlaceName(norm, read) {
		return e.answerAsRead(question, norm, history)
	}
	// Read with its typos corrected by sound; the answer says how.
	ans := e.answerAsRead(read, read, history)
	ans.Question = question
	if ans.Found && len(ans.Lines) > 0 {
		lines := slices.Clone(ans.Lines)
		lines[0].Text += "(按“" + strings.Join(fixed, "、") + "”理解)"
		ans.SetLines(lines)
	}
	return ans
}

// Elsewhere reports whether a question (normalized) names a place the
// reports do not: of another place, it is not theirs to answer.
func (e *Engine) Elsewhere(norm string) bool { return elsewhere(e.Index, [][]string{{norm}}) }

// InUnitAsked reports whether fact f is in the unit a question
// (normalized) asks for, when it asks for one.
func InUnitAsked(norm string, f knowledge.Fact) bool {
	k := readAsk(norm)
	return k.hasUnit && hasFigure([]figure.Figure{f.Figure()}, k.unit, k.kind)
}

// inPlaceName reports whether reading a question by sound changed a
// character of a loaded report's place name (甲一东县 is no typo of a word
// of the first report's).
func (e *Engine) inPlaceName(norm, read string) bool {
	was, now := []rune(norm), []rune(read)
	if len(was) != len(now) {
		return false
	}
	changed := false
	e.Places().Names(norm, func(at int, name string) bool {
		n := []rune(name)
		changed = !slices.Equal(now[at:at+len(n)], n)
		return !changed
	})
	return changed
}

// answerAsRead is answer of a question as it is read, and normalized (norm).
func (e *Engine) answerAsRead(question, norm string, history []reply.Turn) reply.Answer {
	if injectionRE.MatchString(norm) {
		return e.NotFound(question, "")
	}
	if personalRE.MatchString(norm) {
		return e.notPersonal(question)
	}
	if len(e.Index.Docs()) > 1 && e.Several != nil {
		return e.Several(question, norm, history)
	}
	if own := e.OwnPlace(norm); own != "" {
		// The report's own place chose the report: it is no word to find
		// in it (its text may say 全区 where the question says 下陆区).
		asked := strings.ReplaceAll(norm, own, "")
		ans := e.answerAsRead(asked, asked, history)
		ans.Question = question
		return ans
	}
	if ans, ok := e.aboutReport(question, norm); ok {
		return ans
	}
	if asked := reportSaysRE.ReplaceAllString(norm, ""); asked != norm && asked != "" { // 报告最后说下一步打算干些啥
		ans := e.answerAsRead(asked, asked, history)
		ans.Question = question
		return ans
	}
	if c, ok := claim.Read(norm); ok {
		ans := e.Answer(c.Question, history)
		if !slices.ContainsFunc(ans.Lead, c.States) {
			if stated, ok := e.statedAs(c, ans); ok {
				ans = stated
			}
		}
		return c.Verdict(ans, question)
	}
	if asked, ok := asks.WholeLast(norm); ok { // 惠企政策里,上线的占几成
		ans := e.answerAsRead(asked, asked, history)
		ans.Question = question
		return ans
	}
	if than, ok := comparedWithLast(norm, history); ok { // 比注销执法证的多多少? after 新办执法证多少人?
		ans := e.answerAsRead(than, than, nil)
		ans.Question = question
		return ans
	}
	plain := e.extract(question, history)
	op := asks.Op(norm)
	if op == reply.KindShare { // one thing of another the question names: not a rate of one fact's own whole
		return combine(plain, op)
	}
	if ans, ok := e.computeRate(question, norm, history, plain); ok {
		return ans
	}
	if ans, ok := e.complement(question, norm, history, plain); ok {
		return ans
	}
	return combine(plain, op)
}

// extract answers a question with the report's sentences, the facts it
// asks for said first.
func (e *Engine) extract(question string, history []reply.Turn) reply.Answer {
	ix := e.Index
	norm := knowledge.Normalize(question)
	q := e.resolve(question, history)
	for _, y := range q.search.Years {
		if !ix.HasYear(y) {
			return e.NotFound(question, q.resolved)
		}
	}
	if elsewhere(ix, q.parts) || len(q.focus) == 0 {
		return e.NotFound(question, q.resolved)
	}
	k, op := asked(&q, norm)
	cands, hits := e.candidates(q, k)
	// With several reports, a question that names a year is answered from
	// the sentences of that year.
	if len(q.search.Years) > 0 {
		numbers := func(c candidate) bool { return hasNumber(c.figures) }
		had := slices.ContainsFunc(cands, numbers)
		cands = slices.DeleteFunc(cands, func(c candidate) bool { return !ofYears(c, q.search.Years) })
		// The figures are of other years only: the report has none for this one.
		if k.quantity && had && !slices.ContainsFunc(cands, numbers) {
			return e.NotFound(question, q.resolved)
		}
	}
	if len(cands) == 0 {
		return e.NotFound(question, q.resolved)
	}
	spans := contentSpans(ix, q.parts, q.synonyms)
	if k.hasUnit {
		unitFirst(cands, spans, k)
	}
	picked, covered, headed, ok := e.choose(q, k, norm, op, cands, hits, spans)
	if !ok && contextLess(spans, q) { // the clauses around what is asked are its reasons
		picked, covered, headed, ok = e.choose(q, k, norm, op, cands, hits, spans)
	}
	if !ok || !namesActor(norm, picked) {
		return e.NotFound(question, q.resolved)
	}
	var wants []want
	if k.quantity {
		wants = e.wants(q, k, norm, op)
		if op != "" {
			picked = withEachThing(picked, cands, wants)
		}
	}
	slices.SortFunc(picked, func(x, y candidate) int { return x.order - y.order })
	ans := reply.Answer{Question: question, Found: true, Mode: reply.ModeExtractive, Resolved: q.resolved,
		Citations: citationsOf(picked, len(ix.Docs()) > 1)}
	if !k.quantity && len(picked) == 1 && !headed {
		// 凤阳镇…有什么成绩? is answered by the clause on 凤阳镇, not by the
		// county's figures around it.
		ans.Citations[0].Quote = focusedQuote(picked[0], spans)
	}
	noNumber := k.quantity && !slices.ContainsFunc(picked, func(c candidate) bool { return k.answeredBy(c.figures) })
	// "The report gives no number" claims the report speaks of exactly
	// this: it needs the question covered nearly in full.
	if noNumber && spanCoverage(spans, covered) < noNumberCoverage {
		return e.NotFound(question, q.resolved)
	}
	ans.NoFigure = noNumber
	lead := ""
	if k.quantity && !noNumber {
		ans.Lead = leadFacts(picked, wants)
		lead = leadText(picked, ans.Lead)
		if len(picked) == 1 && strings.TrimRight(picked[0].sentence, "。；;！!？?") == lead {
			lead = "" // the lead would be the whole quote
		}
	}
	ans.SetLines(ComposeFound(ans.Citations, lead, noNumber))
	return ans
}

// asked reads what a question (norm) asks for and the operation it asks
// (AsksOp), and sets aside in q the words that only ask it: a share's, the
// word of the unit asked (钱).
func asked(q *query, norm string) (ask, string) {
	// A follow-up asks for what its conversation asked for: "不予受理的呢?"
	// after "收到多少件?" wants a number of 件.
	k := readAsk(norm)
	if q.followUp {
		k = readAsk(norm, q.resolved)
	}
	op := asks.Op(norm)
	if op == reply.KindShare { // of two counts: the % asked is the program's to work out
		k.hasUnit, k.unit, k.kind = false, "", ""
		q.parts = asks.ShareParts(q.parts)
	}
	if !q.continues {
		q.parts = withoutUnitWord(q.parts, k)
	}
	return k, op
}

// choose picks the sentences that answer q among cands: the section whose
// heading answers a question that asks for no number (headed), or those
// that cover the question best, or, failing both, the one on the
// conversation's topic. It returns the sentences, the question's spans
// they cover, and false when none answers well enough: too little of the
// question covered, a number asked and not answered in its unit, or
// another year's sentences. op is the operation the question asks (AsksOp).
func (e *Engine) choose(q query, k ask, norm, op string, cands []candidate, hits []knowledge.Hit, spans []span) (picked []candidate, covered []bool, headed, ok bool) {
	if !k.quantity {
		picked, covered = e.headingAnswer(hits, cands, spans)
	}
	headed = picked != nil
	if picked == nil {
		picked, covered = pick(cands, spans, partAsks(q, k))
	}
	if q.continues && len(picked) > 1 { // one thing asked: one sentence answers it
		picked, covered = picked[:1], make([]bool, len(spans))
		cover(spans, covered, picked[0])
	}
	byTopic := false // answered on the conversation's topic, not the question's words
	if spanCoverage(spans, covered) < minCoverage || !coversWord(spans, covered) {
		c, ok := e.onTopic(q, k, cands)
		if !ok {
			return nil, nil, false, false
		}
		picked, byTopic = []candidate{c}, true
	}
	// A question that asks for a number is answered by figures whose own
	// sentences answer it, in the unit it asks for: not by 4727人次 for the
	// whole county when it asks about one town, nor by a sum of money from
	// another sentence when it asks 多少钱.
	if k.quantity && !byTopic && slices.ContainsFunc(picked, func(c candidate) bool { return k.answeredBy(c.figures) }) {
		// A question that asks for several things at once (…和…加起来,
		// 分别) may ask each in its own unit.
		anyUnit := !k.hasUnit || op != "" || separateRE.MatchString(norm)
		byFigures := make([]bool, len(spans))
		for _, c := range picked {
			if !k.answeredBy(c.figures) || !anyUnit && !hasFigure(c.figures, k.unit, k.kind) {
				continue
			}
			cover(spans, byFigures, c)
			// Reports leave a sentence's subject to the one before it
			// (县检察院…回复检察建议。…收到行政部门答复2件): a sentence of
			// no figures picked before it in its section says who acts.
			for _, d := range picked {
				if d.hit.Section == c.hit.Section && d.order < c.order && !hasNumber(d.figures) {
					cover(spans, byFigures, d)
				}
			}
		}
		if spanCoverage(spans, byFigures) < minCoverage {
			return nil, nil, false, false
		}
	}
	return picked, covered, headed, sameYear(q.search.Years, picked)
}

// namesActor reports whether the sentences picked name the institution a
// question says did what it asks (县法院…判了多少 by 法院): the figures of
// the county's agencies do not answer what its court did.
func namesActor(norm string, picked []candidate) bool {
	for _, m := range institutionActsRE.FindAllStringSubmatch(norm, -1) {
		core := string([]rune(m[1])[:2])
		if !slices.ContainsFunc(picked, func(c candidate) bool {
			return strings.Contains(c.sentence, core) || strings.Contains(c.hit.Section.Heading, core)
		}) {
			return false
		}
	}
	return true
}

// citationsOf cites each sentence picked, naming its report when several
// are loaded (many).
// contextWeight is what a word of a clause that asks nothing counts, when
// another clause asks: 我在城里开了个小店…,那…上线了几个代办事项 asks the
// last clause; the others tell why, and an answer need not cover them.
const contextWeight = 0.25

// contextLess weighs down the spans of q's clauses that ask nothing, when
// another of its clauses asks and names a thing of its own, and reports
// whether it did: a question the whole of which nothing answers is tried
// again so.
func contextLess(spans []span, q query) bool {
	if len(q.parts) < 2 || len(q.clauses) != len(q.parts) || q.followUp {
		return false
	}
	asks := make([]bool, len(q.clauses))
	asking, named := 0, false
	for i, runs := range q.parts {
		asks[i] = quantityRE.MatchString(q.clauses[i]) || interrogativeRE.MatchString(q.clauses[i])
		if asks[i] {
			asking++
			named = named || utf8.RuneCountInString(strings.Join(runs, "")) >= 2
		}
	}
	if asking == 0 || asking == len(q.parts) || !named {
		return false
	}
	for i := range spans {
		if !asks[spans[i].part] {
			spans[i].weight *= contextWeight
		}
	}
	return true
}

// gap marks where a quote leaves sentences out.
const gap = "……"

func citationsOf(picked []candidate, many bool) []reply.Citation {
	var out []reply.Citation
	for i, c := range picked {
		cit := reply.Citation{Section: c.hit.Section.ID, Heading: c.hit.Section.Heading, Quote: c.sentence}
		// Sentences of one section quoted apart say so: what lies
		// between them is left out.
		if i > 0 && picked[i-1].hit.Section == c.hit.Section && picked[i-1].order+1 != c.order {
			cit.Quote = gap + c.sentence
		}
		if many {
			cit.Report = c.hit.Doc.Meta.Title
		}
		out = append(out, cit)
	}
	return out
}

// withEachThing adds to the sentences picked for an operation on several
// things (收到的比审结的多几件) the sentence of a thing they do not
// state: the best candidate that gives the lead another fact.
func withEachThing(picked, cands []candidate, wants []want) []candidate {
	have := len(leadFacts(picked, wants))
	if len(wants) < 2 || have == 0 { // one thing, or none of them found: nothing to complete
		return picked
	}
	for _, c := range cands {
		if have >= len(wants) {
			break
		}
		if slices.ContainsFunc(picked, func(p candidate) bool { return p.sentence == c.sentence }) {
			continue
		}
		with := append(slices.Clone(picked), c)
		if n := len(leadFacts(with, wants)); n > have {
			picked, have = with, n
		}
	}
	return picked
}

// focusedQuote is the part of a sentence that answers a question that
// asks for no number: from the last clause after which the sentence still
// covers as much of the question as it does whole, to its end.
func focusedQuote(c candidate, spans []span) string {
	whole := make([]bool, len(spans))
	cover(spans, whole, c)
	want := spanCoverage(spans, whole)
	from := 0
	for _, cl := range figure.ClauseSpans(c.sentence) {
		part := candidate{inText: map[string]bool{}}
		for _, t := range knowledge.Terms(knowledge.Fold(c.sentence[cl[0]:])) {
			part.inText[t] = true
		}
		got := make([]bool, len(spans))
		cover(spans, got, part)
		if spanCoverage(spans, got) < want {
			break
		}
		from = cl[0]
	}
	return c.sentence[from:]
}

// onTopic finds, for a follow-up that its own words do not answer, the
// sentence that answers it on the conversation's topic:
//   - a one-word follow-up ("审结呢?") by the best sentence that says its word
//     in a section the earlier turn cited, or on the earlier topic;
//   - any follow-up asking a unit ("多少人参加?") by the best sentence on the
//     earlier topic with a figure in that unit.
func (e *Engine) onTopic(q query, k ask, cands []candidate) (candidate, bool) {
	if !q.followUp {
		return candidate{}, false
	}
	topic := contentSpans(e.Index, q.topic, nil)
	onTopic := func(c candidate) bool {
		seen := make([]bool, len(topic))
		cover(topic, seen, c)
		return spanCoverage(topic, seen) >= minCoverage
	}
	if q.continues {
		own := contentSpans(e.Index, q.own, q.synonyms)
		for _, c := range cands {
			seen := make([]bool, len(own))
			cover(own, seen, c)
			if spanCoverage(own, seen) >= minCoverage && coversWord(own, seen) && (q.sections[c.hit.Section.ID] || onTopic(c)) {
				return c, true
			}
		}
	}
	if k.hasUnit {
		for _, c := range cands {
			if hasFigure(c.figures, k.unit, k.kind) && onTopic(c) {
				return c, true
			}
		}
	}
	return candidate{}, false
}

// unitFirst moves to the front the best sentence that both answers the
// question and has a figure in the unit it asks for: "惠企政策兑现了多少件?"
// is answered by 8.56万件, not by the sentence on 75条 that happens to say
// 兑现 too.
func unitFirst(cands []candidate, spans []span, k ask) {
	if hasFigure(cands[0].figures, k.unit, k.kind) {
		return
	}
	share := func(c candidate) float64 {
		covered := make([]bool, len(spans))
		cover(spans, covered, c)
		return spanCoverage(spans, covered)
	}
	best := share(cands[0])
	for i, c := range cands {
		if !hasFigure(c.figures, k.unit, k.kind) {
			continue
		}
		// Only a sentence that answers the question as fully: 出庭应诉率达100%
		// does not answer 败诉率 however much it has a percentage.
		if s := share(c); s >= minCoverage && s >= best-partMargin {
			copy(cands[1:i+1], cands[:i])
			cands[0] = c
		}
		return
	}
}

// coversWord reports whether what is covered includes a word of two or more
// characters: lone characters (长, 谁) match nearly any sentence.
func coversWord(spans []span, covered []bool) bool {
	for i, s := range spans {
		if covered[i] && slices.ContainsFunc(s.terms, func(t string) bool { return utf8.RuneCountInString(t) > 1 }) {
			return true
		}
	}
	return false
}

// elsewhere reports whether the question's content names a place the
// reports never mention (渝水区): it asks about somewhere else.
func elsewhere(ix *knowledge.Index, parts [][]string) bool {
	for _, runs := range parts {
		for _, run := range runs {
			for _, m := range placeRE.FindAllStringSubmatch(run, -1) {
				if !strings.ContainsAny(m[1], notPlace) && !ix.Mentions(m[1]) {
					return true
				}
			}
		}
	}
	return false
}

// sameYear reports whether the figures of an answer are of the years the
// question names: each sentence with a number must say the year, or come
// from that year's report and name no other year.
func sameYear(years []int, picked []candidate) bool {
	return !slices.ContainsFunc(picked, func(c candidate) bool { return !ofYears(c, years) })
}

// ofYears reports whether a sentence's figures can be of the years named:
// it has none, says the year, or comes from that year's report and names no
// other year.
func ofYears(c candidate, years []int) bool {
	if !hasNumber(c.figures) {
		return true
	}
	for _, y := range years {
		if !strings.Contains(c.sentence, strconv.Itoa(y)) && (c.hit.Doc.Year() != y || knowledge.MentionsYear(c.sentence)) {
			return false
		}
	}
	return true
}

// resolve works out what a question asks. A follow-up ("那受理了几件?",
// "金额呢?") is searched together with the earlier turn, and must still
// answer its own words; any other question stands alone.
func (e *Engine) resolve(question string, history []reply.Turn) query {
	ix := e.Index
	own := ix.Analyze(question)
	q := query{search: own, focus: own.Content, parts: own.Parts, clauses: own.Clauses, synonyms: own.Synonyms, resolved: own.Text}
	if len(history) == 0 || !IsFollowUp(question, own) {
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
	q.context, q.topic = topic.Content, topic.Parts
	q.sections = map[string]bool{}
	for _, s := range prev.Sections {
		q.sections[s] = true
	}
	// A follow-up of one word ("金额呢?", "那受理了几件?") continues the
	// topic: the answer must cover the topic and the word together, in one
	// sentence. One that names a thing of its own ("法律咨询呢?") asks
	// about that thing.
	if len(own.Content) <= 1 {
		var runs []string
		for _, p := range append(own.Parts, topic.Parts...) {
			runs = append(runs, p...)
		}
		q.focus = append(append([]string(nil), own.Content...), topic.Content...)
		q.parts, q.clauses, q.context, q.own = [][]string{runs}, nil, nil, own.Parts
		q.continues = true
	}
	return q
}

var followUpRE = knowledge.Pattern("followUp")

// IsFollowUp reports whether a question leans on the one before it: it
// opens or ends like a follow-up, or names too little to stand alone.
func IsFollowUp(question string, q knowledge.Query) bool {
	if len([]rune(question)) > 24 {
		return false
	}
	return followUpRE.MatchString(strings.TrimSpace(q.Text)) || len(q.Content) <= 2
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[len(r)-n:])
}

// comparedWithLast reads a comparison that leaves its first thing to the
// turn before (比注销执法证的多多少人? after 新办执法证多少人?) as the whole
// comparison: the earlier question's words, less how it asked, then this.
func comparedWithLast(norm string, history []reply.Turn) (string, bool) {
	if len(history) == 0 || !strings.HasPrefix(norm, "比") {
		return "", false
	}
	if op := asks.Op(norm); op != reply.KindDifference && op != reply.KindCompare {
		return "", false
	}
	last := knowledge.Normalize(history[len(history)-1].Question)
	if m := quantityRE.FindStringIndex(last); m != nil {
		last = last[:m[0]]
	}
	last = strings.TrimRight(last, "的有是了?!。 ")
	if utf8.RuneCountInString(last) < 2 {
		return "", false
	}
	return last + norm, true
}
