// Package blevebench compares reportbot's own retrieval (package
// reportbot/knowledge: BM25 over character bigrams and unigrams, with a
// thesaurus) with a stock full-text engine, bleve with its CJK analyzer, on
// the gold questions: hit@1 and hit@3, search speed and index build cost.
//
// It exists to keep the home-grown index honest: if an off-the-shelf engine
// found the right sections as often, it would not be worth its code. It is a
// module of its own so that bleve and its many dependencies never enter the
// main module's go.mod or the bot's binary; it holds only tests and
// benchmarks. Run it from this directory:
//
//	go test -run TestCompareHitAt3 -v .
//	go test -run '^$' -bench . -benchmem .
package blevebench

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"reportbot/eval"
	"reportbot/knowledge"
)

// goldPath is the main module's gold set.
var goldPath = filepath.Join("..", "..", "testdata", "gold.jsonl")

// topK is how many sections each system returns per question.
const topK = 3

// question is the first turn of a gold case that names the sections
// answering it.
type question struct {
	id   string
	q    string
	want []string
}

// loadQuestions reads the first turn of every gold case that expects
// sections. Later turns are follow-ups that need the conversation before
// them, which neither system here has.
func loadQuestions(tb testing.TB) []question {
	tb.Helper()
	f, err := os.Open(goldPath)
	if err != nil {
		tb.Fatalf("open gold set: %v", err)
	}
	defer f.Close()
	cases, err := eval.Load(f, goldPath)
	if err != nil {
		tb.Fatal(err)
	}
	var qs []question
	for _, c := range cases {
		if t := c.Turns[0]; len(t.Sections) > 0 {
			qs = append(qs, question{id: c.ID, q: t.Q, want: t.Sections})
		}
	}
	if len(qs) == 0 {
		tb.Fatalf("%s: no first turn names sections", goldPath)
	}
	return qs
}

func loadDocs(tb testing.TB) []*knowledge.Document {
	tb.Helper()
	docs, err := knowledge.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

// newMapping indexes a section's heading, ancestor headings and text with
// the cjk analyzer (Unicode tokenizer, width folding, lower case, bigrams),
// each also into the composite _all field that a field-less query searches.
// Nothing is stored and no term vectors or doc values are kept: ranked IDs
// are all the comparison reads, and our index keeps no more either.
func newMapping(scoring string) mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = cjk.AnalyzerName
	text.Store = false
	text.IncludeTermVectors = false
	text.DocValues = false
	text.IncludeInAll = true

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("heading", text)
	dm.AddFieldMappingsAt("path", text)
	dm.AddFieldMappingsAt("text", text)

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = cjk.AnalyzerName // the analyzer of _all, and so of field-less queries
	im.ScoringModel = scoring
	return im
}

// engine is a way of holding a bleve index in memory.
type engine struct {
	name string
	open func(mapping.IndexMapping) (bleve.Index, error)
}

var (
	// memOnly is what bleve.NewMemOnly gives: the upsidedown index over an
	// in-memory key-value store. It scores with tf-idf whatever the
	// mapping's scoring model says.
	memOnly = engine{"memonly", bleve.NewMemOnly}
	// scorchMem is bleve's current index format, scorch, kept in memory
	// (no path). It honours the BM25 scoring model.
	scorchMem = engine{"scorch", func(m mapping.IndexMapping) (bleve.Index, error) {
		return bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	}}
)

