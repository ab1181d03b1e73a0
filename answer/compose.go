package answer

import (
	"slices"
	"strings"

	"reportbot/knowledge"
)

// SourcePrefix opens the line of an answer that names its sources.
const SourcePrefix = "来源:"

// quotePrefix opens the full quote after a lead.
const quotePrefix = "原文:"

// composeFound writes the text of an answer from its citations: the lead
// (the clauses that give the asked-for figures), the quotes, then one line
// naming the sections.
func composeFound(cits []Citation, lead string, noNumber bool) string {
	var b strings.Builder
	switch {
	case noNumber:
		b.WriteString("报告没有给出具体数字,原文是这样说的:\n")
	case lead != "":
		b.WriteString(lead)
		b.WriteString("。\n" + quotePrefix)
	}
	var labels []string
	for i, c := range cits {
		if i > 0 && c.Section != cits[i-1].Section {
			b.WriteString("\n")
		}
		b.WriteString(c.Quote)
		if l := label(c); !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	b.WriteString("\n")
	b.WriteString(SourcePrefix)
	b.WriteString(strings.Join(labels, ";"))
	return b.String()
}

// label names a cited section: its ID and heading, and the report when
// several are loaded.
func label(c Citation) string {
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
	return Answer{
		Question: question,
		Text:     "报告里没有提到这方面的内容,我不能替报告回答。" + a.coverage(),
		Mode:     ModeExtractive,
		Resolved: resolved,
	}
}

// coverage names what the reports do cover: their chapter and part headings
// that carry no figure.
func (a *Answerer) coverage() string {
	topics := a.topics()
	if len(topics) == 0 {
		return ""
	}
	return "报告讲的是:" + strings.Join(topics, "、") + "。欢迎就这些方面提问。"
}

func (a *Answerer) coverageEnglish() string {
	topics := a.topics()
	if len(topics) == 0 {
		return ""
	}
	return "It covers: " + strings.Join(topics, "; ") + "."
}

// topics are the reports' chapter and part headings that carry no figure;
// with several reports, each report's few under its place and year.
func (a *Answerer) topics() []string {
	docs := a.Index.Docs()
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

// Body is an answer's text without its source line: the words whose
// figures must all come from the cited sections.
func Body(text string) string {
	var keep []string
	for _, l := range strings.Split(text, "\n") {
		if !IsSourceLine(l) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// IsSourceLine reports whether a line of an answer is its source line, in
// any of the languages answers are given in.
func IsSourceLine(l string) bool {
	return slices.ContainsFunc(sourcePrefixes, func(p string) bool { return strings.HasPrefix(l, p) })
}

// Unsupported returns the figures of an answer's body that no cited section
// of ix contains, and that are not the answer's computed figure worked out
// from cited figures: for a correct answer, none.
func Unsupported(ix *knowledge.Index, a Answer) []knowledge.Figure {
	var allowed []knowledge.Figure
	for _, c := range a.Citations {
		for _, d := range ix.Docs() {
			if c.Report != "" && c.Report != d.Meta.Title {
				continue
			}
			if c.Section == knowledge.HeaderID {
				allowed = append(allowed, knowledge.ExtractFigures(d.Meta.Title+" "+d.Meta.Published+" "+d.Meta.Source)...)
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
	body := Body(a.Text)
	if a.Computed != nil && a.Computed.Rounding != "" { // 保留一位小数 counts nothing
		body = strings.ReplaceAll(body, a.Computed.Rounding, "")
	}
	// With several reports, answers name each by its place and year
	// (【分宜县2023年】): those years are labels, not the report's figures.
	if len(ix.Docs()) > 1 {
		for _, d := range ix.Docs() {
			allowed = append(allowed, knowledge.Figure{Kind: knowledge.KindYear, Unit: "年", Value: float64(d.Meta.Year)})
		}
	}
	var out []knowledge.Figure
	for _, f := range knowledge.ExtractFigures(knowledge.FoldRunes(body)) {
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
