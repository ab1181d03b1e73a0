package answer

import (
	"context"
	"strings"
	"testing"
)

// TestClaimCheck holds replies, honest and lying, in Simplified and
// Traditional Chinese and in English, against the claim check: each lie is
// refused for what it is, and the retry words never give the figure the
// answer should have.
func TestClaimCheck(t *testing.T) {
	a := newAnswerer(t, nil)
	const quote = "2023年,收到84件行政复议申请,其中受理68件,不予受理16件;"
	claim := func(text string) string {
		return `{"found":true,"claims":[{"text":"` + text + `","quote":"` + quote + `","section":"一(六)1"}]}`
	}
	tests := []struct {
		name, q, reply string
		lang           language
		kind           string // "" when the reply passes
	}{
		{"honest", q84, claim("2023年共收到84件行政复议申请,其中受理68件。"), simplified, ""},
		{"honest, older form", q84, `{"found":true,"answer":"收到84件行政复议申请,不予受理16件。","sections":["一(六)1"]}`, simplified, ""},
		{"swapped", q84, claim("收到68件行政复议申请,其中受理84件。"), simplified, RejectMeasure},
		// The quote narrowed to the figure's own clause: 受理 is still what
		// another figure of its sentence counts.
		{"said of another thing, quoting only its clause", q84, `{"found":true,"claims":[{"text":"行政复议受理了84件。","quote":"收到84件行政复议申请","section":"一(六)1"}]}`, simplified, RejectMeasure},
		{"negation dropped", q84, claim("收到84件行政复议申请,受理16件。"), simplified, RejectPolarity},
		{"negation added", q84, claim("收到84件行政复议申请,其中未受理68件。"), simplified, RejectPolarity},
		{"another year", q84, claim("2022年收到84件行政复议申请。"), simplified, RejectPeriod},
		{"a trend", q84, claim("收到84件行政复议申请,比上年提高两成。"), simplified, RejectFigure},
		{"a trend in words", q84, claim("收到84件行政复议申请,同比大幅增长。"), simplified, RejectUnfounded},
		{"approximate", q84, claim("收到约84件行政复议申请。"), simplified, RejectApprox},
		{"a name", q84, claim("杨桥镇收到84件行政复议申请。"), simplified, RejectName},
		{"not the quote", q84, `{"found":true,"claims":[{"text":"收到84件行政复议申请。","quote":"收到84件申请","section":"一(六)1"}]}`, simplified, RejectQuote},
		{"a section not shown", q84, `{"found":true,"claims":[{"text":"收到84件行政复议申请。","quote":"收到84件行政复议申请","section":"一(九)9"}]}`, simplified, RejectSection},
		{"the figure asked for left out", q84, claim("其中受理68件。"), simplified, RejectMissing},
		{"Traditional, honest", q84, claim("2023年共收到84件行政複議申請,其中受理68件。"), traditional, ""},
		{"Traditional, swapped", q84, claim("收到68件行政複議申請,其中受理84件。"), traditional, RejectMeasure},
		{"Traditional, negation dropped", q84, claim("收到84件行政複議申請,受理16件。"), traditional, RejectPolarity},
		{"English, honest", q84, claim("In 2023 the county received 84 applications for administrative reconsideration, of which 68 were accepted."), english, ""},
		{"English, swapped", q84, claim("The county received 68 applications for administrative reconsideration."), english, RejectMeasure},
		{"English, negation dropped", q84, claim("It received 84 applications; 16 applications were accepted."), english, RejectPolarity},
		{"English, another year", q84, claim("In 2022 the county received 84 applications."), english, RejectPeriod},
		{"English, a trend", q84, claim("The county received 84 applications, an increase over the previous year."), english, RejectUnfounded},
		{"English, words for figures", q84, claim("The county received eighty-four applications."), english, RejectFigure},
		{"English, no unit", q84, claim("The county received 84."), english, RejectUnit},
	}
	for _, tt := range tests {
		ext, err := a.Ask(context.Background(), "c", tt.q)
		if err != nil {
			t.Fatal(err)
		}
		ans, rej := a.check(tt.reply, tt.q, a.sectionsFor(ext), tt.lang, ext)
		switch {
		case tt.kind == "" && rej != nil:
			t.Errorf("%s: refused (%s): %s", tt.name, rej.kind, rej.problem)
		case tt.kind == "" && (ans.Mode != ModeLLM || !ans.Verified || len(Unsupported(a.Index, ans)) > 0):
			t.Errorf("%s: answer %+v", tt.name, ans)
		case tt.kind != "" && rej == nil:
			t.Errorf("%s: the lie passed:\n%s", tt.name, ans.Text)
		case tt.kind != "" && rej.kind != tt.kind:
			t.Errorf("%s: refused as %s (%s), want %s", tt.name, rej.kind, rej.problem, tt.kind)
		case rej != nil && tt.kind != RejectMissing && strings.Contains(rej.problem, "84件") && !strings.Contains(tt.reply, "84件"):
			t.Errorf("%s: the retry names the figure asked for: %s", tt.name, rej.problem)
		}
	}
}

const q84 = "行政复议收到多少件申请?"

// TestClaimNegationAsFacts: the claim check reads negation as the fact
// table does, so a claim that copies its clause is never refused for it
// (无纸化 and 不足 negate nothing), and one that adds a negation is.
func TestClaimNegationAsFacts(t *testing.T) {
	a := parseReport(t, "某县2023年法治政府建设年度报告\n一、政务服务\n2023年,网上办理无纸化申请120件,补充执法人员不足的乡镇6个。\n")
	const q = "网上办理无纸化申请多少件?"
	ext, err := a.Ask(context.Background(), "c", q)
	if err != nil || !strings.Contains(firstLine(ext.Text), "120件") {
		t.Fatalf("extractive answer %q, %v", ext.Text, err)
	}
	reply := func(text string) string {
		return `{"found":true,"claims":[{"text":"` + text + `","quote":"网上办理无纸化申请120件","section":"一"}]}`
	}
	if ans, rej := a.check(reply("2023年网上办理无纸化申请120件。"), q, a.sectionsFor(ext), simplified, ext); rej != nil || ans.Mode != ModeLLM {
		t.Errorf("a copy of the clause was refused: %+v", rej)
	}
	if _, rej := a.check(reply("2023年未网上办理无纸化申请120件。"), q, a.sectionsFor(ext), simplified, ext); rej == nil || rej.kind != RejectPolarity {
		t.Errorf("an added negation passed: %+v", rej)
	}
}
