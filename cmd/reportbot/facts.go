package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"reportbot/knowledge"
)

// factColumns are the CSV columns of `reportbot facts --csv`, in order.
var factColumns = []string{"report", "section", "text", "value", "unit", "kind", "measure", "of", "actor", "period", "marks", "polarity", "approx", "clause"}

// printFacts prints the fact table of docs, one fact a line: as text for
// reading, JSON for scripts, or CSV for a spreadsheet (with a byte-order
// mark, so that spreadsheets read the Chinese as UTF-8).
func printFacts(stdout, stderr io.Writer, docs []*knowledge.Document, asJSON, asCSV bool) int {
	switch {
	case asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for _, d := range docs {
			for _, f := range d.Facts() {
				if err := enc.Encode(f); err != nil {
					fmt.Fprintf(stderr, "reportbot facts: %v\n", err)
					return exitError
				}
			}
		}
	case asCSV:
		io.WriteString(stdout, "\ufeff")
		w := csv.NewWriter(stdout)
		w.Write(factColumns)
		for _, d := range docs {
			for _, f := range d.Facts() {
				w.Write([]string{f.Report, f.Section, f.Text, strconv.FormatFloat(f.Value, 'f', -1, 64), f.Unit, string(f.Kind),
					f.Measure.String(), f.Of.String(), f.Actor, strconv.Itoa(f.Period), strings.Join(f.Marks, " "), f.Polarity, f.Approx, f.Clause})
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			fmt.Fprintf(stderr, "reportbot facts: %v\n", err)
			return exitError
		}
	default:
		for i, d := range docs {
			if len(docs) > 1 {
				if i > 0 {
					fmt.Fprintln(stdout)
				}
				fmt.Fprintf(stdout, "# %s\n", d.Meta.Title)
			}
			for _, f := range d.Facts() {
				fmt.Fprintf(stdout, "%s\t%s\t%s\t%d\t%s\n", f.Section, f.Text, describe(f), f.Period, f.Clause)
			}
		}
	}
	return exitOK
}

// describe says what a fact counts, with its qualifiers: 已回复 (of
// 提出检察意见; 县检察院).
func describe(f knowledge.Fact) string {
	var q []string
	if !f.Of.IsZero() {
		q = append(q, "of "+f.Of.String())
	}
	if f.Actor != "" {
		q = append(q, "by "+f.Actor)
	}
	q = append(q, f.Marks...)
	if f.Polarity != "" {
		q = append(q, "polarity "+f.Polarity)
	}
	if f.Approx != "" {
		q = append(q, "approx "+f.Approx)
	}
	if len(q) == 0 {
		return f.Measure.String()
	}
	return f.Measure.String() + " (" + strings.Join(q, "; ") + ")"
}

// printReports lists the loaded reports: what each is, whose, of when.
func printReports(w io.Writer, docs []*knowledge.Document) {
	for _, d := range docs {
		m := d.Meta
		fmt.Fprintf(w, "%s\tplace=%s\tlevel=%s\tdepartment=%s\tyear=%d\tpublisher=%s\tpublished=%s\tfile=%s\n",
			m.Title, m.Place, m.Level, m.Department, m.Year, m.Source, m.Published, m.File)
	}
}
