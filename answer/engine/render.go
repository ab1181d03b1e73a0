package engine

import (
	"fmt"
	"slices"
	"strings"

	"reportbot/answer/compute"
	"reportbot/answer/english"
	"reportbot/answer/reply"
	"reportbot/knowledge"
)

// SentenceOf is the report sentence a fact stands in, as the answer
// quotes it.
func (e *Engine) SentenceOf(s *knowledge.Section, f knowledge.Fact) string {
	for _, st := range e.parsed(s).sentences {
		if slices.ContainsFunc(st.facts, func(g knowledge.Fact) bool { return SameFact(f, g) }) {
			return st.text
		}
	}
	return strings.TrimSpace(s.Text[f.Sentence[0]:f.Sentence[1]])
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
	return append(lines, reply.Line{Text: reply.English.Source + strings.Join(labels, ";"), Source: true})
}
