package knowledge

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
	synMax    int // longest thesaurus word, in runes
	stopwords map[string]bool
	stopMax   int
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
	lx := &Lexicon{synonyms: map[string][]string{}, stopwords: map[string]bool{}}
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
		lx.synMax = max(lx.synMax, utf8.RuneCountInString(key))
	}
	for _, l := range strings.Split(stopwords, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			w := Normalize(l)
			lx.stopwords[w] = true
			lx.stopMax = max(lx.stopMax, utf8.RuneCountInString(w))
		}
	}
	return lx, nil
}

// runeOffsets returns the byte offset of each rune of s, and len(s) last.
func runeOffsets(s string) []int {
	offs := make([]int, 0, len(s)/3+2)
	for i := range s {
		offs = append(offs, i)
	}
	return append(offs, len(s))
}

// longestAt returns the length in runes of the longest word of set that
// starts at rune i of s (offs from runeOffsets), trying ok on each; 0 when
// there is none.
func longestAt(s string, offs []int, i, maxLen int, ok func(w string, n int) bool) int {
	for n := min(maxLen, len(offs)-1-i); n >= 1; n-- {
		if ok(s[offs[i]:offs[i+n]], n) {
			return n
		}
	}
	return 0
}

// first is the first report term of a thesaurus word.
func (lx *Lexicon) first(w string) string {
	if t := lx.synonyms[w]; len(t) > 0 {
		return t[0]
	}
	return ""
}

// Expansion is a report term that stands for a colloquial word of a
// question. Main marks the entry's first term: the one an answer must
// contain; the others only help the search.
type Expansion struct {
	Term string
	Main bool
	Word string // the question's word it stands for
}

// Expand returns the report terms for the colloquial words in a normalized
// question, matched leftmost and longest first, and the question with those
// words blanked out. A word that the reports use themselves (inReports says
// so) stays in the question, and its terms only help the search.
func (lx *Lexicon) Expand(q string, inReports func(string) bool) (terms []Expansion, rest string) {
	offs := runeOffsets(q)
	var b strings.Builder
	last := 0
	for i := 0; i < len(offs)-1; {
		n := longestAt(q, offs, i, lx.synMax, func(w string, _ int) bool { return lx.synonyms[w] != nil })
		if n == 0 {
			i++
			continue
		}
		w := q[offs[i]:offs[i+n]]
		own := inReports(w)
		for j, t := range lx.synonyms[w] {
			terms = append(terms, Expansion{Term: t, Main: j == 0 && !own, Word: w})
		}
		if !own {
			b.WriteString(q[last:offs[i]])
			b.WriteString(" ")
			last = offs[i+n]
		}
		i += n
	}
	if last == 0 {
		return terms, q
	}
	b.WriteString(q[last:])
	return terms, b.String()
}

// simplifiedRunes caches the Simplified form of each Traditional character
// that FoldRunes has seen.
var simplifiedRunes sync.Map // rune → rune

// FoldRunes folds a text character by character: full-width forms to ASCII
// and Traditional characters to Simplified (兩個 → 两个, 萬 → 万). Unlike
// Normalize it keeps the text's length and spacing and ignores phrases, which
// makes it cheap enough to run on every answer before its figures are read.
func FoldRunes(s string) string {
	var b strings.Builder
	changed := false
	for i, r := range s {
		f := foldRune(r)
		if f != r && !changed {
			changed = true
			b.Grow(len(s))
			b.WriteString(s[:i])
		}
		if changed {
			b.WriteRune(f)
		}
	}
	if !changed {
		return s
	}
	return b.String()
}

func foldRune(r rune) rune {
	switch {
	case r < 0x2E80:
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	case !unicode.Is(unicode.Han, r):
		return r
	}
	if v, ok := simplifiedRunes.Load(r); ok {
		return v.(rune)
	}
	out := r
	if cc, err := toSimplified(); err == nil {
		if t, err := cc.Convert(string(r)); err == nil && utf8.RuneCountInString(t) == 1 {
			out, _ = utf8.DecodeRuneInString(t)
		}
	}
	simplifiedRunes.Store(r, out)
	return out
}
