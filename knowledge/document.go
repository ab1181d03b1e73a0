package knowledge

import (
	"crypto/sha256"
	"reportbot/knowledge/figure"
	"strings"
	"sync"
)

// PreambleID is the ID of the text that comes before a report's first
// chapter heading.
const PreambleID = "前言"

// HeaderID names a report's title and page header (its date and source)
// where an answer cites them: who published a report, and when, is said
// there, not in a section.
const HeaderID = "页头"

// Meta describes a report: where it comes from, as its page header says,
// and whose and when it is, as its title says.
type Meta struct {
	Title     string `json:"title"`
	Published string `json:"published,omitempty"` // as printed, e.g. 2025-06-25 15:27
	Source    string `json:"source,omitempty"`    // the publisher, as the header's 来源 names it
	File      string `json:"file"`                // the file it was loaded from
	Place     string `json:"place,omitempty"`     // the government it is of: 分宜县
	Level     string `json:"level,omitempty"`     // the place's level: 省, 市, 县, 区…
	// Department is the department of the place's government whose report
	// it is (司法局 of 新余市司法局), when not the government's own.
	Department string `json:"department,omitempty"`
	Year       int    `json:"year,omitempty"` // the year it covers
}

// Section is one numbered part of a report.
type Section struct {
	ID      string          `json:"id"`
	Heading string          `json:"heading"`
	Text    string          `json:"text"`           // the section's own text, without its children
	Path    []string        `json:"path,omitempty"` // headings of its ancestors, outermost first
	Parent  string          `json:"parent,omitempty"`
	Level   int             `json:"level"` // 1 for 一、 … 5 for inline 一是; 0 for the preamble
	Line    int             `json:"line"`  // line of the file where it starts
	figures []figure.Figure // its figures, heading's first, once its document's facts are built
	facts   []Fact          // its figures as facts, in reading order, once its document's are built
	doc     *Document       // the report it is part of
}

// Figures returns every figure of the section's heading and text, in
// reading order. They are read with the document's facts, on first use,
// so that a library of many reports loads at the cost of their text alone.
func (s *Section) Figures() []figure.Figure {
	if s.doc != nil {
		s.doc.Facts()
	}
	return s.figures
}

// Facts returns the section's figures as facts, in reading order.
func (s *Section) Facts() []Fact {
	if s.doc != nil {
		s.doc.Facts()
	}
	return s.facts
}

// Label is the section's ID and heading, as a citation shows them.
func (s *Section) Label() string {
	if s.Heading == "" || s.Heading == s.ID {
		return s.ID
	}
	return s.ID + " " + s.Heading
}

// Document is one parsed report.
type Document struct {
	Meta     Meta
	Sections []*Section // in reading order
	byID     map[string]*Section
	facts    []Fact
	built    sync.Once // the fact table, made on first use

	summed sync.Once    // digest and years, made once (summary)
	digest []byte       // of its sections' IDs, headings and text
	years  map[int]bool // the years its text speaks of
}

// summary is what an index needs of the report at once: a digest of its
// text, for the index's version, and the years it speaks of. Parsing makes
// it, on the parser's core.
func (d *Document) summary() ([]byte, map[int]bool) {
	d.summed.Do(func() {
		h := sha256.New()
		d.years = map[int]bool{}
		var buf []byte // one buffer for every part: no allocation a part
		for _, s := range d.Sections {
			for _, part := range []string{s.ID, s.Heading, s.Text} {
				buf = append(append(buf[:0], part...), 0)
				h.Write(buf)
			}
			yearsIn(s.Heading, d.years)
			yearsIn(s.Text, d.years)
		}
		d.digest = h.Sum(nil)
	})
	return d.digest, d.years
}

// Year is the year the report is about, the first year in its title, or 0.
func (d *Document) Year() int { return d.Meta.Year }

// Facts returns the report's fact table: every figure with what it counts,
// in reading order. It is built on first use, so that a library of many
// reports loads at the cost of their text alone.
func (d *Document) Facts() []Fact {
	d.built.Do(func() { d.facts = d.buildFacts() })
	return d.facts
}

// Section returns the section with the given ID, or nil.
func (d *Document) Section(id string) *Section {
	return d.byID[id]
}

// FullText is the text of a section with all its subsections, in reading order.
func (d *Document) FullText(id string) string {
	s := d.byID[id]
	if s == nil {
		return ""
	}
	var b strings.Builder
	for _, t := range d.Sections {
		if t != s && !d.isDescendant(t, s) {
			continue
		}
		if t != s && t.Level != inlineLevel && t.Heading != "" {
			b.WriteString(t.Heading)
			b.WriteString("\n")
		}
		if t.Text != "" {
			b.WriteString(t.Text)
			b.WriteString("\n")
		}
	}
	return strings.TrimSpace(b.String())
}

func (d *Document) isDescendant(t, ancestor *Section) bool {
	for p := d.byID[t.Parent]; p != nil; p = d.byID[p.Parent] {
		if p == ancestor {
			return true
		}
	}
	return false
}

// Children returns the sections directly under id, in reading order.
func (d *Document) Children(id string) []*Section {
	var out []*Section
	for _, s := range d.Sections {
		if s.Parent == id && s.ID != id {
			out = append(out, s)
		}
	}
	return out
}
