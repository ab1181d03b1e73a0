package figure

import (
	"strings"
	"testing"
)

func TestExtractFigures(t *testing.T) {
	tests := []struct {
		text string
		want []Figure // Raw, Value, Unit, Kind, Approx are compared
	}{
		{"收到84件行政复议申请", []Figure{{Raw: "84件", Value: 84, Unit: "件", Kind: KindNumber}}},
		{"办理惠企政策8.56万件,企业享受各类惠企资金11.47亿元。", []Figure{
			{Raw: "8.56万件", Value: 85600, Unit: "件", Kind: KindNumber},
			{Raw: "11.47亿元", Value: 1147000000, Unit: "元", Kind: KindNumber},
		}},
		{"免罚金额185.351万元", []Figure{{Raw: "185.351万元", Value: 1853510, Unit: "元", Kind: KindNumber}}},
		{"实质性化解率87.3%", []Figure{{Raw: "87.3%", Value: 87.3, Unit: "%", Kind: KindPercent}}},
		{"学习80余次,受众2200余人", []Figure{
			{Raw: "80余次", Value: 80, Unit: "次", Kind: KindNumber, Approx: true},
			{Raw: "2200余人", Value: 2200, Unit: "人", Kind: KindNumber, Approx: true},
		}},
		{"共开展十期培训,召开听证会、磋商会各一次,对两个案件", []Figure{
			{Raw: "十期", Value: 10, Unit: "期", Kind: KindNumber},
			{Raw: "一次", Value: 1, Unit: "次", Kind: KindNumber},
			{Raw: "两个", Value: 2, Unit: "个", Kind: KindNumber},
		}},
		{"二十二项和一百零五件", []Figure{
			{Raw: "二十二项", Value: 22, Unit: "项", Kind: KindNumber},
			{Raw: "一百零五件", Value: 105, Unit: "件", Kind: KindNumber},
		}},
		{"2023年11月6日获表彰", []Figure{{Raw: "2023年11月6日", Value: 20231106, Kind: KindDate}}},
		{"(国办发〔2018〕37号)", []Figure{{Raw: "国办发〔2018〕37号", Value: 201800037, Unit: "号", Kind: KindDocNumber}}},
		{"2023年,全县", []Figure{{Raw: "2023年", Value: 2023, Unit: "年", Kind: KindYear}}},
		{"第一批试点县", []Figure{{Raw: "第一批", Value: 1, Unit: "批", Kind: KindOrdinal}}},
		{"专职执法人员57人,精干力量122名", []Figure{
			{Raw: "57人", Value: 57, Unit: "人", Kind: KindNumber},
			{Raw: "122名", Value: 122, Unit: "人", Kind: KindNumber},
		}},
		{"统一参加考试,进一步规范,一站式办理", nil},
		{"received 84 applications, 87.3 percent resolved, 11.47 billion yuan, on November 6, 2023", []Figure{
			{Raw: "84", Value: 84, Kind: KindNumber},
			{Raw: "87.3 percent", Value: 87.3, Unit: "%", Kind: KindPercent},
			{Raw: "11.47 billion", Value: 11.47e9, Kind: KindNumber},
			{Raw: "November 6, 2023", Value: 20231106, Kind: KindDate},
		}},
	}
	for _, tt := range tests {
		got := Extract(tt.text)
		if len(got) != len(tt.want) {
			t.Errorf("Extract(%q) = %+v, want %d figures", tt.text, got, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			g := got[i]
			if g.Raw != w.Raw || g.Value != w.Value || g.Unit != w.Unit || g.Kind != w.Kind || g.Approx != w.Approx {
				t.Errorf("Extract(%q)[%d] = %+v, want %+v", tt.text, i, g, w)
			}
		}
	}
}

func TestExtractFiguresStrict(t *testing.T) {
	tests := []struct {
		text string
		want []string // raw figures
	}{
		{"收到八十四,实质性化解率百分之八十七点三", []string{"八十四", "百分之八十七点三"}},
		{"一是深化学习,二是抓好宣讲", nil},
		{"共十期培训", []string{"十期"}},
		{"收到九十四", []string{"九十四"}},
	}
	for _, tt := range tests {
		var got []string
		for _, f := range ExtractStrict(tt.text) {
			got = append(got, f.Raw)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("ExtractStrict(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	pct := ExtractStrict("百分之八十七点三")[0]
	if pct.Kind != KindPercent || pct.Value != 87.3 || !pct.Equal(Extract("87.3%")[0]) {
		t.Errorf("百分之八十七点三 = %+v, want 87.3%%", pct)
	}
	if n := ExtractStrict("八十四")[0]; !n.Matches(Extract("84件")[0]) {
		t.Errorf("八十四 does not match 84件")
	}
}

func TestFigureMatches(t *testing.T) {
	tests := []struct {
		answer, report string
		want           bool
	}{
		{"84", "84件", true},
		{"1.147 billion", "11.47亿元", true},
		{"87.3%", "87.3%", true},
		{"86", "84件", false},
		{"80", "80余次", false},
		{"84件", "84人", false},
	}
	for _, tt := range tests {
		a, r := Extract(tt.answer)[0], Extract(tt.report)[0]
		if got := a.Matches(r); got != tt.want {
			t.Errorf("%s matches %s = %v, want %v", tt.answer, tt.report, got, tt.want)
		}
	}
}

func TestFigureEqual(t *testing.T) {
	one := func(s string) Figure {
		t.Helper()
		fs := Extract(s)
		if len(fs) != 1 {
			t.Fatalf("Extract(%q) = %d figures, want 1", s, len(fs))
		}
		return fs[0]
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"8.56万件", "85600件", true},
		{"十期", "10期", true},
		{"185.351万元", "1853510元", true},
		{"11.47亿元", "114700万元", true},
		{"80余次", "80多次", true},
		{"两个", "2个", true},
		{"122名", "122人", true},
		{"国办发〔2018〕37号", "国办发[2018]37号", true},
		{"1,996件", "1996件", true},
		{"84件", "86件", false},
		{"185.351万元", "185.351亿元", false},
		{"80余次", "80次", false},
		{"87.3%", "87.3件", false},
		{"4727人次", "4727人", false},
		{"2023年11月6日", "2023年11月7日", false},
		{"国办发〔2018〕37号", "国办发〔2018〕38号", false},
		{"第一批", "一批", false},
	}
	for _, tt := range tests {
		if got := one(tt.a).Equal(one(tt.b)); got != tt.want {
			t.Errorf("%s equals %s = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestExtractRatios: the words comparisons are said in are figures to a
// model check, never to the report's own text.
func TestExtractRatios(t *testing.T) {
	tests := []struct {
		text string
		want []Figure
	}{
		{"比上年提高两成", []Figure{{Raw: "两成", Value: 20, Unit: "%", Kind: KindPercent}}},
		{"三分之二的案件", []Figure{{Raw: "三分之二", Value: 66.67, Unit: "%", Kind: KindPercent}}},
		{"一半以上,翻一番", []Figure{{Raw: "一半", Value: 50, Unit: "%", Kind: KindPercent}, {Raw: "翻一番", Value: 2, Unit: "倍", Kind: KindNumber}}},
		{"完成建设", nil},
	}
	for _, tt := range tests {
		got := ExtractStrict(tt.text)
		if len(got) != len(tt.want) {
			t.Errorf("ExtractStrict(%q) = %+v, want %+v", tt.text, got, tt.want)
			continue
		}
		for i, w := range tt.want {
			g := got[i]
			if g.Raw != w.Raw || g.Value != w.Value || g.Unit != w.Unit || g.Kind != w.Kind {
				t.Errorf("ExtractStrict(%q)[%d] = %+v, want %+v", tt.text, i, g, w)
			}
		}
		if len(Extract(tt.text)) != 0 && tt.text != "一半以上,翻一番" {
			t.Errorf("Extract(%q) reads a ratio in report text", tt.text)
		}
	}
}
