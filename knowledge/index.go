package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"regexp"
	"reportbot/knowledge/figure"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// BM25 parameters, and how much less a single character counts than a pair
// of characters: a bigram carries the meaning of a Chinese word, a lone
// character rarely does.
const (
	bm25K1        = 1.2
	bm25B         = 0.75
	unigramWeight = 0.3
	headingBoost  = 2 // a section's own heading counts this many times
)

// Hit is one section found for a query, with its document and BM25 score.
type Hit struct {
	Doc     *Document
	Section *Section
	Score   float64
}

type posting struct {
	sec int
	tf  float64
}

// Index retrieves report sections by BM25 over character bigrams and
// unigrams, ASCII words and numbers. Each section is indexed with its own
// heading, its ancestors' headings and its text. An Index is read-only once
// built and safe for concurrent use.
type Index struct {
	docs     []*Document
	sections []Hit // Score unused: the document and section of each indexed section
	terms    map[string]int
	postings [][]posting
	idf      []float64
	maxIDF   float64
	lens     []float64
	avgLen   float64
	years    map[int]bool
	byTitle  map[string]*Document // the reports by title (Doc)
	ofYears  []int                // the years the reports are of, ascending (ReportYears)
	lexicon  *Lexicon
	own      map[string]bool // thesaurus words the reports use themselves
	text     string          // all folded section text, for whole-word look-ups
	version  string
	built    sync.Once // the terms, postings and weights, made on first use
	sounds   sounds    // the reports' words by sound, for typos (ReadBySound)
}

// Version identifies what the index answers from: the reports' sections and
// the lexicon. Two indexes of the same reports have the same version.
func (ix *Index) Version() string { return ix.version }

// NewIndex indexes the sections of docs with the default lexicon. What
// identifies the reports (Docs, Version, HasYear) is known at once; the
// terms and their weights are built on the first search or analysis, so
// that a library of many reports, each searched through an index of its
// own, loads without indexing them all together.
func NewIndex(docs ...*Document) *Index {
	ix := &Index{docs: docs, years: map[int]bool{}, byTitle: map[string]*Document{}, lexicon: DefaultLexicon()}
	h := sha256.New()
	for _, d := range docs {
		ix.byTitle[d.Meta.Title] = d
		if d.Meta.Year > 0 && !slices.Contains(ix.ofYears, d.Meta.Year) {
			ix.ofYears = append(ix.ofYears, d.Meta.Year)
		}
		digest, years := d.summary()
		h.Write(digest)
		for y := range years {
			ix.years[y] = true
		}
		for _, m := range yearRE.FindAllString(d.Meta.Title, -1) {
			y, _ := strconv.Atoi(m)
			ix.years[y] = true
		}
	}
	h.Write([]byte(thesaurusData))
	h.Write([]byte(stopwordData))
	ix.version = hex.EncodeToString(h.Sum(nil)[:8])
	return ix
}

// build makes the index's terms, postings and weights, once.
func (ix *Index) build() { ix.built.Do(ix.index) }

func (ix *Index) index() {
	ix.terms = map[string]int{}
	docs := ix.docs
	var all strings.Builder
	tf := map[int]float64{} // term frequencies of one section
	for _, d := range docs {
		for _, s := range d.Sections {
			n := len(ix.sections)
			ix.sections = append(ix.sections, Hit{Doc: d, Section: s})
			clear(tf)
			var length float64
			add := func(text string, w float64) {
				text = Fold(text)
				all.WriteString(text)
				all.WriteByte('\n')
				forEachTerm(text, func(t string, uni bool) {
					id, ok := ix.terms[t]
					if !ok {
						id = len(ix.postings)
						ix.terms[t] = id
						ix.postings = append(ix.postings, nil)
					}
					tf[id] += w
					length += w
				})
			}
			for _, h := range s.Path {
				add(h, 1)
			}
			add(s.Heading, headingBoost)
			add(s.Text, 1)
			ids := make([]int, 0, len(tf))
			for id := range tf {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			for _, id := range ids {
				ix.postings[id] = append(ix.postings[id], posting{sec: n, tf: tf[id]})
			}
			ix.lens = append(ix.lens, length)
			ix.avgLen += length
		}
	}
	text := all.String()
	ix.text = text
	ix.own = map[string]bool{}
	for w := range ix.lexicon.synonyms {
		if offs := runeOffsets(w); len(offs) > 2 && !ix.known(w[:offs[2]]) {
			continue // not even its first two characters are in the reports
		}
		if strings.Contains(text, w) {
			ix.own[w] = true
		}
	}
	if len(ix.sections) > 0 {
		ix.avgLen /= float64(len(ix.sections))
	}
	total := float64(len(ix.sections))
	ix.idf = make([]float64, len(ix.postings))
	for id, p := range ix.postings {
		df := float64(len(p))
		ix.idf[id] = math.Log(1 + (total-df+0.5)/(df+0.5))
	}
	ix.maxIDF = math.Log(1 + (total+0.5)/0.5)
}

// yearsIn adds to years every year text speaks of: four digits before 年
// (2023年, 2023年11月6日) or before a date's - or / (2025-06-25), ASCII or
// full-width. A plain scan, not the figure scanner: a library of many
// reports knows its years at load without reading every figure.
func yearsIn(text string, years map[int]bool) {
	var digits [4]int
	n := 0 // digits in a row, the last four kept
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9' || r >= '０' && r <= '９':
			d := int(r - '0')
			if r >= '０' {
				d = int(r - '０')
			}
			digits[0], digits[1], digits[2], digits[3] = digits[1], digits[2], digits[3], d
			n++
			continue
		case n == 4 && (r == '年' || r == '-' || r == '/'):
			if y := digits[0]*1000 + digits[1]*100 + digits[2]*10 + digits[3]; y >= 1000 {
				years[y] = true
			}
		}
		n = 0
	}
}

