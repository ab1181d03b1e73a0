package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"reportbot/answer/english"
	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// Render writes the answer a validated selection asks for. Every sentence
// of it is the report's (a fact's clause, a sentence, the header) or the
// program's (a verdict, a computed figure with its working, a label from
// the glossary): nothing the model wrote.
func (a *Engine) Render(question string, lang Language, c Chosen, docs []*knowledge.Document) reply.Answer {
	many := len(a.Index.Docs()) > 1 // citations name their report
	side := len(docs) > 1           // facts of several reports, each under its place and year
	switch c.Kind {
	case reply.KindNone:
		ans := a.NotFound(question, c.Restated)
		if lang == English {
			ans.SetLines([]reply.Line{{Text: "The report does not say. " + a.CoverageEnglish()}})
		}
		ans.Mode, ans.Verified = reply.ModeLLM, true
		return ans
	case reply.KindReport:
		ans := a.reportAnswer(question, c.Field, docs)
		ans.Mode, ans.Verified = reply.ModeLLM, true
		return ans
	}
	ans := reply.Answer{Question: question, Found: true, Mode: reply.ModeLLM, Verified: true, Resolved: c.Restated}
	if many {
		for _, d := range docs {
			ans.Scope = append(ans.Scope, d.Meta.Title)
		}
	}
	ans.Citations = a.citationsOf(c, many)
	for _, lf := range c.Facts {
		f := lf.Fact
		f.Report = lf.Doc.Meta.Title
		ans.Lead = append(ans.Lead, f)
	}
	lead := a.leadOf(c.Facts, side)
	switch c.Kind {
	case reply.KindYesNo:
		lead = yesNoLead(question, ans.Lead, lead)
	case reply.KindCompare, reply.KindSum, reply.KindDifference, reply.KindShare:
		var comp *reply.Computed
		lead, comp = compute(c.Kind, ans.Lead)
		ans.Computed = comp
	}
	if len(c.Facts) == 0 {
		lead = "" // sentences alone: the quote is the answer
	}
	if lang == English {
		ans.SetLines(EnglishLines(ans, lead))
		return ans
	}
	lines := composeFound(ans.Citations, lead, false)
	if many && !side {
		lines[0].Text = "【" + ReportLabel(docs[0]) + "】" + lines[0].Text
	}
	ans.SetLines(lines)
	return ans
}

// citationsOf cites the sentences the selection stands on: each fact's
// sentence and each sentence selected, once, by section in the order
// selected.
func (a *Engine) citationsOf(c Chosen, many bool) []reply.Citation {
	type cited struct {
		doc   *knowledge.Document
		sec   *knowledge.Section
		sents []string
	}
	var out []cited
	add := func(d *knowledge.Document, s *knowledge.Section, sent string) {
		i := slices.IndexFunc(out, func(x cited) bool { return x.sec == s })
		if i < 0 {
			out = append(out, cited{doc: d, sec: s})
			i = len(out) - 1
		}
		if !slices.Contains(out[i].sents, sent) {
			out[i].sents = append(out[i].sents, sent)
		}
	}
	for _, lf := range c.Facts {
		add(lf.Doc, lf.Section, a.sentenceOf(lf.Section, lf.Fact))
	}
	for _, ls := range c.Sentences {
		add(ls.Doc, ls.Section, ls.Text)
	}
	cits := make([]reply.Citation, len(out))
	for i, x := range out {
		cits[i] = reply.Citation{Section: x.sec.ID, Heading: x.sec.Heading, Quote: strings.Join(x.sents, "")}
		if many {
			cits[i].Report = x.doc.Meta.Title
		}
	}
	return cits
}

// sentenceOf is the report sentence a fact stands in, as the answer
// quotes it.
func (a *Engine) sentenceOf(s *knowledge.Section, f knowledge.Fact) string {
	for _, st := range a.parsed(s).sentences {
		if slices.ContainsFunc(st.facts, func(g knowledge.Fact) bool { return SameFact(f, g) }) {
			return st.text
		}
	}
	return strings.TrimSpace(s.Text[f.Sentence[0]:f.Sentence[1]])
}

