package knowledge

import (
	"slices"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"行政複議申請收到多少件?", "行政复议申请收到多少件?"},
		{"法律諮詢有幾人次", "法律咨询有几人次"},
		{"ＧＤＰ是多少?", "gdp是多少?"},
		{"  惠企\t资金   多少 ", "惠企 资金 多少"},
		{"(一)", "(一)"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseLexicon(t *testing.T) {
	if _, err := ParseLexicon("补贴 惠企资金\n补贴 惠企政策\n", ""); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("duplicate word: error = %v, want one naming line 2", err)
	}
	if _, err := ParseLexicon("# comment\n补贴\n", ""); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("word without terms: error = %v, want one naming line 2", err)
	}
	lx, err := ParseLexicon("补贴 惠企资金 惠企政策\n警察 公安机关\n", "多少\n的\n")
	if err != nil {
		t.Fatal(err)
	}
	terms, rest := lx.Expand("警察移送的案件和补贴", func(string) bool { return false })
	want := []Expansion{{"公安机关", true, "警察"}, {"惠企资金", true, "补贴"}, {"惠企政策", false, "补贴"}}
	if !slices.Equal(terms, want) || rest != " 移送的案件和 " {
		t.Errorf("Expand = %v, %q; want %v", terms, rest, want)
	}
	// A word the reports use stays in the question, its terms only help.
	terms, rest = lx.Expand("补贴多少", func(w string) bool { return w == "补贴" })
	if rest != "补贴多少" || terms[0].Main {
		t.Errorf("Expand of a report word = %v, %q", terms, rest)
	}
}

func TestDefaultLexicon(t *testing.T) {
	lx := DefaultLexicon()
	if len(lx.synonyms) < 50 || len(lx.stopwords) < 50 {
		t.Errorf("default lexicon has %d words and %d stop words", len(lx.synonyms), len(lx.stopwords))
	}
}

func TestFoldRunes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"收到84件行政複議申請,兩個案件,１２３萬元", "收到84件行政复议申请,两个案件,123万元"},
		{"plain ASCII 84", "plain ASCII 84"},
		{"已是简体", "已是简体"},
	}
	for _, tt := range tests {
		if got := FoldRunes(tt.in); got != tt.want {
			t.Errorf("FoldRunes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