// Doc returns the indexed report of a title, or nil.
func (ix *Index) Doc(title string) *Document { return ix.byTitle[title] }

// ReportYears are the years the indexed reports are of, each once.
func (ix *Index) ReportYears() []int { return ix.ofYears }

// Docs returns the indexed documents.
func (ix *Index) Docs() []*Document { return ix.docs }

// HasYear reports whether any indexed report speaks of year y.
func (ix *Index) HasYear(y int) bool { return ix.years[y] }

// Weight is a term's inverse document frequency; a term no section contains
// weighs the most.
func (ix *Index) Weight(term string) float64 {
	ix.build()
	if id, ok := ix.terms[term]; ok {
		return ix.idf[id]
	}
	return ix.maxIDF
}

// Mentions reports whether any section's text or heading contains the
// folded word w.
func (ix *Index) Mentions(w string) bool {
	ix.build()
	return strings.Contains(ix.text, w)
}

// Known reports whether any section contains term.
func (ix *Index) Known(term string) bool {
	ix.build()
	return ix.known(term)
}

func (ix *Index) known(term string) bool {
	_, ok := ix.terms[term]
	return ok
}

// Search returns the k best sections for q, best first. Sections that share
// no term with q are not returned.
func (ix *Index) Search(q Query, k int) []Hit {
	ix.build()
	scores := make([]float64, len(ix.sections))
	for _, t := range q.Terms {
		id, ok := ix.terms[t.Text]
		if !ok {
			continue
		}
		w := ix.idf[id] * t.Weight
		for _, p := range ix.postings[id] {
			norm := 1 - bm25B + bm25B*ix.lens[p.sec]/ix.avgLen
			scores[p.sec] += w * p.tf * (bm25K1 + 1) / (p.tf + bm25K1*norm)
		}
	}
	// Keep the k best in order: an insertion into a short list beats
	// sorting every section.
	hits := make([]Hit, 0, k+1)
	for i, sc := range scores {
		if sc <= 0 || (len(hits) == k && sc <= hits[k-1].Score) {
			continue
		}
		at := len(hits)
		for at > 0 && hits[at-1].Score < sc {
			at--
		}
		h := ix.sections[i]
		h.Score = sc
		hits = slices.Insert(hits, at, h)
		if len(hits) > k {
			hits = hits[:k]
		}
	}
	return hits
}

// Term is one search term of a query.
type Term struct {
	Text   string
	Weight float64 // 1 for a bigram or word, less for a single character
}

// Query is a question analysed for retrieval.
type Query struct {
	Text    string     // the normalized question
	Terms   []Term     // what is searched: the question's content and its thesaurus terms
	Content []string   // the question's content terms: what an answer must cover
	Parts   [][]string // the content runs of text of each clause of the question ("社区有多少名,企业有多少名")
	Clauses []string   // the text of the clause of each part
	// Synonyms maps a word of the question that the reports use to the
	// thesaurus terms that also say it (金额 → 资金).
	Synonyms map[string][]string
	Years    []int // years the question names
}

var (
	yearRE        = regexp.MustCompile(`(?:19|20)\d{2}`)
	yearMentionRE = regexp.MustCompile(yearRE.String() + `年`)
)

// MentionsYear reports whether s names a year (2023年).
func MentionsYear(s string) bool { return yearMentionRE.MatchString(s) }

