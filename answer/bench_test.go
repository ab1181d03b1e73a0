package answer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"reportbot/internal/latency"
	"reportbot/internal/synth"
	"reportbot/knowledge"
)

// BenchmarkAsk measures a whole extractive answer: retrieval, sentence
// choice, the lead facts, any computation and composition, without memory.
// It reports the median and 99th percentile over questions of each kind.
func BenchmarkAsk(b *testing.B) {
	a := newAnswerer(b, nil)
	qs := []string{"行政复议收到多少件申请?", "企业拿到了多少补贴?", "分宜县的GDP是多少", "县里法治建设存在什么问题?",
		"有多少件复议申请被受理了?", "行政复议申请的受理率?", "免罚清单适用的案件数和免罚金额分别是多少?", "这份报告是谁发布的?"}
	var rec latency.Recorder
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rec.Time(func() {
			if _, err := a.Ask(context.Background(), "c", qs[i%len(qs)]); err != nil {
				b.Fatal(err)
			}
		})
		i++
	}
	rec.Report(b)
}

// instantModel answers at once: with it, an answer's time is all the
// program's own (retrieval, prompt, check, composition), none the model's.
type instantModel string

func (m instantModel) Complete(context.Context, []Message) (string, error) { return string(m), nil }

const benchReply = `{"found":true,"claims":[` +
	`{"text":"2023年共收到84件行政复议申请,其中受理68件,不予受理16件。","quote":"2023年,收到84件行政复议申请,其中受理68件,不予受理16件;","section":"一(六)1"},` +
	`{"text":"实质性化解率为87.3%。","quote":"审结79件,复议后起诉的10件,实质性化解率87.3%,有效化解了行政争议。","section":"一(六)1"}]}`

// BenchmarkAskWithModel measures the non-model time of an answer through a
// language model that answers instantly.
func BenchmarkAskWithModel(b *testing.B) {
	a := newAnswerer(b, nil)
	a.Model = instantModel(benchReply)
	b.ReportAllocs()
	for b.Loop() {
		if ans, err := a.Ask(context.Background(), "c", "行政复议收到多少件申请?"); err != nil || ans.Mode != ModeLLM {
			b.Fatalf("%v %+v", err, ans)
		}
	}
}

// checkSetup answers the benchmarks' question from the report and returns
// the sections a model would be given for it.
func checkSetup(b *testing.B) (*Answerer, Answer, []section) {
	a := newAnswerer(b, nil)
	ext, err := a.Ask(context.Background(), "c", "行政复议收到多少件申请?")
	if err != nil {
		b.Fatal(err)
	}
	return a, ext, a.sectionsFor(ext)
}

// BenchmarkClaimCheck measures the claim check of that reply alone: each
// claim's scope (its section and quote), and each clause against the
// facts of its quote: figures, units, measure words, polarity, period,
// names and unfounded words.
func BenchmarkClaimCheck(b *testing.B) {
	a, ext, secs := checkSetup(b)
	var r reply
	if err := json.Unmarshal([]byte(benchReply), &r); err != nil {
		b.Fatal(err)
	}
	shown := a.shown(secs)
	allowed := a.allowedWords("行政复议收到多少件申请?")
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range r.Claims {
			sc, kind, why := a.claimScope(c, shown)
			if kind == "" {
				_, kind, why = a.checkClaim(c.Text, sc, simplified, ext, allowed)
			}
			if kind != "" {
				b.Fatal(why)
			}
		}
	}
}

// BenchmarkReplyCheck measures all that is done with the reply: parsing
// it, checking its sections and figures, and composing the answer.
func BenchmarkReplyCheck(b *testing.B) {
	a, ext, secs := checkSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, rej := a.check(benchReply, "行政复议收到多少件申请?", secs, simplified, ext); rej != nil {
			b.Fatal(rej.problem)
		}
	}
}

// BenchmarkLibrary measures many reports side by side: synthetic counties
// (the seed's text with its place and figures varied), each question
// naming one, so routed to that report's own index. It reports the load
// (parse, fact tables and the index's identity; each report's terms are
// indexed on its first question), the heap the loaded reports hold, and
// each answer's median and 99th percentile over fifty places asked in turn.
func BenchmarkLibrary(b *testing.B) {
	seedText, err := os.ReadFile("../knowledge/reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			texts := make([][]byte, n)
			for i := range texts {
				texts[i] = []byte(synth.Report(string(seedText), synth.Place(i), 2023, 0.5+float64(i%10)/10))
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			docs, err := knowledge.ParseAll(texts, func(i int) string { return fmt.Sprintf("r%d.txt", i) })
			if err != nil {
				b.Fatal(err)
			}
			a := &Answerer{Index: knowledge.NewIndex(docs...)}
			load := time.Since(start)
			runtime.GC()
			runtime.ReadMemStats(&after)
			var rec latency.Recorder
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				// Fifty places asked in turn: after the first round each
				// is answered from its report's index, already built.
				q := synth.Place(i%min(n, 50)) + "行政复议收到多少件申请?"
				rec.Time(func() {
					if ans, err := a.Ask(context.Background(), "c", q); err != nil || !ans.Found {
						b.Fatalf("%q: %v\n%s", q, err, ans.Text)
					}
				})
				i++
			}
			rec.Report(b)
			b.ReportMetric(float64(load.Milliseconds()), "load-ms")
			b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heap-MB")
			runtime.KeepAlive(a)
		})
	}
}
