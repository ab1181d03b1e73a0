package mcpserver

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"reportbot/answer"
	"reportbot/answer/place"
	"reportbot/knowledge"
)

// library is what the tools answer from; a reload swaps it whole.
type library struct {
	ans     *answer.Answerer // over every report
	reports []*report        // in loading order
}

// report is one loaded report with the ID the tools name it by.
type report struct {
	id  string
	doc *knowledge.Document
	// alone answers from this report only, made on first use: most
	// questions are asked of all the reports.
	alone func() *answer.Answerer
}

// newLibrary names each of docs, answered by ans.
func newLibrary(ans *answer.Answerer, docs []*knowledge.Document) *library {
	lib := &library{ans: ans}
	for i, id := range reportIDs(docs) {
		d := docs[i]
		r := &report{id: id, doc: d}
		if len(docs) == 1 {
			r.alone = func() *answer.Answerer { return ans }
		} else {
			r.alone = sync.OnceValue(func() *answer.Answerer { return ans.With(knowledge.NewIndex(d)) })
		}
		lib.reports = append(lib.reports, r)
	}
	return lib
}

// reportIDs names each report for the tools by its place (and department)
// and year (分宜县-2023, 新余市司法局-2023): readable, and the same after a reload. Reports that would
// share a name are told apart by their file's; a name still taken gets a
// number.
func reportIDs(docs []*knowledge.Document) []string {
	base := make([]string, len(docs))
	for i, d := range docs {
		base[i] = baseID(d)
	}
	return place.Unique(base, func(i int) string { return fileStem(docs[i].Meta.File) })
}

// baseID is what a report is called before others are considered: its
// place and year, or its file's name when its title names no place.
func baseID(d *knowledge.Document) string {
	m := d.Meta
	switch {
	case m.Place != "" && m.Year != 0:
		return fmt.Sprintf("%s%s-%d", m.Place, m.Department, m.Year)
	case m.Place != "":
		return m.Place + m.Department
	}
	return fileStem(m.File)
}

// fileStem is a file's name without folder or extension, its spaces
// as dashes.
func fileStem(path string) string {
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	stem = strings.Join(strings.Fields(stem), "-")
	if stem == "" || stem == "." {
		return "report"
	}
	return stem
}

// find returns the report named by its ID, or by its title.
func (lib *library) find(name string) (*report, error) {
	name = strings.TrimSpace(name)
	for _, r := range lib.reports {
		if r.id == name || r.doc.Meta.Title == name {
			return r, nil
		}
	}
	for _, r := range lib.reports { // 分宜县-2023 typed with other dashes or widths
		if knowledge.Fold(r.id) == knowledge.Fold(name) {
			return r, nil
		}
	}
	return nil, fmt.Errorf("no report is called %q. The reports loaded are %s (list_reports describes them); give one of these IDs as report, or leave report out to use them all", name, lib.names())
}

// byTitle returns the report of a title, as a citation names it.
func (lib *library) byTitle(title string) *report {
	for _, r := range lib.reports {
		if r.doc.Meta.Title == title {
			return r
		}
	}
	return nil
}

// names lists the reports' IDs with their titles, for messages.
func (lib *library) names() string {
	var out []string
	for _, r := range lib.reports {
		out = append(out, fmt.Sprintf("%s (《%s》)", r.id, r.doc.Meta.Title))
	}
	return strings.Join(out, ", ")
}
