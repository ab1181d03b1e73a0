package selection

import (
	"reportbot/answer/claim"
	"reportbot/answer/compute"
	"reportbot/answer/engine"
	"reportbot/answer/place"
	"reportbot/answer/reply"
	"reportbot/answer/suggest"
	"reportbot/knowledge"
	"slices"
	"strings"
)

// render writes the answer a validated selection asks for. Every sentence
// of it is the report's (a fact's clause, a sentence, the header) or the
// program's (a verdict, a computed figure with its working, a label from
// the glossary): nothing the model wrote. ext is the program's own answer,
// whose reading a decline keeps.
func render(e *engine.Engine, question string, lang reply.Language, c chosen, docs []*knowledge.Document, ext reply.Answer) reply.Answer {
	many := len(e.Index.Docs()) > 1 // citations name their report
	side := len(docs) > 1           // facts of several reports, each under its place and year
	switch c.Kind {
	case reply.KindNone: // what the program says when it finds nothing: the nearby questions it does answer
		ans := suggest.WithNearby(e, e.NotFound(question, ext.Resolved))
		ans.Resolved = c.Restated
		if lang == reply.English {
			ans.SetLines([]reply.Line{{Text: "The report does not say. " + e.CoverageEnglish()}})
		}
		ans.Mode, ans.Verified = reply.ModeLLM, true
		return ans
	case reply.KindReport:
		ans := e.ReportAnswer(question, c.Field, docs)
		ans.Mode, ans.Verified = reply.ModeLLM, true
		return ans
	}
	ans := reply.Answer{Question: question, Found: true, Mode: reply.ModeLLM, Verified: true, Resolved: c.Restated}
	if many {
		for _, d := range docs {
			ans.Scope = append(ans.Scope, d.Meta.Title)
		}
	}
	ans.Citations = citationsOf(e, c, many)
	for _, lf := range c.Facts {
		f := lf.Fact
		f.Report = lf.Doc.Meta.Title
		ans.Lead = append(ans.Lead, f)
	}
	lead := leadOf(e, c.Facts, side)
	switch c.Kind {
	case reply.KindYesNo:
		lead = claim.YesNo(question, ans.Lead, lead)
	case reply.KindCompare, reply.KindSum, reply.KindDifference, reply.KindShare:
		var comp *reply.Computed
		lead, comp = compute.Of(c.Kind, ans.Lead)
		ans.Computed = comp
	}
	if len(c.Facts) == 0 {
		lead = "" // sentences alone: the quote is the answer
	}
	if lang == reply.English {
		ans.SetLines(engine.EnglishLines(ans, lead))
		return ans
	}
	lines := engine.ComposeFound(ans.Citations, lead, false)
	if many && !side {
		lines[0].Text = "【" + place.Label(docs[0]) + "】" + lines[0].Text
	}
	ans.SetLines(lines)
	return ans
}

// citationsOf cites the sentences the selection stands on: each fact's
// sentence and each sentence selected, once, by section in the order
// selected.
func citationsOf(e *engine.Engine, c chosen, many bool) []reply.Citation {
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
		add(lf.Doc, lf.Section, e.SentenceOf(lf.Section, lf.Fact))
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

// leadOf says the facts in the report's own words (FactLead), each under
// its report's place and year when several reports are listed (side).
func leadOf(e *engine.Engine, facts []listedFact, side bool) string {
	var parts []string
	for _, lf := range facts {
		text := e.FactLead(lf.Section, lf.Fact)
		if side {
			text = place.Label(lf.Doc) + ":" + text
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

// listedFact is a fact the prompt lists, and where it stands.
type listedFact struct {
	Doc     *knowledge.Document
	Section *knowledge.Section
	Fact    knowledge.Fact
}

// listedSentence is a sentence the prompt lists.
type listedSentence struct {
	Doc     *knowledge.Document
	Section *knowledge.Section
	Text    string
}

// chosen is a selection resolved against its shortlist.
type chosen struct {
	Kind      string
	Field     string
	Restated  string
	Facts     []listedFact
	Sentences []listedSentence
}