// leadOf says the facts in the report's own words (leadText), each under
// its report's place and year when several reports are listed (side).
func (a *Engine) leadOf(facts []ListedFact, side bool) string {
	var parts []string
	for _, lf := range facts {
		cand := candidate{sentence: a.sentenceOf(lf.Section, lf.Fact), facts: lf.Section.Facts()}
		text := leadText([]candidate{cand}, []knowledge.Fact{lf.Fact})
		if side {
			text = ReportLabel(lf.Doc) + ":" + text
		}
		if !slices.Contains(parts, text) {
			parts = append(parts, text)
		}
	}
	sep := " … "
	if side {
		sep = ";"
	}
	return strings.Join(parts, sep)
}

// yesNoLead checks the figures a yes/no question states against the
// facts: 对 or 不对, then the report's words (lead). A question that states
// no figure gets the report's words alone.
func yesNoLead(question string, facts []knowledge.Fact, lead string) string {
	claims, _ := readClaimed(knowledge.Normalize(question))
	if len(claims) == 0 || len(facts) == 0 {
		return lead
	}
	figs := make([]figure.Figure, len(facts))
	for i, f := range facts {
		figs[i] = f.Figure()
	}
	return verdictOf(claims, figs) + lead
}

// compute works out what a selection of kind asks of its facts, with the
// working, or says why the facts cannot be combined: the lead, and the
// computed figure when there is one.
func compute(kind string, facts []knowledge.Fact) (string, *reply.Computed) {
	verb := map[string]string{reply.KindSum: "相加", reply.KindDifference: "相减", reply.KindCompare: "比较", reply.KindShare: "相除"}[kind]
	if why := unfit(facts); why != "" && !(kind == reply.KindShare && facts[0].Unit == facts[1].Unit && facts[0].Unit != "%" && facts[0].Per == "" && facts[1].Per == "") {
		return fmt.Sprintf("报告给出的是%s;%s,不能直接%s", names(facts, "、"), why, verb), nil
	}
	c := &reply.Computed{Unit: facts[0].Unit, Inputs: facts}
	switch kind {
	case reply.KindSum:
		c.Op = reply.OpSum
		for _, f := range facts {
			c.Value += f.Value
		}
		c.Working = names(facts, " + ")
	case reply.KindShare:
		part, whole := facts[0], facts[1]
		if whole.Value == 0 {
			return fmt.Sprintf("报告给出的是%s;后一个数是0,不能相除", names(facts, "、")), nil
		}
		c.Op, c.Unit, c.Rounding = reply.OpRate, "%", "四舍五入保留一位小数"
		c.Value = 100 * part.Value / whole.Value
		c.Working = FactName(part) + " ÷ " + FactName(whole)
	default: // compare, difference
		c.Op = reply.OpDifference
		hi, lo := facts[0], facts[1]
		if lo.Value > hi.Value {
			hi, lo = lo, hi
		}
		c.Value = hi.Value - lo.Value
		c.Working = FactName(hi) + " − " + FactName(lo)
		if kind == reply.KindCompare && hi.Value == lo.Value {
			c.Text = "0" + c.Unit
			return fmt.Sprintf("一样多:%s,%s(按报告数字计算)", FactName(facts[0]), FactName(facts[1])), c
		}
		if kind == reply.KindCompare {
			c.Value = Round1(c.Value)
			c.Text = ApproxWord(facts) + strconv.FormatFloat(c.Value, 'f', -1, 64) + c.Unit
			return fmt.Sprintf("%s更多:%s,比%s多%s(按报告数字计算:%s%s;报告本身没有给出这个数)", MainWord(hi), FactName(hi), FactName(lo), c.Text, c.Working, approxNote(facts)), c
		}
	}
	c.Value = Round1(c.Value)
	if c.Op == reply.OpRate {
		c.Text = ApproxWord(facts) + strconv.FormatFloat(c.Value, 'f', 1, 64) + "%"
		return fmt.Sprintf("占%s(按报告数字计算:%s,%s%s;报告本身没有给出这个比率)", c.Text, c.Working, c.Rounding, approxNote(facts)), c
	}
	c.Text = ApproxWord(facts) + strconv.FormatFloat(c.Value, 'f', -1, 64) + c.Unit
	label := map[string]string{reply.OpSum: "合计", reply.OpDifference: "相差"}[c.Op]
	return fmt.Sprintf("%s%s(按报告数字计算:%s%s;报告本身没有给出这个数)", label, c.Text, c.Working, approxNote(facts)), c
}