// buildBleve indexes every section of docs, one bleve document per section
// with the section ID as document ID, in one batch. The text goes through
// knowledge.Fold, as it does in our index.
func buildBleve(docs []*knowledge.Document, e engine, scoring string) (bleve.Index, error) {
	idx, err := e.open(newMapping(scoring))
	if err != nil {
		return nil, err
	}
	b := idx.NewBatch()
	seen := map[string]bool{}
	for _, d := range docs {
		for _, s := range d.Sections {
			if seen[s.ID] {
				idx.Close()
				return nil, fmt.Errorf("section ID %s occurs twice: it cannot be a bleve document ID", s.ID)
			}
			seen[s.ID] = true
			path := make([]string, len(s.Path))
			for i, h := range s.Path {
				path[i] = knowledge.Fold(h)
			}
			err := b.Index(s.ID, map[string]any{
				"heading": knowledge.Fold(s.Heading),
				"path":    path,
				"text":    knowledge.Fold(s.Text),
			})
			if err != nil {
				idx.Close()
				return nil, err
			}
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, err
	}
	return idx, nil
}

// searchBleve returns the IDs of the k best sections for question. The
// question is normalized as our index normalizes it (full width, case,
// Traditional to Simplified), then matched against _all with the cjk
// analyzer; terms are OR-ed.
func searchBleve(idx bleve.Index, question string, k int) ([]string, error) {
	q := bleve.NewMatchQuery(knowledge.Normalize(question))
	res, err := idx.Search(bleve.NewSearchRequestOptions(q, k, 0, false))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// searchOurs returns the IDs of the k best sections for question.
func searchOurs(ix *knowledge.Index, question string, k int) []string {
	hits := ix.Search(ix.Analyze(question), k)
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Section.ID
	}
	return ids
}

// score counts hits at 1 and at 3 over the questions.
type score struct {
	n, hit1, hit3 int
	missed        []string // IDs of the questions with no hit in the top 3
}

func (s *score) add(id string, got, want []string) {
	s.n++
	in := func(x string) bool { return slices.Contains(want, x) }
	if len(got) > 0 && in(got[0]) {
		s.hit1++
	}
	if slices.ContainsFunc(got[:min(len(got), 3)], in) {
		s.hit3++
	} else {
		s.missed = append(s.missed, id)
	}
}

func (s score) String() string {
	pct := func(h int) float64 { return 100 * float64(h) / float64(s.n) }
	return fmt.Sprintf("hit@1 %d/%d (%.1f%%)  hit@3 %d/%d (%.1f%%)",
		s.hit1, s.n, pct(s.hit1), s.hit3, s.n, pct(s.hit3))
}

// TestCompareHitAt3 scores both systems on the first turn of every gold case
// that names its sections, bleve as bleve.NewMemOnly builds it (tf-idf) and
// as an in-memory scorch index with tf-idf and with BM25, and fails if ours
// finds a right section in its top 3 less often than any of them.
func TestCompareHitAt3(t *testing.T) {
	docs := loadDocs(t)
	qs := loadQuestions(t)
	ix := knowledge.NewIndex(docs...)
	nsec := 0
	for _, d := range docs {
		nsec += len(d.Sections)
	}

	var ours score
	for _, q := range qs {
		ours.add(q.id, searchOurs(ix, q.q, topK), q.want)
	}
	t.Logf("%d questions, %d sections", len(qs), nsec)
	t.Logf("ours:                     %s", ours)
	t.Logf("ours missed: %v", ours.missed)

	for _, v := range []struct {
		e       engine
		scoring string
	}{
		{memOnly, index.TFIDFScoring},
		{scorchMem, index.TFIDFScoring},
		{scorchMem, index.BM25Scoring},
	} {
		name := v.e.name + "/" + v.scoring
		t.Run(name, func(t *testing.T) {
			idx, err := buildBleve(docs, v.e, v.scoring)
			if err != nil {
				t.Fatal(err)
			}
			defer idx.Close()
			if n, err := idx.DocCount(); err != nil || n != uint64(nsec) {
				t.Fatalf("bleve holds %d documents (%v), want %d", n, err, nsec)
			}
			var theirs score
			for _, q := range qs {
				got, err := searchBleve(idx, q.q, topK)
				if err != nil {
					t.Fatal(err)
				}
				theirs.add(q.id, got, q.want)
			}
			t.Logf("bleve cjk %-15s %s", name+":", theirs)
			t.Logf("bleve missed: %v", theirs.missed)
			if ours.hit3 < theirs.hit3 {
				t.Errorf("ours hit@3 %d/%d is worse than bleve cjk %s %d/%d",
					ours.hit3, ours.n, name, theirs.hit3, theirs.n)
			}
		})
	}
}

// BenchmarkRetrieveOurs times one question: analysis (normalization,
// thesaurus) and the top-3 search, cycling through the gold questions.
func BenchmarkRetrieveOurs(b *testing.B) {
	qs := loadQuestions(b)
	ix := knowledge.NewIndex(loadDocs(b)...)
	searchOurs(ix, qs[0].q, topK) // builds the Traditional-to-Simplified tables once, untimed
	for i := 0; b.Loop(); i++ {
		searchOurs(ix, qs[i%len(qs)].q, topK)
	}
}

// BenchmarkRetrieveBleve times one question: knowledge.Normalize, cjk
// analysis and the top-3 search of bleve.NewMemOnly (tf-idf), cycling
// through the gold questions.
func BenchmarkRetrieveBleve(b *testing.B) {
	benchRetrieveBleve(b, memOnly, index.TFIDFScoring)
}

// BenchmarkRetrieveBleveScorch is BenchmarkRetrieveBleve on an in-memory
// scorch index scoring with BM25.
func BenchmarkRetrieveBleveScorch(b *testing.B) {
	benchRetrieveBleve(b, scorchMem, index.BM25Scoring)
}

func benchRetrieveBleve(b *testing.B, e engine, scoring string) {
	qs := loadQuestions(b)
	idx, err := buildBleve(loadDocs(b), e, scoring)
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	if _, err := searchBleve(idx, qs[0].q, topK); err != nil { // untimed warm-up, as for ours
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		if _, err := searchBleve(idx, qs[i%len(qs)].q, topK); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildOurs times indexing the parsed report.
func BenchmarkBuildOurs(b *testing.B) {
	docs := loadDocs(b)
	for b.Loop() {
		knowledge.NewIndex(docs...)
	}
}

// BenchmarkBuildBleve times indexing the parsed report into a new
// bleve.NewMemOnly index, in one batch, and closing it.
func BenchmarkBuildBleve(b *testing.B) {
	benchBuildBleve(b, memOnly, index.TFIDFScoring)
}

// BenchmarkBuildBleveScorch is BenchmarkBuildBleve with an in-memory scorch
// index.
func BenchmarkBuildBleveScorch(b *testing.B) {
	benchBuildBleve(b, scorchMem, index.BM25Scoring)
}

func benchBuildBleve(b *testing.B, e engine, scoring string) {
	docs := loadDocs(b)
	for b.Loop() {
		idx, err := buildBleve(docs, e, scoring)
		if err != nil {
			b.Fatal(err)
		}
		if err := idx.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
