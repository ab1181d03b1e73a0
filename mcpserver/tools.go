package mcpserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/knowledge"
)

// AskInput is the input of ask.
type AskInput struct {
	Question string `json:"question" jsonschema:"the question, in a resident's own words, Chinese or English: 行政复议收到多少件申请?"`
	Report   string `json:"report,omitempty" jsonschema:"a report ID from list_reports, to answer from that report alone; leave out to answer from all the loaded reports"`
}

// AskOutput is an answer: its text as a resident is shown it, and the
// report text it comes from.
type AskOutput struct {
	Answer    string     `json:"answer" jsonschema:"the answer as shown to a resident, its line of sources last"`
	Found     bool       `json:"found" jsonschema:"false when the reports do not answer the question"`
	Mode      string     `json:"mode" jsonschema:"how the answer was made: extractive (the report's own sentences) or llm (facts a language model selected, worded from the report)"`
	Computed  string     `json:"computed,omitempty" jsonschema:"a figure worked out from the report's facts (a rate, sum or difference) with its working; the report does not state it"`
	Citations []Citation `json:"citations" jsonschema:"the sections the answer comes from, with the exact text quoted"`
}

// Citation is a section an answer uses and the exact text taken from it.
type Citation struct {
	Section string `json:"section" jsonschema:"the section's ID, for get_section: 一(六)1"`
	Heading string `json:"heading"`
	Quote   string `json:"quote" jsonschema:"the report's exact words"`
	Report  string `json:"report" jsonschema:"the report's ID, for get_section"`
	Title   string `json:"title" jsonschema:"the report's title"`
}

// SearchFactsInput is the input of search_facts.
type SearchFactsInput struct {
	Query string `json:"query" jsonschema:"what the figures are about, in a few words: 行政复议, 法律顾问, 执法证"`
	Place string `json:"place,omitempty" jsonschema:"only the reports of this place: 分宜县"`
	Year  int    `json:"year,omitempty" jsonschema:"only the reports covering this year: 2023"`
	Limit int    `json:"limit,omitempty" jsonschema:"most facts to return, best first: 10 when left out, at most 50"`
}

// SearchFactsOutput are the facts found, best first.
type SearchFactsOutput struct {
	Facts   []Fact `json:"facts"`
	Matched int    `json:"matched" jsonschema:"how many facts matched, of which the first limit are given"`
}

// Fact is one figure a report states, with what it counts and where the
// report says it.
type Fact struct {
	Figure   string  `json:"figure" jsonschema:"the figure as printed: 84件"`
	Value    float64 `json:"value" jsonschema:"its value normalized: 8.56万件 is 85600"`
	Unit     string  `json:"unit"`
	Counts   string  `json:"counts" jsonschema:"what it counts, in the clause's words, … standing for the figure: 收到…行政复议申请"`
	Of       string  `json:"of,omitempty" jsonschema:"the whole it is part of, when the clause leaves it to the one before: 收到…行政复议申请 for 受理68件"`
	Actor    string  `json:"actor,omitempty" jsonschema:"who does it, when the sentence names one"`
	Period   int     `json:"period,omitempty" jsonschema:"the year it is of"`
	Approx   string  `json:"approx,omitempty" jsonschema:"how it is approximate: 余, 多, 近, 超过, 至少, 以上"`
	Negated  string  `json:"negated,omitempty" jsonschema:"the negation it is counted under: 不予, 未"`
	Report   string  `json:"report" jsonschema:"the report's ID"`
	Title    string  `json:"title"`
	Place    string  `json:"place,omitempty"`
	Year     int     `json:"year,omitempty" jsonschema:"the year the report covers"`
	Section  string  `json:"section" jsonschema:"the section's ID, for get_section"`
	Heading  string  `json:"heading"`
	Sentence string  `json:"sentence" jsonschema:"the report's sentence that states it, exactly as printed"`
}

// GetSectionInput is the input of get_section.
type GetSectionInput struct {
	Report  string `json:"report,omitempty" jsonschema:"the report's ID from list_reports; may be left out when one report is loaded or only one has the section"`
	Section string `json:"section" jsonschema:"the section's ID, as citations and facts name it: 一(六)1"`
}

// SectionOutput is one section's whole text.
type SectionOutput struct {
	Report  string   `json:"report"`
	Title   string   `json:"title"`
	Section string   `json:"section"`
	Heading string   `json:"heading"`
	Path    []string `json:"path,omitempty" jsonschema:"the headings of the sections it is part of, outermost first"`
	Text    string   `json:"text" jsonschema:"the section's text with its subsections, exactly as printed"`
}