// MainWord names what a fact counts for a comparison's verdict: its
// measure's main word, or its clause.
func MainWord(f knowledge.Fact) string {
	return cmp.Or(strings.Trim(mainWord(f), ",，、"), FactName(f))
}

// EnglishLines say an answer in English: each lead fact under its
// glossary label (the program's words), any verdict or computed figure
// (from the Chinese lead), then the report's own Chinese sentences and the
// sources.
func EnglishLines(ans reply.Answer, lead string) []reply.Line {
	var first []string
	switch {
	case ans.Computed != nil:
		op := map[string]string{reply.OpSum: "Total", reply.OpDifference: "Difference", reply.OpRate: "Share"}[ans.Computed.Op]
		first = append(first, fmt.Sprintf("%s: %s, worked out from the report's figures (%s); the report does not state it.", op, ans.Computed.Text, ans.Computed.Working))
	case strings.HasPrefix(lead, "对,"):
		first = append(first, "Yes.")
	case strings.HasPrefix(lead, "不对,"):
		first = append(first, "No.")
	case strings.HasPrefix(lead, "报告给出的是"):
		first = append(first, "These figures cannot be combined: "+lead)
	case len(ans.Citations) > 0 && ans.Citations[0].Section == knowledge.HeaderID:
		first = append(first, "From the report's header: "+lead)
	}
	for _, f := range ans.Lead {
		if l := english.Default().Label(f); l != "" {
			first = append(first, fmt.Sprintf("%s: %s.", l, f.Text))
		} else {
			first = append(first, fmt.Sprintf("The report says: %s.", FactName(f)))
		}
	}
	var lines []reply.Line
	if len(first) > 0 {
		lines = append(lines, reply.Line{Text: strings.Join(first, " ")})
	}
	var labels []string
	for _, cit := range ans.Citations {
		lines = append(lines, reply.Line{Text: "Report text: " + strings.TrimPrefix(cit.Quote, quotePrefix), Quote: len(first) > 0})
		if l := reply.CitationLabel(cit); !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	return append(lines, reply.Line{Text: English.Source + strings.Join(labels, ";"), Source: true})
}

// ListedFact is a fact the prompt lists, and where it stands.
type ListedFact struct {
	Doc     *knowledge.Document
	Section *knowledge.Section
	Fact    knowledge.Fact
}

// ListedSentence is a sentence the prompt lists.
type ListedSentence struct {
	Doc     *knowledge.Document
	Section *knowledge.Section
	Text    string
}

// Chosen is a selection resolved against its shortlist.
type Chosen struct {
	Kind      string
	Field     string
	Restated  string
	Facts     []ListedFact
	Sentences []ListedSentence
}

// mainWord is the part of a measure that names what it counts nearest the
// figure: 不予受理, 受理, 收到 of 收到…行政复议申请.
func mainWord(f knowledge.Fact) string {
	m, _, _ := strings.Cut(f.Measure, "…")
	for _, w := range leadConnectives {
		m = strings.TrimPrefix(m, w)
	}
	return strings.TrimSpace(m)
}
