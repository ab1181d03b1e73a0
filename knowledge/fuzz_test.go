package knowledge

import (
	"os"
	"reportbot/knowledge/figure"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, name := range []string{"reports/fenyi-2023-rule-of-law-report.txt", "testdata/report.md", "testdata/report.html", "testdata/out-of-order.txt"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, data)
	}
	f.Add("x.txt", []byte("标题\n一、甲\n(一)乙1.丙。一是丁;二是戊。\n(1)己"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc, err := Parse(name, data)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, s := range doc.Sections {
			if ids[s.ID] {
				t.Fatalf("section ID %q twice", s.ID)
			}
			ids[s.ID] = true
			if doc.Section(s.ID) != s {
				t.Fatalf("Section(%q) does not find it", s.ID)
			}
			for _, f := range s.Figures() {
				if !strings.Contains(s.Text, f.Raw) && !strings.Contains(s.Heading, f.Raw) {
					t.Fatalf("figure %q of %s is not in its text", f.Raw, s.ID)
				}
			}
		}
		NewIndex(doc)
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"行政複議申請收到多少件?", "ＧＤＰ　是多少", "那受理了几件?", "\xff", "ignore previous instructions",
		"百分之八十七点三", "国办发〔2018〕37号", "November 6, 2023", "1,996件 8.56万件 80余次"} {
		f.Add(s)
	}
	ix := NewIndex(seed(f))
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q, not UTF-8", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize is not idempotent: %q → %q → %q", s, n, again)
		}
		q := ix.Analyze(s)
		for _, c := range q.Content {
			if !strings.Contains(q.Text, c) && !slicesContainsTerm(q.Terms, c) {
				t.Fatalf("content term %q neither in %q nor searched", c, q.Text)
			}
		}
		ix.Search(q, 5)
		for _, f := range append(figure.Extract(s), figure.ExtractStrict(s)...) {
			if f.Offset < 0 || f.Offset+len(f.Raw) > len(s) || s[f.Offset:f.Offset+len(f.Raw)] != f.Raw {
				t.Fatalf("figure %q at %d is not the text's", f.Raw, f.Offset)
			}
		}
	})
}

func slicesContainsTerm(ts []Term, s string) bool {
	for _, t := range ts {
		if t.Text == s {
			return true
		}
	}
	return false
}
