// Package testreport gives tests their reports: the embedded seed report,
// and reports parsed from a test's own text. A report that does not load
// fails the test at once.
package testreport

import (
	"testing"

	"reportbot/knowledge"
)

// Seed returns the documents of the embedded seed report.
func Seed(t testing.TB) []*knowledge.Document {
	t.Helper()
	docs, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// SeedIndex returns the index of the embedded seed report.
func SeedIndex(t testing.TB) *knowledge.Index {
	t.Helper()
	return knowledge.NewIndex(Seed(t)...)
}

// Parse parses text as the report file name (its extension says its
// format).
func Parse(t testing.TB, name string, text []byte) *knowledge.Document {
	t.Helper()
	d, err := knowledge.Parse(name, text)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
