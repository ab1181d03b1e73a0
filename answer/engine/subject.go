package engine

import (
	"strconv"
	"strings"

	"reportbot/answer/reply"
	"reportbot/knowledge"
)

// Questions about the report itself, answered from its title and header.
var (
	aboutReportRE = knowledge.Pattern("aboutReport")
	publisherRE   = knowledge.Pattern("publisher")
	publishedRE   = knowledge.Pattern("published")
	reportYearRE  = knowledge.Pattern("reportYear")
	titleRE       = knowledge.Pattern("title")
	placeAskRE    = knowledge.Pattern("placeAsk")
	// reportSaysRE names the report as the one who says what is asked
	// (报告最后说…): the words are not the question's.
	reportSaysRE = knowledge.Pattern("reportSays")
)

// aboutReport answers a question whose subject is the report itself: who
// published it, when, which year it covers, its title, its place. The
// answer cites the report's header, where these come from.
func (e *Engine) aboutReport(question, norm string) (reply.Answer, bool) {
	if !aboutReportRE.MatchString(norm) {
		return reply.Answer{}, false
	}
	var field string
	switch {
	case publisherRE.MatchString(norm):
		field = "publisher"
	case publishedRE.MatchString(norm):
		field = "published"
	case reportYearRE.MatchString(norm) && !strings.Contains(norm, "多少"):
		field = "year"
	case titleRE.MatchString(norm):
		field = "title"
	case placeAskRE.MatchString(norm):
		field = "place"
	default:
		return reply.Answer{}, false
	}
	return e.ReportAnswer(question, field, e.Index.Docs()), true
}

// ReportAnswer answers a question about the reports themselves: the field
// of their metadata asked for, citing their headers.
func (e *Engine) ReportAnswer(question, field string, docs []*knowledge.Document) reply.Answer {
	say := map[string]func(d *knowledge.Document) string{
		"publisher": func(d *knowledge.Document) string {
			if d.Meta.Source == "" {
				return ""
			}
			return "由" + d.Meta.Source + "发布"
		},
		"published": func(d *knowledge.Document) string {
			if d.Meta.Published == "" {
				return ""
			}
			return "发布于" + d.Meta.Published
		},
		"year": func(d *knowledge.Document) string {
			if d.Meta.Year == 0 {
				return ""
			}
			return "是" + d.Meta.Place + strconv.Itoa(d.Meta.Year) + "年的报告"
		},
		"title": func(d *knowledge.Document) string { return "的标题是《" + d.Meta.Title + "》" },
		"place": func(d *knowledge.Document) string {
			if d.Meta.Place == "" {
				return ""
			}
			return "是" + d.Meta.Place + "的报告"
		},
	}[field]
	if say == nil {
		return e.NotFound(question, "")
	}
	ans := reply.Answer{Question: question, Found: true, Mode: reply.ModeExtractive}
	var lines []string
	for _, d := range docs {
		s := say(d)
		if s == "" {
			continue
		}
		subject := "这份报告"
		if len(docs) > 1 {
			subject = "《" + d.Meta.Title + "》"
		}
		lines = append(lines, subject+s+"。")
		c := reply.Citation{Section: knowledge.HeaderID, Quote: header(d)}
		if len(docs) > 1 {
			c.Report = d.Meta.Title
		}
		ans.Citations = append(ans.Citations, c)
	}
	if len(lines) == 0 {
		return e.NotFound(question, "")
	}
	ans.SetLines(ComposeFound(ans.Citations, strings.Join(lines, ""), false))
	return ans
}

// header is the report's title and header as quoted: its title line, then
// its date and source as the page gives them.
func header(d *knowledge.Document) string {
	parts := []string{d.Meta.Title}
	if d.Meta.Published != "" {
		parts = append(parts, "日期:"+d.Meta.Published)
	}
	if d.Meta.Source != "" {
		parts = append(parts, "来源:"+d.Meta.Source)
	}
	return strings.Join(parts, " ")
}
