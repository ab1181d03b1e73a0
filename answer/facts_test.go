package answer

import (
	"context"
	"slices"
	"strings"
	"testing"

	"reportbot/answer/engine"
	"reportbot/answer/reply"
	"reportbot/internal/testreport"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// firstLine is what a citizen reads first.
func firstLine(text string) string {
	l, _, _ := strings.Cut(text, "\n")
	return l
}

// askOne asks the questions in one conversation and returns the last
// answer, checking that it gives no figure its cited text lacks.
func askOne(t *testing.T, a *Answerer, questions ...string) reply.Answer {
	t.Helper()
	var ans reply.Answer
	for _, q := range questions {
		var err error
		if ans, err = a.Ask(context.Background(), "c:"+strings.Join(questions, "|"), q); err != nil {
			t.Fatalf("Ask(%q): %v", q, err)
		}
	}
	if u := engine.Unsupported(a.Index, ans); len(u) > 0 {
		t.Errorf("%q: answer gives %q, which its cited text does not contain:\n%s", questions, u[0].Raw, ans.Text)
	}
	return ans
}

func parseReport(t *testing.T, text string) *Answerer {
	t.Helper()
	doc := testreport.Parse(t, "test.txt", []byte(text))
	return &Answerer{Index: knowledge.NewIndex(doc), Memory: turnsMemory{}}
}

// TestLeadFact: of the figures of the sentence that answers, the first line
// gives the one asked for, and not its neighbours.
func TestLeadFact(t *testing.T) {
	tests := []struct {
		questions []string
		want      []string // lead facts, in order
		not       []string // figures the first line must not give
	}{
		{[]string{"有多少件复议申请被受理了?"}, []string{"68件"}, []string{"84件", "16件"}},
		{[]string{"行政复议收到多少件申请?", "那受理了几件?"}, []string{"68件"}, []string{"84件", "16件"}},
		{[]string{"不予受理的复议申请有几件?"}, []string{"16件"}, []string{"68件"}},
		{[]string{"行政复议收到多少件申请?"}, []string{"84件"}, []string{"68件"}},
		{[]string{"检察院提出的检察意见回复了多少?"}, []string{"6件"}, []string{"7件"}},
		{[]string{"县检察院去年办了多少件行刑反向衔接案件?"}, []string{"8件"}, []string{"7件", "6件"}},
		{[]string{"行政复议审结了多少件?"}, []string{"79件"}, []string{"10件"}},
		{[]string{"公共法律服务群众满意度是多少?"}, []string{"100%"}, []string{"4727人次"}},
		{[]string{"乡镇综合行政执法人员里专职执法人员有多少?"}, []string{"57人"}, []string{"122名", "126人"}},
		{[]string{"社区的“法律明白人”骨干一共多少名?"}, []string{"165名"}, []string{"5名"}},
		{[]string{"免罚清单适用的案件数和免罚金额分别是多少?"}, []string{"1996件", "185.351万元"}, []string{"78次"}},
		{[]string{"下放给街道的行政处罚事项是多少项?"}, []string{"45项"}, []string{"70项", "110项"}},
	}
	a := newAnswerer(t, turnsMemory{})
	for _, tt := range tests {
		ans := askOne(t, a, tt.questions...)
		var got []string
		for _, f := range ans.Lead {
			got = append(got, f.Text)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%q: lead %q, want %q\n%s", tt.questions, got, tt.want, ans.Text)
		}
		first := firstLine(ans.Text)
		for _, w := range tt.want {
			if !strings.Contains(first, w) {
				t.Errorf("%q: first line %q lacks %s", tt.questions, first, w)
			}
		}
		for _, n := range tt.not {
			if slices.ContainsFunc(figure.Extract(first), func(f figure.Figure) bool { return f.Raw == n }) {
				t.Errorf("%q: first line %q gives %s, not what was asked", tt.questions, first, n)
			}
		}
		if strings.Contains(ans.Text, "没有给出具体数字") {
			t.Errorf("%q: says the report gives no number, though a fact answers:\n%s", tt.questions, ans.Text)
		}
	}
}

func TestComputed(t *testing.T) {
	tests := []struct {
		q       string
		op      string
		value   float64
		unit    string
		inputs  []string
		says    []string // in the first line
		section string
	}{
		{"行政复议申请的受理率?", reply.OpRate, 81.0, "%", []string{"68件", "84件"},
			[]string{"受理率81.0%", "按报告数字计算:受理68件 ÷ 收到84件行政复议申请", "四舍五入保留一位小数", "报告本身没有给出"}, "一(六)1"},
		{"复议申请不予受理的比例是多少?", reply.OpRate, 19.0, "%", []string{"16件", "84件"}, []string{"19.0%", "不予受理16件 ÷ 收到84件行政复议申请"}, "一(六)1"},
		{"受理和不予受理的加起来一共多少件?", reply.OpSum, 84, "件", []string{"68件", "16件"}, []string{"合计84件", "受理68件 + 不予受理16件"}, "一(六)1"},
		{"新办执法证比注销执法证多了多少人?", reply.OpDifference, 88, "人", []string{"95人", "7人"}, []string{"相差88人", "2023年新办执法证95人 − 注销执法证7人"}, "一(四)3"},
		{"全县各单位集中学习和各部门开展学习一共多少次?", reply.OpSum, 151, "次", []string{"80余次", "71次"}, []string{"合计约151次", "其中有约数,结果也是约数"}, "一(一)2一是"},
	}
	a := newAnswerer(t, nil)
	for _, tt := range tests {
		ans := askOne(t, a, tt.q)
		c := ans.Computed
		if c == nil {
			t.Errorf("%q: nothing computed:\n%s", tt.q, ans.Text)
			continue
		}
		var inputs []string
		for _, f := range c.Inputs {
			inputs = append(inputs, f.Text)
		}
		if c.Op != tt.op || c.Value != tt.value || c.Unit != tt.unit || strings.Join(inputs, ",") != strings.Join(tt.inputs, ",") {
			t.Errorf("%q: computed %s %v%s from %q, want %s %v%s from %q", tt.q, c.Op, c.Value, c.Unit, inputs, tt.op, tt.value, tt.unit, tt.inputs)
		}
		for _, s := range tt.says {
			if !strings.Contains(firstLine(ans.Text), s) {
				t.Errorf("%q: first line lacks %q:\n%s", tt.q, s, ans.Text)
			}
		}
		if ans.Citations[0].Section != tt.section {
			t.Errorf("%q: cites %s, want %s", tt.q, ans.Citations[0].Section, tt.section)
		}
		if ans.Mode != reply.ModeExtractive || !ans.Found {
			t.Errorf("%q: mode %s found %v", tt.q, ans.Mode, ans.Found)
		}
	}
}

// TestComputeRefused: nothing is computed from figures that do not fit
// together, and a rate the report states is given as the report's own.
func TestComputeRefused(t *testing.T) {
	seed := newAnswerer(t, nil)
	years := parseReport(t, "某县2023年法治政府建设年度报告\n一、成效\n(一)复议\n1.申请。2022年,全县收到复议申请50件。\n2.受理。2023年,全县受理复议申请40件。")
	tests := []struct {
		a    *Answerer
		q    string
		says string
	}{
		{seed, "新办执法证的人数和收到的行政复议申请加起来是多少?", "单位不同"},
		{seed, "社区的法律明白人骨干比企业的多多少名?", "不是总数"},
		{years, "收到的复议申请和受理的复议申请加起来多少件?", "年份不同"},
		{seed, "依承诺制办件占比多少?", "18.31%"},
		{seed, "行政机关负责人出庭应诉率是多少?", "100%"},
	}
	for _, tt := range tests {
		ans := askOne(t, tt.a, tt.q)
		if ans.Computed != nil {
			t.Errorf("%q: computed %+v", tt.q, *ans.Computed)
		}
		if !strings.Contains(firstLine(ans.Text), tt.says) || strings.Contains(ans.Text, "计算") {
			t.Errorf("%q: first line should say %q and compute nothing:\n%s", tt.q, tt.says, ans.Text)
		}
	}
}

func TestAboutReport(t *testing.T) {
	tests := []struct{ q, says string }{
		{"这份报告是谁发布的?", "分宜县人民政府"},
		{"报告是哪天发布的?", "2025-06-25"},
		{"这是哪一年的报告?", "2023年"},
		{"报告的标题是什么?", "《分宜县2023年法治政府建设年度报告》"},
		{"这是哪个县的报告?", "分宜县"},
	}
	a := newAnswerer(t, nil)
	for _, tt := range tests {
		ans := askOne(t, a, tt.q)
		if !ans.Found || !strings.Contains(firstLine(ans.Text), tt.says) || len(ans.Citations) != 1 || ans.Citations[0].Section != knowledge.HeaderID {
			t.Errorf("%q: want the header's %q:\n%s\n%+v", tt.q, tt.says, ans.Text, ans.Citations)
		}
	}
}

// TestDates: a date answers 哪天; 多少 is never answered with one, and a
// date without its year (9月30日) is a date all the same.
func TestDates(t *testing.T) {
	a := parseReport(t, "某县2024年法治政府建设年度报告\n一、成效\n(一)会议\n9月30日,县政府召开常务会议,专题研究法治政府建设工作。全年共召开常务会议3次。")
	ans := askOne(t, a, "专题研究法治政府建设的常务会议是哪天召开的?")
	if !strings.Contains(firstLine(ans.Text), "9月30日") || strings.Contains(ans.Text, "没有给出具体数字") {
		t.Errorf("哪天: want 9月30日 first:\n%s", ans.Text)
	}
	ans = askOne(t, a, "常务会议开了几次?")
	if !strings.Contains(firstLine(ans.Text), "3次") || strings.Contains(firstLine(ans.Text), "9月30日") {
		t.Errorf("几次: want 3次, never the date:\n%s", ans.Text)
	}
}

func TestClaims(t *testing.T) {
	tests := []struct{ q, first, not string }{
		{"报告说行政复议收到999件,对吗?", "不对,报告说的是:收到84件行政复议申请", "999"},
		{"听说行政机关负责人出庭应诉率只有80%,是真的吗?", "不对", "80%"},
		{"报告说2023年新办执法证95人,对不对?", "对,报告说的正是这个数", ""},
	}
	a := newAnswerer(t, nil)
	for _, tt := range tests {
		ans := askOne(t, a, tt.q)
		if !ans.Found || !strings.HasPrefix(firstLine(ans.Text), tt.first) || tt.not != "" && strings.Contains(ans.Text, tt.not) {
			t.Errorf("%q: want a first line opening %q and no %q:\n%s", tt.q, tt.first, tt.not, ans.Text)
		}
	}
	if ans := askOne(t, a, "报告说县里GDP有999亿元,对吗?"); ans.Found {
		t.Errorf("a claim the report says nothing of is answered:\n%s", ans.Text)
	}
}

// TestLineKinds: an answer's lines say what each is: the lead, the quote
// under it, the citation; with no lead the report's words are the answer
// and are no quote to fold away.
func TestLineKinds(t *testing.T) {
	a := newAnswerer(t, nil)
	ans := askOne(t, a, "行政复议收到多少件申请?")
	if len(ans.Lines) != 3 || ans.Lines[0].Quote || ans.Lines[0].Source || !strings.Contains(ans.Lines[0].Text, "84件") ||
		!ans.Lines[1].Quote || !strings.Contains(ans.Lines[1].Text, "受理68件") || !ans.Lines[2].Source || ans.Lines[2].Quote {
		t.Errorf("lines %+v", ans.Lines)
	}
	for _, l := range askOne(t, a, "法治政府建设有哪些不足?").Lines {
		if l.Quote {
			t.Errorf("a line of an answer without a lead is a quote: %+v", l)
		}
	}
}