// Analyze normalizes a question, expands its colloquial words with the
// thesaurus, and drops its filler words.
func (ix *Index) Analyze(question string) Query {
	ix.build()
	q := Query{Text: Normalize(question)}
	for _, m := range yearRE.FindAllStringIndex(q.Text, -1) {
		if r, _ := utf8.DecodeRuneInString(q.Text[m[1]:]); r == '年' || r == '版' {
			y, _ := strconv.Atoi(q.Text[m[0]:m[1]])
			q.Years = append(q.Years, y)
		}
	}
	seen := map[string]bool{}
	// add takes the terms of one run of text. All are searched; when part is
	// not nil, its bigrams and words, or a lone character, are also content
	// an answer must cover, and the run goes to that part of the question.
	add := func(run string, part *[]string) {
		if part != nil {
			*part = append(*part, run)
		}
		lone := utf8.RuneCountInString(run) == 1
		forEachTerm(run, func(t string, uni bool) {
			if uni && isHanTerm(t) && !lone {
				if !seen[t] {
					seen[t] = true
					q.Terms = append(q.Terms, Term{Text: t, Weight: unigramWeight})
				}
				return
			}
			if !seen[t] {
				seen[t] = true
				q.Terms = append(q.Terms, Term{Text: t, Weight: 1})
			}
			if part != nil && !ix.junction(run, t) && !slices.Contains(q.Content, t) {
				q.Content = append(q.Content, t)
			}
		})
	}
	for _, clause := range strings.FieldsFunc(q.Text, figure.IsClauseBreak) {
		var part []string
		expansions, rest := ix.lexicon.Expand(clause, func(w string) bool { return ix.own[w] })
		for _, seg := range ix.contentSegments(rest) {
			add(seg, &part)
		}
		for _, e := range expansions {
			if e.Main {
				add(Fold(e.Term), &part)
				continue
			}
			add(Fold(e.Term), nil)
			// A word's first term is its synonym (金额 → 资金); the others
			// are only related (律师 → 法律咨询) and help the search.
			if ix.own[e.Word] && (len(q.Synonyms[e.Word]) == 0 && ix.lexicon.first(e.Word) == e.Term) {
				if q.Synonyms == nil {
					q.Synonyms = map[string][]string{}
				}
				q.Synonyms[e.Word] = append(q.Synonyms[e.Word], Fold(e.Term))
			}
		}
		if len(part) > 0 {
			q.Parts = append(q.Parts, part)
			q.Clauses = append(q.Clauses, clause)
		}
	}
	return q
}

func isHanTerm(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.Is(unicode.Han, r)
}

// contentSegments splits a normalized question into the runs of text left
// when its filler words are taken out. A one-character filler word (的, 是)
// is kept where it forms a word of the reports with its neighbour (存在).
func (ix *Index) contentSegments(q string) []string {
	lx := ix.lexicon
	offs := runeOffsets(q)
	var segs []string
	start := -1 // byte offset where the current run began
	end := func(i int) {
		if start >= 0 {
			segs = append(segs, q[start:offs[i]])
			start = -1
		}
	}
	for i := 0; i < len(offs)-1; {
		n := longestAt(q, offs, i, lx.stopMax, func(w string, n int) bool {
			return lx.stopwords[w] && (n > 1 || !ix.formsWord(q, offs, i))
		})
		if n > 0 {
			end(i)
			i += n
			continue
		}
		r, _ := utf8.DecodeRuneInString(q[offs[i]:])
		if unicode.Is(unicode.Han, r) || isWordRune(r) {
			if start < 0 {
				start = offs[i]
			}
		} else {
			end(i)
		}
		i++
	}
	end(len(offs) - 1)
	return segs
}

// formsWord reports whether the character at rune i of q makes a bigram of
// the reports with the character before or after it.
func (ix *Index) formsWord(q string, offs []int, i int) bool {
	if i > 0 && ix.Known(q[offs[i-1]:offs[i+1]]) {
		return true
	}
	return i+2 < len(offs) && ix.Known(q[offs[i]:offs[i+2]])
}

// Fold normalizes report text for matching: full-width forms to ASCII and
// Latin letters to lower case. Questions also get Normalize's conversion to
// Simplified Chinese, which reports (written in Simplified) do not need.
func Fold(s string) string {
	return strings.ToLower(width.Fold.String(s))
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// Terms returns the search terms of a folded text: the bigrams and unigrams
// of its Chinese runs and its ASCII words and numbers (11.47 stays one term).
func Terms(text string) []string {
	var out []string
	forEachTerm(text, func(t string, _ bool) { out = append(out, t) })
	return out
}

// forEachTerm calls fn with each term of a folded text; uni is true for a
// single Chinese character.
func forEachTerm(text string, fn func(term string, uni bool)) {
	prev := -1 // byte offset of the previous Han rune, when adjacent
	word := -1 // start of the current ASCII word
	for i, r := range text {
		if isWordRune(r) || (r == '.' && word >= 0 && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9') {
			if word < 0 {
				word = i
			}
			prev = -1
			continue
		}
		if word >= 0 {
			fn(text[word:i], false)
			word = -1
		}
		if !unicode.Is(unicode.Han, r) {
			prev = -1
			continue
		}
		end := i + utf8.RuneLen(r)
		fn(text[i:end], true)
		if prev >= 0 {
			fn(text[prev:end], false)
		}
		prev = i
	}
	if word >= 0 {
		fn(text[word:], false)
	}
}

// junction reports whether bigram, found in run, is no word but the seam
// of two words the reports know: 议收 in 行政复议收到. Without a segmenter
// such seams would count as content no section has.
func (ix *Index) junction(run, bigram string) bool {
	if ix.Known(bigram) || utf8.RuneCountInString(bigram) != 2 {
		return false
	}
	i := strings.Index(run, bigram)
	first, n := utf8.DecodeRuneInString(bigram)
	second := bigram[n:]
	before, _ := utf8.DecodeLastRuneInString(run[:i])
	after, _ := utf8.DecodeRuneInString(run[i+len(bigram):])
	return i > 0 && i+len(bigram) < len(run) &&
		ix.Known(string(before)+string(first)) && ix.Known(second+string(after))
}
