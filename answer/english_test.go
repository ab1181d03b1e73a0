package answer

import (
	"context"
	"strings"
	"testing"
)

// TestEnglishWithoutModel: with no model, an English question is read
// through the glossary of the report's words. One the glossary reads is
// answered with the figure under its English label first, then the
// report's Chinese sentence and the source; the report's header answers
// who published it and when; one it cannot read well is declined, saying
// how to ask, and never answered with another figure.
func TestEnglishWithoutModel(t *testing.T) {
	a := newAnswerer(t, nil)
	for _, tt := range []struct{ q, first, quote string }{
		{"How many administrative reconsideration applications were received?", "Administrative reconsideration applications received: 84件.", "2023年,收到84件行政复议申请"},
		{"How many administrative reconsideration applications were accepted?", "Administrative reconsideration applications accepted: 68件.", "其中受理68件"},
		{"How many cases were transferred to the police?", "transferred: 17起.", "移送涉嫌犯罪案件17起"},
		{"What is the rate of agency heads appearing in court?", "Rate of agency heads appearing in court: 100%.", "出庭应诉率达100%"},
		{"How many normative documents were drafted?", "normative documents drafted: 9件.", "制定规范性文件9件"},
		{"Who published the report?", "From the report's header: 这份报告由分宜县人民政府发布。", "来源:分宜县人民政府"},
		{"What is the GDP of Fenyi?", "I could not find this in the report.", ""},
		{"How many applications were not accepted?", "I could not find this in the report.", ""},
	} {
		ans, err := a.Ask(context.Background(), "en", tt.q)
		if err != nil {
			t.Fatal(err)
		}
		first := ans.Lines[0].Text
		if !strings.Contains(first, tt.first) {
			t.Errorf("%q: first line %q, want it to hold %q", tt.q, first, tt.first)
		}
		if tt.quote == "" {
			if ans.Found || len(ans.Citations) > 0 {
				t.Errorf("%q: found %v, cites %v; want it declined", tt.q, ans.Found, ans.Citations)
			}
			continue
		}
		if !ans.Found || !strings.Contains(ans.Text, "Report text: ") || !strings.Contains(ans.Text, tt.quote) || !strings.HasPrefix(ans.Lines[len(ans.Lines)-1].Text, "Source: ") {
			t.Errorf("%q: want the report's sentence %q and the source:\n%s", tt.q, tt.quote, ans.Text)
		}
		if u := Unsupported(a.Index, ans); len(u) > 0 {
			t.Errorf("%q: %q is not in the cited text:\n%s", tt.q, u[0].Raw, ans.Text)
		}
	}
}