// ListReportsOutput are the loaded reports.
type ListReportsOutput struct {
	Reports []Report `json:"reports"`
}

// Report describes a loaded report.
type Report struct {
	ID        string `json:"id" jsonschema:"what the other tools' report takes"`
	Title     string `json:"title"`
	Place     string `json:"place,omitempty"`
	Level     string `json:"level,omitempty" jsonschema:"the place's level: 省, 市, 县, 区"`
	Year      int    `json:"year,omitempty" jsonschema:"the year it covers"`
	Publisher string `json:"publisher,omitempty"`
	Published string `json:"published,omitempty" jsonschema:"when it was published, as printed"`
	Sections  int    `json:"sections"`
	Facts     int    `json:"facts" jsonschema:"how many figures it states"`
}

// readOnly are every tool's annotations: they read the loaded reports and
// nothing else, and change nothing.
func readOnly(title string) *mcp.ToolAnnotations {
	no := false
	return &mcp.ToolAnnotations{Title: title, ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: &no, OpenWorldHint: &no}
}

func (s *Server) addTools() {
	mcp.AddTool(s.mcp, &mcp.Tool{Name: "ask", Annotations: readOnly("Ask the reports"),
		Description: "Answers a question about the loaded government reports as a resident is answered: the report's exact figures, " +
			"any figure computed from them with its working, and the sections quoted. Says so when the reports do not answer."}, logged(s, "ask", s.ask))
	mcp.AddTool(s.mcp, &mcp.Tool{Name: "search_facts", Annotations: readOnly("Search the reports' figures"),
		Description: "Finds the figures the reports state about a topic, best first: each with what it counts, its report, section and the sentence that states it."},
		logged(s, "search_facts", s.searchFacts))
	mcp.AddTool(s.mcp, &mcp.Tool{Name: "get_section", Annotations: readOnly("Read a section"),
		Description: "Returns the heading and whole text of one section of a report, its subsections included, by the section ID that citations and facts give (一(六)1)."},
		logged(s, "get_section", s.section))
	mcp.AddTool(s.mcp, &mcp.Tool{Name: "list_reports", Annotations: readOnly("List the reports"),
		Description: "Lists the loaded reports: title, place and its level, year, publisher, publication date, and the ID the other tools take as report."},
		logged(s, "list_reports", s.listReports))
}

// logged logs each call of a tool: its name, how long it took, and the
// message of a tool error (never a question).
func logged[In, Out any](s *Server, name string, h mcp.ToolHandlerFor[In, Out]) mcp.ToolHandlerFor[In, Out] {
	return func(ctx context.Context, req *mcp.CallToolRequest, in In) (*mcp.CallToolResult, Out, error) {
		start := time.Now()
		res, out, err := h(ctx, req, in)
		if err != nil {
			s.log.InfoContext(ctx, "tool refused", "tool", name, "err", err, "took", time.Since(start))
		} else {
			s.log.InfoContext(ctx, "tool answered", "tool", name, "took", time.Since(start))
		}
		return res, out, err
	}
}

// text is a result shown as text, beside its structured form.
func text(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}

func (s *Server) ask(ctx context.Context, req *mcp.CallToolRequest, in AskInput) (*mcp.CallToolResult, AskOutput, error) {
	lib := s.lib.Load()
	ans, scope := lib.ans, (*report)(nil)
	if strings.TrimSpace(in.Report) != "" {
		r, err := lib.find(in.Report)
		if err != nil {
			return nil, AskOutput{}, err
		}
		ans, scope = r.alone(), r
	} else if len(lib.reports) == 1 {
		scope = lib.reports[0]
	}
	ctx, cancel := context.WithTimeout(reply.WithChannel(ctx, "mcp"), s.cfg.AnswerTimeout)
	defer cancel()
	a, err := ans.AskFor(ctx, reply.Key{Conv: "mcp:" + newConversation(), User: askerOf(req)}, in.Question, nil)
	if err != nil {
		var limited *answer.RateLimitError
		if !errors.Is(err, answer.ErrEmptyQuestion) && !errors.Is(err, answer.ErrQuestionTooLong) && !errors.As(err, &limited) {
			s.log.ErrorContext(ctx, "question not answered", "err", err)
		}
		return nil, AskOutput{}, errors.New(answer.UserMessage(err))
	}
	out := AskOutput{Answer: a.Text, Found: a.Found, Mode: string(a.Mode), Citations: []Citation{}}
	if a.Computed != nil {
		out.Computed = a.Computed.Text + " = " + a.Computed.Working
	}
	for _, c := range a.Citations {
		r := scope
		if c.Report != "" {
			r = lib.byTitle(c.Report)
		}
		cit := Citation{Section: c.Section, Heading: c.Heading, Quote: c.Quote}
		if r != nil {
			cit.Report, cit.Title = r.id, r.doc.Meta.Title
		}
		out.Citations = append(out.Citations, cit)
	}
	return text(a.Text), out, nil
}

