package exports

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"reportbot/answer/engine"
	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// Entry is one fact of a report as a knowledge entry of a 12345 hotline's
// knowledge base: the elements GB/T 44191-2024 gives an entry (title,
// content, scope, dates of effect and expiry, source), then where in the
// report it stands. docs/export.md maps each to the standard's element.
type Entry struct {
	ID        string `json:"id"`        // 编号: stable while the report's text is
	Title     string `json:"title"`     // 标题: the question the fact answers
	Content   string `json:"content"`   // 内容: the answer, as the bot gives it
	Scope     string `json:"scope"`     // 适用范围: the place the report is of
	Category  string `json:"category"`  // 分类: the section's place in the outline
	Effective string `json:"effective"` // 生效日期: the report's publication
	Expires   string `json:"expires"`   // 失效日期: "", a past year's figure stays true
	Source    string `json:"source"`    // 来源: publisher, report, section
	Report    string `json:"report"`    // the report's title
	Publisher string `json:"publisher"`
	Year      int    `json:"year"` // the year the report covers
	Section   string `json:"section"`
	Heading   string `json:"heading"`
	Published string `json:"published"` // the report's publication date, 2025-06-25
	Figure    string `json:"figure"`    // as printed: 84件
	Quote     string `json:"quote"`     // the sentence it stands in, exactly
}

// entryColumns are the CSV columns of a knowledge export, named as a
// hotline's knowledge base names them, each with its value.
var entryColumns = []struct {
	name  string
	value func(Entry) string
}{
	{"编号", func(e Entry) string { return e.ID }},
	{"标题", func(e Entry) string { return e.Title }},
	{"内容", func(e Entry) string { return e.Content }},
	{"适用范围", func(e Entry) string { return e.Scope }},
	{"分类", func(e Entry) string { return e.Category }},
	{"生效日期", func(e Entry) string { return e.Effective }},
	{"失效日期", func(e Entry) string { return e.Expires }},
	{"来源", func(e Entry) string { return e.Source }},
	{"报告", func(e Entry) string { return e.Report }},
	{"发布单位", func(e Entry) string { return e.Publisher }},
	{"年度", func(e Entry) string { return strconv.Itoa(e.Year) }},
	{"章节", func(e Entry) string { return e.Section }},
	{"章节标题", func(e Entry) string { return e.Heading }},
	{"发布日期", func(e Entry) string { return e.Published }},
	{"数字", func(e Entry) string { return e.Figure }},
	{"原文", func(e Entry) string { return e.Quote }},
}

// Entries are the knowledge entries of docs: one a fact, in the order of
// the fact table (`reportbot facts`).
func Entries(docs []*knowledge.Document) []Entry {
	e := engine.New(knowledge.NewIndex(docs...))
	var out []Entry
	for _, d := range docs {
		for _, f := range d.Facts() {
			out = append(out, entryOf(e, d, f))
		}
	}
	return out
}

// Knowledge writes the knowledge entries of docs to w in format
// (FormatCSV or FormatJSON), and returns how many it wrote.
func Knowledge(docs []*knowledge.Document, format string, w io.Writer) (int, error) {
	entries := Entries(docs)
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if entries == nil {
			entries = []Entry{}
		}
		return len(entries), enc.Encode(entries)
	case FormatCSV:
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return 0, err
		}
		cw := csv.NewWriter(w)
		row := make([]string, len(entryColumns))
		for i, c := range entryColumns {
			row[i] = c.name
		}
		cw.Write(row)
		for _, e := range entries {
			for i, c := range entryColumns {
				row[i] = c.value(e)
			}
			cw.Write(row)
		}
		cw.Flush()
		return len(entries), cw.Error()
	}
	return 0, fmt.Errorf("format %q: expected %s or %s", format, FormatCSV, FormatJSON)
}

