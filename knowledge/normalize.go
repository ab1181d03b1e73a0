package knowledge

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/width"
)

//go:embed lexicon/thesaurus.txt
var thesaurusData string

//go:embed lexicon/stopwords.txt
var stopwordData string

// toSimplified converts Traditional Chinese to Simplified with OpenCC's
// tables; it is built on first use (a few milliseconds).
var toSimplified = sync.OnceValues(func() (*opencc.OpenCC, error) {
	return opencc.New("t2s")
})

// Normalize folds a text for matching: full-width forms to ASCII, Latin
// letters to lower case, Traditional Chinese to Simplified, runs of space to
// one. Report text and questions go through the same function.
func Normalize(s string) string {
	s = strings.ToLower(width.Fold.String(s))
	if hasHan(s) {
		if cc, err := toSimplified(); err == nil {
			if t, err := cc.Convert(s); err == nil {
				s = t
			}
		}
	}
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// Lexicon holds the vocabulary that turns a citizen's question into the
// report's words: a thesaurus of colloquial terms and the question's filler
// words.
type Lexicon struct {
	synonyms  map[string][]string
	words     []string // thesaurus keys, longest first
	stopwords []string // longest first
}

// DefaultLexicon is the lexicon kept as data in lexicon/.
var DefaultLexicon = sync.OnceValue(func() *Lexicon {
	lx, err := ParseLexicon(thesaurusData, stopwordData)
	if err != nil {
		panic(err) // the embedded data is checked by tests
	}
	return lx
})

// ParseLexicon reads a thesaurus (a word, then its report terms, a line) and
// a stop-word list (one a line). Lines starting with # are comments.
func ParseLexicon(thesaurus, stopwords string) (*Lexicon, error) {
	lx := &Lexicon{synonyms: map[string][]string{}}
	for i, l := range strings.Split(thesaurus, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Fields(l)
		if len(f) < 2 {
			return nil, fmt.Errorf("thesaurus line %d: %q has no report term; expected a word then its terms", i+1, l)
		}
		key := Normalize(f[0])
		if _, dup := lx.synonyms[key]; dup {
			return nil, fmt.Errorf("thesaurus line %d: %q is listed twice", i+1, f[0])
		}
		lx.synonyms[key] = f[1:]
		lx.words = append(lx.words, key)
	}
	for _, l := range strings.Split(stopwords, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			lx.stopwords = append(lx.stopwords, Normalize(l))
		}
	}
	byLen := func(a, b string) int { return len(b) - len(a) }
	slices.SortStableFunc(lx.words, byLen)
	slices.SortStableFunc(lx.stopwords, byLen)
	return lx, nil
}

// Expansion is a report term that stands for a colloquial word of a
// question. Main marks the entry's first term: the one an answer must
// contain; the others only help the search.
type Expansion struct {
	Term string
	Main bool
}

// Expand returns the report terms for the colloquial words in a normalized
// question, each word matched once, longest first, and the question with
// those words blanked out. A word that the reports use themselves (inReports
// says so) stays in the question, and its terms only help the search.
func (lx *Lexicon) Expand(q string, inReports func(string) bool) (terms []Expansion, rest string) {
	rest = q
	for _, w := range lx.words {
		if !strings.Contains(rest, w) {
			continue
		}
		own := inReports(w)
		for i, t := range lx.synonyms[w] {
			terms = append(terms, Expansion{Term: t, Main: i == 0 && !own})
		}
		if !own {
			rest = strings.ReplaceAll(rest, w, " ")
		}
	}
	return terms, rest
}

// StripStopwords blanks out the filler words of a normalized question.
func (lx *Lexicon) StripStopwords(q string) string {
	for _, w := range lx.stopwords {
		q = strings.ReplaceAll(q, w, " ")
	}
	return q
}
