package engine

import (
	"slices"
	"strings"

	"reportbot/answer/place"
	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// quotePrefix opens the full quote after a lead.
const quotePrefix = "原文:"

// ComposeFound writes the lines of an answer from its citations: the lead
// (the clauses that give the asked-for figures), the quotes, then one line
// naming the sections.
func ComposeFound(cits []reply.Citation, lead string, noNumber bool) []reply.Line {
	var lines []reply.Line
	prefix := ""
	switch {
	case noNumber:
		lines = append(lines, reply.Line{Text: "报告没有给出具体数字,原文是这样说的:"})
	case lead != "":
		lines = append(lines, reply.Line{Text: strings.TrimSuffix(lead, "。") + "。"})
		prefix = quotePrefix
	}
	var labels []string
	var quote strings.Builder
	quote.WriteString(prefix)
	for i, c := range cits {
		if i > 0 && c.Section != cits[i-1].Section {
			lines = append(lines, reply.Line{Text: quote.String(), Quote: prefix != ""})
			quote.Reset()
		}
		quote.WriteString(c.Quote)
		if l := reply.CitationLabel(c); !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	lines = append(lines, reply.Line{Text: quote.String(), Quote: prefix != ""})
	return append(lines, reply.Line{Text: reply.SourcePrefix + strings.Join(labels, ";"), Source: true})
}

// NotFound is the answer to a question the reports do not answer: it says
// so and what they do cover, and quotes no figure.
func (e *Engine) NotFound(question, resolved string) reply.Answer {
	return e.NotFoundIn(question, resolved, e.Index.Docs())
}

// NotFoundIn is notFound for the reports a question was asked of: what
// those cover, not the others loaded.
func (e *Engine) NotFoundIn(question, resolved string, docs []*knowledge.Document) reply.Answer {
	ans := reply.Answer{Question: question, Mode: reply.ModeExtractive, Resolved: resolved}
	ans.SetLines([]reply.Line{{Text: "报告里没有提到这方面的内容,我不能替报告回答。" + coverageOf(docs)}})
	return ans
}

// notPersonal is the answer to a question about a person's own case, advice
// or the future: the report cannot say, and the answer says why and what it
// does cover.
func (e *Engine) notPersonal(question string) reply.Answer {
	ans := reply.Answer{Question: question, Mode: reply.ModeExtractive}
	ans.SetLines([]reply.Line{{Text: "报告是政府年度工作的总结,不涉及个人的具体案件及其进度,也不提供法律意见或对今后的预测;个人的事请向承办部门咨询。" + e.coverage()}})
	return ans
}

// EnglishWithoutModel asks for the question in Chinese, with the first of
// examples, questions the report answers, when there is one: with no
// language model, an English question is read through a glossary of the
// report's words, and not finding it says little of the report.
func EnglishWithoutModel(examples []string) string {
	msg := "I could not find this in the report. Without a language model I read English questions through a glossary of the report's words only, so please ask in Chinese too"
	if len(examples) > 0 {
		return msg + ", for example: " + examples[0]
	}
	return msg + "."
}

// coverage names what the reports do cover: their chapter and part headings
// that carry no figure.
func (e *Engine) coverage() string { return coverageOf(e.Index.Docs()) }

// coverageOf names what docs cover.
func coverageOf(docs []*knowledge.Document) string {
	topics := topics(docs)
	if len(topics) == 0 {
		return ""
	}
	return "报告讲的是:" + strings.Join(topics, "、") + "。欢迎就这些方面提问。"
}

func (e *Engine) CoverageEnglish() string {
	topics := topics(e.Index.Docs())
	if len(topics) == 0 {
		return ""
	}
	return "It covers: " + strings.Join(topics, "; ") + "."
}

// topics are the reports' chapter and part headings that carry no figure;
// with several reports, each report's few under its place and year.
func topics(docs []*knowledge.Document) []string {
	var topics []string
	per := max(2, 8/len(docs))
	for i, d := range docs {
		var own []string
		for _, s := range d.Sections {
			if s.Level == 2 && len(s.Figures()) == 0 && s.Heading != "" && len(own) < per {
				own = append(own, s.Heading)
			}
		}
		if len(docs) > 1 && len(own) > 0 {
			own[0] = "【" + place.Label(d) + "】" + own[0]
		}
		topics = append(topics, own...)
		if len(topics) >= 8 || i >= 3 {
			break
		}
	}
	return topics
}

// Unsupported returns the figures of an answer's body that no cited section
// of ix contains, and that are not the answer's computed figure worked out
// from cited figures: for a correct answer, none.
func Unsupported(ix *knowledge.Index, a reply.Answer) []figure.Figure {
	var allowed []figure.Figure
	for _, c := range a.Citations {
		docs := ix.Docs()
		if c.Report != "" {
			docs = nil
			if d := ix.Doc(c.Report); d != nil {
				docs = []*knowledge.Document{d}
			}
		}
		for _, d := range docs {
			if c.Section == knowledge.HeaderID {
				allowed = append(allowed, figure.Extract(d.Meta.Title+" "+d.Meta.Published+" "+d.Meta.Source)...)
			}
			if s := d.Section(c.Section); s != nil {
				allowed = append(allowed, s.Figures()...)
			}
		}
	}
	// A computed figure is allowed as such when every input is a figure of
	// the cited text.
	if c := a.Computed; c != nil && !slices.ContainsFunc(c.Inputs, func(f knowledge.Fact) bool {
		return !slices.ContainsFunc(allowed, f.Figure().Equal)
	}) {
		allowed = append(allowed, c.Figure())
	}
	body := a.Body()
	if a.Computed != nil && a.Computed.Rounding != "" { // 保留一位小数 counts nothing
		body = strings.ReplaceAll(body, a.Computed.Rounding, "")
	}
	// With several reports, answers name each by its place and year
	// (【分宜县2023年】): those years are labels, not the report's figures.
	if len(ix.Docs()) > 1 {
		for _, y := range ix.ReportYears() {
			allowed = append(allowed, figure.Figure{Kind: figure.KindYear, Unit: "年", Value: float64(y)})
		}
	}
	var out []figure.Figure
	for _, f := range figure.Extract(knowledge.FoldRunes(body)) {
		ok := false
		for _, g := range allowed {
			if f.Matches(g) {
				ok = true
				break
			}
		}
		if !ok {
			out = append(out, f)
		}
	}
	return out
}
