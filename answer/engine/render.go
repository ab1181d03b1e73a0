package engine

import (
	"fmt"
	"slices"
	"strings"

	"reportbot/answer/compute"
	"reportbot/answer/english"
	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// Render writes the answer a validated selection asks for. Every sentence
// of it is the report's (a fact's clause, a sentence, the header) or the
// program's (a verdict, a computed figure with its working, a label from
// the glossary): nothing the model wrote.
func (e *Engine) Render(question string, lang Language, c Chosen, docs []*knowledge.Document) reply.Answer {
	many := len(e.Index.Docs()) > 1 // citations name their report
	side := len(docs) > 1           // facts of several reports, each under its place and year
	switch c.Kind {
	case reply.KindNone:
		ans := e.NotFound(question, c.Restated)
		if lang == English {
			ans.SetLines([]reply.Line{{Text: "The report does not say. " + e.CoverageEnglish()}})
		}
		ans.Mode, ans.Verified = reply.ModeLLM, true
		return ans
	case reply.KindReport:
		ans := e.reportAnswer(question, c.Field, docs)
		ans.Mode, ans.Verified = reply.ModeLLM, true
		return ans
	}
	ans := reply.Answer{Question: question, Found: true, Mode: reply.ModeLLM, Verified: true, Resolved: c.Restated}
	if many {
		for _, d := range docs {
			ans.Scope = append(ans.Scope, d.Meta.Title)
		}
	}
	ans.Citations = e.citationsOf(c, many)
	for _, lf := range c.Facts {
		f := lf.Fact
		f.Report = lf.Doc.Meta.Title
		ans.Lead = append(ans.Lead, f)
	}
	lead := e.leadOf(c.Facts, side)
	switch c.Kind {
	case reply.KindYesNo:
		lead = yesNoLead(question, ans.Lead, lead)
	case reply.KindCompare, reply.KindSum, reply.KindDifference, reply.KindShare:
		var comp *reply.Computed
		lead, comp = compute.Of(c.Kind, ans.Lead)
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
func (e *Engine) citationsOf(c Chosen, many bool) []reply.Citation {
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
		add(lf.Doc, lf.Section, e.sentenceOf(lf.Section, lf.Fact))
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
func (e *Engine) sentenceOf(s *knowledge.Section, f knowledge.Fact) string {
	for _, st := range e.parsed(s).sentences {
		if slices.ContainsFunc(st.facts, func(g knowledge.Fact) bool { return SameFact(f, g) }) {
			return st.text
		}
	}
	return strings.TrimSpace(s.Text[f.Sentence[0]:f.Sentence[1]])
}

// leadOf says the facts in the report's own words (leadText), each under
// its report's place and year when several reports are listed (side).
func (e *Engine) leadOf(facts []ListedFact, side bool) string {
	var parts []string
	for _, lf := range facts {
		cand := candidate{sentence: e.sentenceOf(lf.Section, lf.Fact), facts: lf.Section.Facts()}
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
			first = append(first, fmt.Sprintf("The report says: %s.", compute.FactName(f)))
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