// newConversation names a conversation of one question: each ask stands
// alone.
func newConversation() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

func (s *Server) section(_ context.Context, _ *mcp.CallToolRequest, in GetSectionInput) (*mcp.CallToolResult, SectionOutput, error) {
	lib := s.lib.Load()
	id := strings.TrimSpace(in.Section)
	if id == "" {
		return nil, SectionOutput{}, errors.New("no section given: name one by its ID, as ask's citations and search_facts' facts give it (一(六)1)")
	}
	candidates := lib.reports
	if strings.TrimSpace(in.Report) != "" {
		r, err := lib.find(in.Report)
		if err != nil {
			return nil, SectionOutput{}, err
		}
		candidates = []*report{r}
	}
	var found []*report
	var sec *knowledge.Section
	for _, r := range candidates {
		if hit := sectionOf(r.doc, id); hit != nil {
			found, sec = append(found, r), hit
		}
	}
	switch {
	case len(found) == 0 && len(candidates) == 1:
		return nil, SectionOutput{}, fmt.Errorf("%s has no section %q. Section IDs look like 一(六)1, as ask's citations and search_facts' facts give them; its chapters are %s",
			candidates[0].id, id, outline(candidates[0].doc))
	case len(found) == 0:
		return nil, SectionOutput{}, fmt.Errorf("no report has a section %q. Section IDs look like 一(六)1, as ask's citations and search_facts' facts give them, with their report", id)
	case len(found) > 1:
		var ids []string
		for _, r := range found {
			ids = append(ids, r.id)
		}
		return nil, SectionOutput{}, fmt.Errorf("section %s is in %d reports: %s; name one of them as report", sec.ID, len(found), strings.Join(ids, ", "))
	}
	r := found[0]
	out := SectionOutput{Report: r.id, Title: r.doc.Meta.Title, Section: sec.ID, Heading: sec.Heading, Path: sec.Path, Text: r.doc.FullText(sec.ID)}
	return text(fmt.Sprintf("《%s》%s\n\n%s", out.Title, sec.Label(), out.Text)), out, nil
}

// sectionOf finds a section by its ID, however wide its brackets are
// typed: 一(六)1 or 一(六)1.
func sectionOf(d *knowledge.Document, id string) *knowledge.Section {
	if s := d.Section(id); s != nil {
		return s
	}
	folded := knowledge.Fold(strings.ReplaceAll(id, " ", ""))
	for _, s := range d.Sections {
		if knowledge.Fold(s.ID) == folded {
			return s
		}
	}
	return nil
}

// outline lists a report's chapters and their parts, for finding a
// section: 一 主要举措和成效, 一(一) 统筹推进…
func outline(d *knowledge.Document) string {
	var out []string
	for _, s := range d.Sections {
		if s.Level <= 2 {
			out = append(out, s.Label())
		}
	}
	return strings.Join(out, "; ")
}

func (s *Server) listReports(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, ListReportsOutput, error) {
	lib := s.lib.Load()
	out := ListReportsOutput{Reports: []Report{}}
	var b strings.Builder
	for _, r := range lib.reports {
		m := r.doc.Meta
		out.Reports = append(out.Reports, Report{ID: r.id, Title: m.Title, Place: m.Place, Level: m.Level, Year: m.Year,
			Publisher: m.Source, Published: m.Published, Sections: len(r.doc.Sections), Facts: len(r.doc.Facts())})
		fmt.Fprintf(&b, "%s\t《%s》\tplace=%s\tlevel=%s\tyear=%d\tpublisher=%s\tpublished=%s\n", r.id, m.Title, m.Place, m.Level, m.Year, m.Source, m.Published)
	}
	return text(b.String()), out, nil
}
