package engine

import (
	"fmt"
	"testing"

	"reportbot/answer/reply"
	"reportbot/internal/testreport"
	"reportbot/knowledge"
)

func TestZZDebug(t *testing.T) {
	e := New(testreport.SeedIndex(t))
	for _, question := range []string{"企业拿到的补贴是几个亿吗", "企业拿到的补贴是几个亿", "下放的处罚事项乡镇和街道哪个多?多多少?"} {
		norm := knowledge.Normalize(question)
		q := e.resolve(question, []reply.Turn(nil))
		k := readAsk(norm)
		fmt.Printf("parts %q clauses %q k=%+v\n", q.parts, q.clauses, k)
		for _, w := range e.wants(q, k, norm) {
			fmt.Printf("want spans:")
			for _, s := range w.spans {
				fmt.Printf(" %v:%.2f", s.terms, s.weight)
			}
			fmt.Printf(" | focus:")
			for _, s := range w.focus {
				fmt.Printf(" %v:%.2f", s.terms, s.weight)
			}
			fmt.Println()
		}
		ans := e.Answer(question, nil)
		fmt.Println(ans.Lines[0].Text)
	}
}
