package knowledge

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"reportbot/knowledge/figure"
)

func TestAnalyze(t *testing.T) {
	ix := NewIndex(seed(t))
	tests := []struct {
		q       string
		content []string
		years   []int
	}{
		{"行政复议收到多少件申请?", []string{"行政", "复议", "收到", "申请", "政复"}, nil},
		{"警察那边移送了多少案子", []string{"移送", "公安", "安机", "机关", "案件"}, nil},
		{"2024年的GDP是多少", []string{"2024", "gdp"}, []int{2024}},
		{"县长叫什么名字", []string{"县长", "名字"}, nil},
		{"法治建设存在什么问题", []string{"法治", "建设", "存在", "问题", "治建"}, nil},
	}
	for _, tt := range tests {
		q := ix.Analyze(tt.q)
		got := slices.Sorted(slices.Values(q.Content))
		if want := slices.Sorted(slices.Values(tt.content)); !slices.Equal(got, want) || !slices.Equal(q.Years, tt.years) {
			t.Errorf("Analyze(%q) content %v years %v, want %v %v", tt.q, got, q.Years, want, tt.years)
		}
	}
}

func TestSearch(t *testing.T) {
	ix := NewIndex(seed(t))
	tests := []struct{ q, top string }{
		{"行政复议收到多少件申请", "一(六)1"},
		{"行政複議申請", "一(六)1"},
		{"企业享受惠企资金多少", "一(二)2一是"},
		{"法律咨询多少人次", "一(六)4"},
		{"免罚清单适用案件", "一(二)3"},
		{"新办执法证", "一(四)3"},
		{"存在的问题", "二"},
	}
	for _, tt := range tests {
		hits := ix.Search(ix.Analyze(tt.q), 3)
		if len(hits) == 0 || hits[0].Section.ID != tt.top {
			var got []string
			for _, h := range hits {
				got = append(got, h.Section.ID)
			}
			t.Errorf("Search(%q) = %v, want %s first", tt.q, got, tt.top)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("Search(%q): hits out of order", tt.q)
			}
		}
	}
	if hits := ix.Search(ix.Analyze("GDP"), 3); len(hits) != 0 {
		t.Errorf("Search(GDP) = %d hits, want none", len(hits))
	}
	if !ix.HasYear(2023) || !ix.HasYear(2022) || ix.HasYear(2024) {
		t.Errorf("HasYear: 2023 %v 2022 %v 2024 %v", ix.HasYear(2023), ix.HasYear(2022), ix.HasYear(2024))
	}
}

// TestReadBySound: a question's word the report lacks is read as the
// report's word that sounds the same, one character apart, where the
// reading stands in the report with a character beside it; a word the
// report holds, a function word and a word with no such reading stay.
func TestReadBySound(t *testing.T) {
	docs, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(docs...)
	for _, tt := range []struct {
		q, read string
		words   []string
	}{
		{"检查院提出的检查意见有几件", "检察院提出的检察意见有几件", []string{"检察院", "检察意见"}},
		{"行政复义收到多少件", "行政复议收到多少件", []string{"行政复议"}},
		{"失业率是多少", "失业率是多少", nil},                     // 事业率 stands nowhere in the report
		{"双随机检查的占比", "双随机检查的占比", nil},                 // 检查 is the report's own word
		{"调度部署相关工作几次", "调度部署相关工作几次", nil},             // 几 is a question word
		{"实质性化解率和出庭应诉率各是多少", "实质性化解率和出庭应诉率各是多少", nil}, // 率和 is two words
	} {
		read, words := ix.ReadBySound(tt.q)
		if read != tt.read || !slices.Equal(words, tt.words) {
			t.Errorf("%q read as %q by %v, want %q by %v", tt.q, read, words, tt.read, tt.words)
		}
	}
}

// TestYearsByScan: the years a library knows at load, by a plain scan of
// its text, are the years of its figures (2023年, 2023年11月6日), which it
// reads only when asked.
func TestYearsByScan(t *testing.T) {
	docs, err := LoadFiles([]string{"reports/fenyi-2023-rule-of-law-report.txt", "testdata/linxiang-2024.html", "testdata/report.md"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		scanned, read := map[int]bool{}, map[int]bool{}
		for _, s := range d.Sections {
			yearsIn(s.Heading+" "+s.Text, scanned)
			for _, f := range s.Figures() {
				// A date of its year (2023年11月6日), not a month and day (12月31日).
				if (f.Kind == figure.KindYear || f.Kind == figure.KindDate || f.Kind == figure.KindMonth) && strings.Contains(f.Raw, "年") {
					v := int(f.Value)
					for v >= 10000 {
						v /= 100
					}
					if v >= 1000 {
						read[v] = true
					}
				}
			}
		}
		if len(read) == 0 || !maps.Equal(scanned, read) {
			t.Errorf("%s: scanned %v, figures %v", d.Meta.File, scanned, read)
		}
	}
	years := map[int]bool{}
	yearsIn("截至２０２３年底,2025-06-25,编号12345年,第123年", years)
	if !maps.Equal(years, map[int]bool{2023: true, 2025: true}) {
		t.Errorf("years %v", years)
	}
}
