package answer

import (
	"context"
	"strings"
	"testing"
)

// TestSuggestions: each suggested first question, asked as a newcomer
// would, is answered first with a figure of the report it names.
func TestSuggestions(t *testing.T) {
	one := newAnswerer(t, nil)
	lib, _ := library(t)
	for name, a := range map[string]*Answerer{"one report": one, "several": lib} {
		qs := a.Suggestions(4)
		if len(qs) < 3 || len(qs) > 4 {
			t.Errorf("%s: %d suggestions %q", name, len(qs), qs)
		}
		seen := map[string]bool{}
		for _, q := range qs {
			if seen[q] || !strings.Contains(q, "多少") {
				t.Errorf("%s: suggestion %q repeated or not a question of quantity", name, q)
			}
			seen[q] = true
			ans, err := a.Ask(context.Background(), "s-"+q, q)
			if err != nil || !ans.Found || len(ans.Lead) == 0 || !strings.Contains(firstLine(ans.Text), ans.Lead[0].Text) {
				t.Errorf("%s: %q is answered %q (lead %v, %v)", name, q, firstLine(ans.Text), ans.Lead, err)
				continue
			}
			if name == "several" && (len(ans.Citations) == 0 || !strings.HasPrefix(ans.Citations[0].Report, strings.SplitN(q, "20", 2)[0])) {
				t.Errorf("%s: %q is answered from %v", name, q, reportsOf(ans))
			}
		}
	}
}
