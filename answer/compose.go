package answer

import (
	"slices"
	"strings"

	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// SourcePrefix opens the line of an answer that names its sources.
const SourcePrefix = "来源:"

// quotePrefix opens the full quote after a lead.
const quotePrefix = "原文:"

// Line is one line of an answer as shown, with what it is: the channels
// render an answer from its lines (a source line in italics), never by
// reading its text back.
type Line struct {
	Text   string `json:"text"`
	Source bool   `json:"source,omitempty"` // names the sections the answer comes from
	// Quote is the report's own words under a lead that already says what
	// was asked: a page may fold it under the citation.
	Quote bool `json:"quote,omitempty"`
}

// composeFound writes the lines of an answer from its citations: the lead
// (the clauses that give the asked-for figures), the quotes, then one line
// naming the sections.
func composeFound(cits []Citation, lead string, noNumber bool) []Line {
	var lines []Line
	prefix := ""
	switch {
	case noNumber:
		lines = append(lines, Line{Text: "报告没有给出具体数字,原文是这样说的:"})
	case lead != "":
		lines = append(lines, Line{Text: strings.TrimSuffix(lead, "。") + "。"})
		prefix = quotePrefix
	}
	var labels []string
	var quote strings.Builder
	quote.WriteString(prefix)
	for i, c := range cits {
		if i > 0 && c.Section != cits[i-1].Section {
			lines = append(lines, Line{Text: quote.String(), Quote: prefix != ""})
			quote.Reset()
		}
		quote.WriteString(c.Quote)
		if l := citationLabel(c); !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	lines = append(lines, Line{Text: quote.String(), Quote: prefix != ""})
	return append(lines, Line{Text: SourcePrefix + strings.Join(labels, ";"), Source: true})
}

// setLines makes lines the answer's, and its text, as the CLI and JSON
// show it.
func (a *Answer) setLines(lines []Line) {
	a.Lines = lines
	texts := make([]string, len(lines))
	for i, l := range lines {
		texts[i] = l.Text
	}
	a.Text = strings.Join(texts, "\n")
}

// Body is an answer's text without its source lines: the words whose
// figures must all come from the cited sections.
func (a Answer) Body() string {
	var keep []string
	for _, l := range a.Lines {
		if !l.Source {
			keep = append(keep, l.Text)
		}
	}
	return strings.Join(keep, "\n")
}

// citationLabel names a cited section: its ID and heading, and the report when
// several are loaded.
func citationLabel(c Citation) string {
	l := c.Section
	if c.Heading != "" {
		l += " " + c.Heading
	}
	if c.Report != "" {
		l = "《" + c.Report + "》" + l
	}
	return l
}

// notFound is the answer to a question the reports do not answer: it says
// so and what they do cover, and quotes no figure.
func (a *Answerer) notFound(question, resolved string) Answer {
	return a.notFoundIn(question, resolved, a.Index.Docs())
}

// notFoundIn is notFound for the reports a question was asked of: what
// those cover, not the others loaded.
func (a *Answerer) notFoundIn(question, resolved string, docs []*knowledge.Document) Answer {
	ans := Answer{Question: question, Mode: ModeExtractive, Resolved: resolved}
	ans.setLines([]Line{{Text: "报告里没有提到这方面的内容,我不能替报告回答。" + coverageOf(docs)}})
	return ans
}

// notPersonal is the answer to a question about a person's own case, advice
// or the future: the report cannot say, and the answer says why and what it
// does cover.
func (a *Answerer) notPersonal(question string) Answer {
	ans := Answer{Question: question, Mode: ModeExtractive}
	ans.setLines([]Line{{Text: "报告是政府一年工作的总结,不涉及个人的具体案件及其进度,也不提供法律意见或对今后的预测;个人的事请向承办部门咨询。" + a.coverage()}})
	return ans
}

// englishWithoutModel asks for the question in Chinese: with no language
// model, an English question is read through a glossary of the report's
// words, and not finding it says little of the report.
func (a *Answerer) englishWithoutModel() string {
	msg := "I could not find this in the report. Without a language model I read English questions through a glossary of the report's words only, so please ask in Chinese too"
	if s := a.Suggestions(1); len(s) > 0 {
		return msg + ", for example: " + s[0]
	}
	return msg + "."
}

// coverage names what the reports do cover: their chapter and part headings
// that carry no figure.
func (a *Answerer) coverage() string { return coverageOf(a.Index.Docs()) }

// coverageOf names what docs cover.
func coverageOf(docs []*knowledge.Document) string {
	topics := topics(docs)
	if len(topics) == 0 {
		return ""
	}
	return "报告讲的是:" + strings.Join(topics, "、") + "。欢迎就这些方面提问。"
}

func (a *Answerer) coverageEnglish() string {
	topics := topics(a.Index.Docs())
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
			if s.Level == 2 && len(s.Figures) == 0 && s.Heading != "" && len(own) < per {
				own = append(own, s.Heading)
			}
		}
		if len(docs) > 1 && len(own) > 0 {
			own[0] = "【" + reportLabel(d) + "】" + own[0]
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
func Unsupported(ix *knowledge.Index, a Answer) []figure.Figure {
	var allowed []figure.Figure
	for _, c := range a.Citations {
		for _, d := range ix.Docs() {
			if c.Report != "" && c.Report != d.Meta.Title {
				continue
			}
			if c.Section == knowledge.HeaderID {
				allowed = append(allowed, figure.Extract(d.Meta.Title+" "+d.Meta.Published+" "+d.Meta.Source)...)
			}
			if s := d.Section(c.Section); s != nil {
				allowed = append(allowed, s.Figures...)
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
		for _, d := range ix.Docs() {
			allowed = append(allowed, figure.Figure{Kind: figure.KindYear, Unit: "年", Value: float64(d.Meta.Year)})
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