// entryOf is fact f of report d as a knowledge entry: its content the
// bot's answer to its title, in the report's own words.
func entryOf(e *engine.Engine, d *knowledge.Document, f knowledge.Fact) Entry {
	m := d.Meta
	s := d.Section(f.Section)
	sentence := e.SentenceOf(s, f)
	cit := reply.Citation{Section: s.ID, Heading: s.Heading, Quote: sentence, Report: m.Title}
	lines := engine.ComposeFound([]reply.Citation{cit}, e.FactLead(s, f), false)
	texts := make([]string, len(lines))
	for i, l := range lines {
		texts[i] = l.Text
	}
	published, _, _ := strings.Cut(m.Published, " ") // 2025-06-25 15:27: the day
	id := sha256.Sum256([]byte(strings.Join([]string{m.Title, f.Section, strconv.Itoa(f.Start), f.Text, f.Measure.String()}, "\x00")))
	return Entry{
		ID:        hex.EncodeToString(id[:6]),
		Title:     question(d, s, f),
		Content:   strings.Join(texts, "\n"),
		Scope:     m.Place,
		Category:  strings.Join(append(append([]string{m.Title}, s.Path...), s.Heading), "/"),
		Effective: published,
		Source:    m.Source + "《" + m.Title + "》" + sectionLabel(s),
		Report:    m.Title,
		Publisher: m.Source,
		Year:      m.Year,
		Section:   s.ID,
		Heading:   s.Heading,
		Published: published,
		Figure:    f.Text,
		Quote:     sentence,
	}
}

// question words fact f as the plain question it answers, of its place
// and year: 分宜县2023年收到多少件行政复议申请? A fact whose clause names
// nothing it counts (a date alone) is asked about by its section.
func question(d *knowledge.Document, s *knowledge.Section, f knowledge.Fact) string {
	m := f.Measure.String()
	if m == "" {
		return "《" + d.Meta.Title + "》“" + s.Heading + "”中的" + f.Text + "指什么?"
	}
	for _, own := range []string{"我县", "我市", "我区", "我省"} { // the place is said before it
		m = strings.TrimPrefix(m, own)
	}
	unit := f.Unit
	if f.Text != "" && f.Text[0] >= '0' && f.Text[0] <= '9' { // the unit as printed: 122名, 8.56万件
		unit = strings.TrimLeft(strings.TrimLeft(f.Text, "0123456789."), "余多")
	}
	var ask string
	switch f.Kind {
	case figure.KindPercent:
		ask = fill(m, "多少", m+"比例是多少?", "是多少?")
	case figure.KindOrdinal:
		ask = fill(m, "第几"+f.Unit, m+"是第几"+f.Unit+"?", "是第几"+f.Unit+"?")
	case figure.KindDate:
		ask = fill(m, "哪天", m+"是哪天?", "是哪天?")
	case figure.KindDocNumber:
		m = strings.ReplaceAll(strings.ReplaceAll(m, "(…)", ""), "(…)", "")
		ask = strings.ReplaceAll(m, "…", "") + "的文号是什么?"
	default:
		ask = fill(m, "多少"+unit, m+"有多少"+unit+"?", "多少"+unit+"?")
	}
	if !f.Of.IsZero() {
		ask = f.Of.Words() + ",其中" + ask
	}
	prefix := d.Meta.Place
	if f.Period > 0 {
		prefix += strconv.Itoa(f.Period) + "年"
	}
	return prefix + ask
}

// fill asks for the figure in measure m: in its place (…) when m has one,
// else as orDangling when m ends in 的 (占…总办件量的), else after m.
func fill(m, what, orDangling, after string) string {
	switch {
	case strings.Contains(m, "…"):
		return strings.Replace(m, "…", what, 1) + "?"
	case strings.HasSuffix(m, "的"):
		return orDangling
	}
	return m + after
}

// sectionLabel names a section by its ID and heading, once when they are
// the same (前言).
func sectionLabel(s *knowledge.Section) string {
	if s.Heading == "" || s.Heading == s.ID {
		return s.ID
	}
	return s.ID + " " + s.Heading
}
