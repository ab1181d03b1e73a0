package answer

import (
	"context"
	"testing"
)

// BenchmarkAsk measures a whole extractive answer: retrieval, sentence
// choice and composition, without memory.
func BenchmarkAsk(b *testing.B) {
	a := newAnswerer(b, nil)
	qs := []string{"行政复议收到多少件申请?", "企业拿到了多少补贴?", "分宜县的GDP是多少", "县里法治建设存在什么问题?"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := a.Ask(context.Background(), "c", qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
