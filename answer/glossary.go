package answer

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"reportbot/knowledge"
)

// glossaryTSV is the reviewed English glossary of the reports' vocabulary:
// kind (term, verb, unit), Chinese, English, a line each.
//
//go:embed glossary_en.tsv
var glossaryTSV string

// glossary maps the reports' measure words to English and back: English
// answers label a fact with it (the program's words, never a model's),
// and an English question is tied to the report's words through it.
type glossary struct {
	terms, verbs map[string]string // Chinese → English
	longest      int               // runes of the longest Chinese entry
	english      []englishEntry    // for reading questions
}

// englishEntry is an entry read backwards: the content words of its
// English, and its Chinese.
type englishEntry struct {
	words   []string
	chinese string
}

var glossaryEN = parseGlossary(glossaryTSV)

// englishStop are words that say nothing of what an entry means.
var englishStop = map[string]bool{"of": true, "the": true, "and": true, "for": true, "on": true, "in": true, "to": true,
	"a": true, "an": true, "by": true, "with": true, "as": true, "at": true, "or": true}

var parenRE = regexp.MustCompile(`\([^)]*\)`)

func parseGlossary(tsv string) *glossary {
	g := &glossary{terms: map[string]string{}, verbs: map[string]string{}}
	for _, line := range strings.Split(tsv, "\n") {
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) != 3 || strings.HasPrefix(f[0], "#") {
			continue
		}
		zh, en := knowledge.Normalize(f[1]), strings.TrimSpace(f[2])
		switch f[0] {
		case "term":
			g.terms[zh] = en
		case "verb":
			g.verbs[zh] = en
		default:
			continue
		}
		g.longest = max(g.longest, utf8.RuneCountInString(zh))
		var words []string
		for _, w := range strings.FieldsFunc(strings.ToLower(parenRE.ReplaceAllString(en, " ")), notLetter) {
			if !englishStop[w] && len(w) > 2 {
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			g.english = append(g.english, englishEntry{words, zh})
		}
	}
	return g
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// sameStem reports whether two English words are one word's forms:
// application and applications, accept and accepted.
func sameStem(x, y string) bool {
	n := min(len(x), len(y), 5)
	return len(x) >= 3 && len(y) >= 3 && x[:n] == y[:n] && (len(x) < 5 || len(y) >= 5) && (len(y) < 5 || len(x) >= 5)
}

// chinese are the Chinese entries whose English an English question says,
// every content word of it, longest first.
func (g *glossary) chinese(question string) []string {
	qw := strings.FieldsFunc(strings.ToLower(question), notLetter)
	var out []string
	for _, e := range g.english {
		if !slices.ContainsFunc(e.words, func(w string) bool {
			return !slices.ContainsFunc(qw, func(q string) bool { return sameStem(w, q) })
		}) && !slices.Contains(out, e.chinese) {
			out = append(out, e.chinese)
		}
	}
	return out
}

// label says what a fact counts in English, from the glossary: the nouns
// of its measure (or of what it is counted of), then its verbs, when the
// glossary covers most of the measure; "" when it does not.
func (g *glossary) label(f knowledge.Fact) string {
	measure := knowledge.Normalize(strings.ReplaceAll(f.Measure, "…", " "))
	nouns, verbs, covered, han := g.segment(measure)
	if f.Of != "" && len(nouns) == 0 {
		n, _, c, h := g.segment(knowledge.Normalize(strings.ReplaceAll(f.Of, "…", " ")))
		nouns, covered, han = n, covered+c, han+h
	}
	if han == 0 || float64(covered) < 0.6*float64(han) || len(nouns)+len(verbs) == 0 {
		return ""
	}
	label := strings.Join(append(nouns, verbs...), " ")
	r, size := utf8.DecodeRuneInString(label)
	return string(unicode.ToUpper(r)) + label[size:]
}

// segment reads text by the longest glossary entries: the English of its
// terms and of its verbs in order, the Han runes they cover, and its Han
// runes.
func (g *glossary) segment(text string) (nouns, verbs []string, covered, han int) {
	runes := []rune(text)
	for i := 0; i < len(runes); {
		if !unicode.Is(unicode.Han, runes[i]) {
			i++
			continue
		}
		matched := false
		for n := min(g.longest, len(runes)-i); n > 0 && !matched; n-- {
			w := string(runes[i : i+n])
			if en, ok := g.terms[w]; ok {
				nouns, matched = append(nouns, en), true
			} else if en, ok := g.verbs[w]; ok {
				verbs, matched = append(verbs, en), true
			}
			if matched {
				covered += n
				han += n
				i += n
			}
		}
		if !matched {
			han++
			i++
		}
	}
	return nouns, verbs, covered, han
}
