package knowledge

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/facts.golden.jsonl from the parser (then check it by hand)")

// TestFactsGolden guards the fact table of sections 一(四) and 一(六) of
// the seed report against testdata/facts.golden.jsonl, which was checked
// by hand: what each figure counts, of what, whose, when, which way and
// how exactly.
func TestFactsGolden(t *testing.T) {
	docs, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	enc := json.NewEncoder(&got)
	enc.SetEscapeHTML(false)
	for _, f := range docs[0].Facts() {
		if strings.HasPrefix(f.Section, "一(四)") || strings.HasPrefix(f.Section, "一(六)") {
			if err := enc.Encode(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	const golden = "testdata/facts.golden.jsonl"
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	gl, wl := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("fact %d:\n got %s\nwant %s", i+1, g, w)
		}
	}
}

// TestFactsOfSentence checks the reading of the sentences that the answers
// depend on most, field by field.
func TestFactsOfSentence(t *testing.T) {
	doc, err := Parse("r.txt", []byte("某县2023年法治政府建设年度报告\n一、成效\n(一)复议\n"+
		"1.复议。2023年,收到84件行政复议申请,其中受理68件,不予受理16件;县检察院提出检察意见7件,已回复6件。\n"+
		"2.骨干。2022年,全县27个社区皆培养了至少5名骨干,共165名。截至2023年12月底,累计办理案件1996件,同比增长12%。会议于9月30日召开。\n"+
		"3.名称。推进“一件事一次办”,印发《三年行动方案》,“无事不扰”实现率达100%。学习80余次。\n"+
		"4.监督。县检察院积极履行职责。2023年办理行刑反向衔接案件8件。"))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		text, measure, of, actor, polarity, approx, per string
		period                                          int
		marks                                           []string
	}
	tests := []want{
		{text: "84件", measure: "收到…行政复议申请", period: 2023},
		{text: "68件", measure: "受理", of: "收到…行政复议申请", period: 2023},
		{text: "16件", measure: "不予受理", of: "收到…行政复议申请", polarity: "不予", period: 2023},
		{text: "7件", measure: "县检察院提出检察意见", actor: "县检察院", period: 2023},
		{text: "6件", measure: "已回复", of: "县检察院提出检察意见", period: 2023},
		{text: "27个", measure: "全县…社区皆培养了至少5名骨干", period: 2022},
		{text: "5名", measure: "全县27个社区皆培养了…骨干", approx: "至少", per: "皆", period: 2022},
		{text: "165名", measure: "全县27个社区皆培养了…骨干", period: 2022},
		{text: "1996件", measure: "办理案件", period: 2023, marks: []string{"累计", "截至"}},
		{text: "12%", measure: "增长", period: 2023, marks: []string{"同比", "截至"}},
		{text: "9月30日", measure: "会议于…召开", period: 2023},
		{text: "100%", measure: "“无事不扰”实现率", period: 2023},
		{text: "80余次", measure: "学习", approx: "余", period: 2023},
		{text: "8件", measure: "办理行刑反向衔接案件", actor: "县检察院", period: 2023},
	}
	facts := doc.Facts()
	if len(facts) != len(tests) {
		for _, f := range facts {
			t.Logf("%+v", f)
		}
		t.Fatalf("%d facts, want %d (一件 of “一件事” and 三年 of 《三年行动方案》 are names, 12月 closes a period)", len(facts), len(tests))
	}
	for i, tt := range tests {
		f := facts[i]
		got := want{f.Text, f.Measure.String(), f.Of.String(), f.Actor, f.Polarity, f.Approx, f.Per, f.Period, f.Marks}
		if !reflect.DeepEqual(got, tt) {
			t.Errorf("fact %d:\n got %+v\nwant %+v", i, got, tt)
		}
		if s := doc.Section(f.Section); s == nil || s.Text[f.Start:f.End] != f.Clause || !strings.Contains(f.Clause, f.Text) {
			t.Errorf("fact %s: clause %q is not the text at %d:%d of section %s", f.Text, f.Clause, f.Start, f.End, f.Section)
		}
	}
}

func TestFactsDeterministic(t *testing.T) {
	data, err := defaultReports.ReadFile("reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Parse("a.txt", data)
	b, _ := Parse("a.txt", data)
	if !reflect.DeepEqual(a.Facts(), b.Facts()) || len(a.Facts()) < 50 {
		t.Errorf("two parses of one report give different fact tables, or too few facts (%d)", len(a.Facts()))
	}
}

func TestReportMeta(t *testing.T) {
	tests := []struct {
		file, data                        string
		title, place, level, source, date string
		year                              int
	}{
		{"seed.txt", "", "分宜县2023年法治政府建设年度报告", "分宜县", "县", "分宜县人民政府", "2025-06-25 15:27", 2023},
		{"testdata/report.html", "", "示例县2024年法治政府建设年度报告", "示例县", "县", "示例县人民政府", "2025-03-01 10:00", 2024},
		{"page.html", `<html><head><title>首页</title></head><body><div class="crumb">您当前的位置:首页 &gt; 政务公开 &gt; 法治政府</div>
<div>2025年03月20日 星期四</div><h1>新余市渝水区2024年法治政府建设情况报告</h1><div>发布时间:2025-03-20 来源:渝水区司法局</div>
<p>2024年,全区持续推进法治政府建设。</p><p>一、主要成效</p><p>全年收到复议申请50件。</p></body></html>`,
			"新余市渝水区2024年法治政府建设情况报告", "新余市渝水区", "区", "渝水区司法局", "2025-03-20", 2024},
		{"testdata/linxiang-2024.html", "", "临湘市2024年法治政府建设工作情况报告", "临湘市", "市", "临湘市司法局", "2025-02-18 09:30", 2024},
		{"no-place.txt", "2023年法治政府建设年度报告\n日期:2024-01-05 来源:临湘市人民政府\n一、成效\n收到申请5件。", "2023年法治政府建设年度报告", "临湘市", "市", "临湘市人民政府", "2024-01-05", 2023},
	}
	for _, tt := range tests {
		var doc *Document
		var err error
		switch {
		case tt.file == "seed.txt":
			var docs []*Document
			docs, err = Default()
			if err == nil {
				doc = docs[0]
			}
		case tt.data == "":
			var data []byte
			if data, err = os.ReadFile(tt.file); err == nil {
				doc, err = Parse(tt.file, data)
			}
		default:
			doc, err = Parse(tt.file, []byte(tt.data))
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		m := doc.Meta
		if m.Title != tt.title || m.Place != tt.place || m.Level != tt.level || m.Source != tt.source || m.Published != tt.date || m.Year != tt.year {
			t.Errorf("%s: meta %+v, want title %q place %q level %q source %q published %q year %d", tt.file, m, tt.title, tt.place, tt.level, tt.source, tt.date, tt.year)
		}
	}
}
