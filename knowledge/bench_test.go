package knowledge

import (
	"os"
	"testing"

	"reportbot/internal/latency"
)

// benchQuestions are asked in turn by BenchmarkRetrieve: colloquial,
// Traditional, multi-figure and unanswerable questions.
var benchQuestions = []string{
	"行政复议收到多少件申请?",
	"企业拿到了多少补贴?",
	"法律咨询有多少人次",
	"新办了多少执法证,注销了多少?",
	"警察那边移送了多少案子",
	"行政複議申請收到多少件?",
	"免罚清单适用了多少案件?",
	"分宜县的GDP是多少",
	"县里法治建设存在什么问题?",
	"乡镇综合执法大队有多少专职执法人员",
}

// BenchmarkRetrieve measures one question's retrieval: normalization,
// thesaurus, analysis and BM25 search of the seed report. It reports the
// median and 99th percentile besides the mean.
func BenchmarkRetrieve(b *testing.B) {
	ix := NewIndex(seed(b))
	Normalize("預熱") // build the conversion tables outside the timing
	var rec latency.Recorder
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec.Time(func() { ix.Search(ix.Analyze(benchQuestions[i%len(benchQuestions)]), 5) })
	}
	b.StopTimer()
	rec.Report(b)
}

// BenchmarkIndexBuild measures indexing the parsed seed report.
func BenchmarkIndexBuild(b *testing.B) {
	doc := seed(b)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(doc)
	}
}

// BenchmarkParse measures parsing the seed report file.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("report.txt", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFacts measures building the fact table of the parsed seed
// report: what parsing adds for it (BenchmarkParse includes it).
func BenchmarkFacts(b *testing.B) {
	doc := seed(b)
	b.ReportAllocs()
	for b.Loop() {
		if len(doc.buildFacts()) == 0 {
			b.Fatal("no facts")
		}
	}
}
