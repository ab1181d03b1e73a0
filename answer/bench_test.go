package answer

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"reportbot/answer/reply"
	"reportbot/answer/selection"
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
// program's own (retrieval, prompt, validation, rendering), none the
// model's.
type instantModel string

func (m instantModel) Complete(context.Context, reply.Request) (string, error) { return string(m), nil }

const benchQuestion = "行政复议收到多少件申请?"

// selectionSetup returns an answerer of the seed report and an honest
// selection of 收到84件 for the benchmarks' question, by its ID in the
// prompt the model is sent.
func selectionSetup(b *testing.B) (*Answerer, string) {
	a := newAnswerer(b, nil)
	for _, m := range selection.New(a.reports(), a.Index.Docs(), benchQuestion, nil).Prompt(benchQuestion, nil) {
		for _, line := range strings.Split(m.Content, "\n") {
			if id, rest, ok := strings.Cut(line, " | "); ok && strings.HasPrefix(rest, "一(六)1 ") && strings.Contains(rest, " | 84件 | ") {
				return a, fmt.Sprintf(`{"kind":"value","facts":["%s"],"sentences":[],"field":"","restated":"行政复议收到多少件申请"}`, id)
			}
		}
	}
	b.Fatal("收到84件 is not in the prompt")
	return nil, ""
}

// BenchmarkAskWithModel measures the non-model time of an answer through a
// language model that answers instantly.
func BenchmarkAskWithModel(b *testing.B) {
	a, out := selectionSetup(b)
	a.Model = instantModel(out)
	b.ReportAllocs()
	for b.Loop() {
		if ans, err := a.Ask(context.Background(), "c", benchQuestion); err != nil || ans.Mode != reply.ModeLLM {
			b.Fatalf("%v %+v", err, ans)
		}
	}
}

// BenchmarkLibrary measures every county's reports on one machine:
// synthetic counties (the seed's text with its place and figures varied),
// five years of each, 10, 1,000 and 15,000 reports. It reports the load
// (parse and the index's identity; each report's terms and facts are made
// on its first question), the heap the loaded reports hold, and the median
// and 99th percentile of three kinds of question over fifty places asked
// in turn: naming a place and year (one report), a place alone (its newest
// report, its earlier years under it), and neither (the reports whose
// words hold the question's, by the evidence of each place's newest; too
// many, and the bot asks which).
func BenchmarkLibrary(b *testing.B) {
	seedText, err := os.ReadFile("../knowledge/reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		b.Fatal(err)
	}
	const years = 5
	for _, n := range []int{10, 1000, 15000} {
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			texts := make([][]byte, n)
			for i := range texts {
				texts[i] = []byte(synth.Report(string(seedText), synth.Place(i/years), 2023-i%years, 0.5+float64(i%10)/10))
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
			texts = nil
			runtime.GC()
			runtime.ReadMemStats(&after)
			places := min(n/years, 50)
			for _, kind := range []struct {
				name string
				ask  func(i int) string
			}{
				{"place-and-year", func(i int) string { return synth.Place(i%places) + "2021年行政复议收到多少件申请?" }},
				{"place", func(i int) string { return synth.Place(i%places) + "行政复议收到多少件申请?" }},
				{"unscoped", func(i int) string {
					return []string{"行政复议收到多少件申请?", "法律明白人在社区培养了多少?"}[i%2]
				}},
			} {
				b.Run(kind.name, func(b *testing.B) {
					var rec latency.Recorder
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						q := kind.ask(i)
						rec.Time(func() {
							if ans, err := a.Ask(context.Background(), "c", q); err != nil || !ans.Found && len(ans.Choices) == 0 {
								b.Fatalf("%q: %v\n%s", q, err, ans.Text)
							}
						})
						i++
					}
					rec.Report(b)
					b.ReportMetric(float64(load.Milliseconds()), "load-ms")
					b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heap-MB")
				})
			}
			runtime.KeepAlive(a)
		})
	}
}
