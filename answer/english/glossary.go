package english

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	snowballeng "github.com/kljensen/snowball/english"

	"reportbot/knowledge"
)

// glossaryTSV is the reviewed English glossary of the reports' vocabulary:
// kind (term, verb, unit), Chinese, English, a line each.
//
//go:embed glossary_en.tsv
var glossaryTSV string

// Glossary maps the reports' measure words to English and back: English
// answers label a fact with it (the program's words, never a model's),
// and an English question is tied to the report's words through it.
type Glossary struct {
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

// Default is the glossary, read on first use: most processes never
// meet an English question.
var Default = sync.OnceValue(func() *Glossary { return parseGlossary(glossaryTSV) })

// englishStop are words that say nothing of what an entry means.
var englishStop = map[string]bool{"of": true, "the": true, "and": true, "for": true, "on": true, "in": true, "to": true,
	"a": true, "an": true, "by": true, "with": true, "as": true, "at": true, "or": true}

var parenRE = regexp.MustCompile(`\([^)]*\)`)

func parseGlossary(tsv string) *Glossary {
	g := &Glossary{terms: map[string]string{}, verbs: map[string]string{}}
	for _, line := range strings.Split(tsv, "\n") {
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) != 3 || strings.HasPrefix(f[0], "#") {
			continue
		}
		// Written as the reports are (Simplified); its English renderings
		// are separated by |, the first the one an answer's label uses.
		zh, renderings := knowledge.Fold(f[1]), strings.Split(f[2], "|")
		en := strings.TrimSpace(renderings[0])
		switch f[0] {
		case "term":
			g.terms[zh] = en
		case "verb":
			g.verbs[zh] = en
		default:
			continue
		}
		g.longest = max(g.longest, utf8.RuneCountInString(zh))
		for _, r := range renderings {
			var words []string
			for _, w := range strings.FieldsFunc(strings.ToLower(parenRE.ReplaceAllString(r, " ")), notLetter) {
				if !englishStop[w] && len(w) > 2 {
					words = append(words, snowballeng.Stem(w, false))
				}
			}
			if len(words) > 0 {
				g.english = append(g.english, englishEntry{words, zh})
			}
		}
	}
	return g
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// stems are the stems of the words of English text, lower case: accepted
// and accept are one, applications and applied are not.
func stems(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), notLetter) {
		out = append(out, snowballeng.Stem(w, false))
	}
	return out
}

// Chinese are the Chinese entries whose English an English question says,
// every content word of it, longest first; not those whose English is
// another's too (received: 收到 or 享受), which one cannot tell apart.
func (g *Glossary) Chinese(question string) []string {
	out, ambiguous := g.read(question)
	return slices.DeleteFunc(out, func(zh string) bool { return ambiguous[zh] })
}

// Readings are Chinese's entries and those it leaves out as one of several
// an English word may say (held: 开展, 召开 or 举办): what the question may
// name, to check an answer's words against, not to search by.
func (g *Glossary) Readings(question string) []string {
	out, _ := g.read(question)
	return out
}

// read is the Chinese entries whose English question says, and those of
// them whose English is another's too.
func (g *Glossary) read(question string) (out []string, ambiguous map[string]bool) {
	qw := stems(question)
	read := map[string]string{} // the English words an entry was read by → its Chinese
	ambiguous = map[string]bool{}
	for _, e := range g.english {
		if slices.ContainsFunc(e.words, func(w string) bool { return !slices.Contains(qw, w) }) {
			continue
		}
		key := strings.Join(e.words, " ")
		if zh, ok := read[key]; ok && zh != e.chinese { // received: 收到 or 享受, one cannot tell
			ambiguous[zh], ambiguous[e.chinese] = true, true
		}
		read[key] = e.chinese
		if !slices.Contains(out, e.chinese) {
			out = append(out, e.chinese)
		}
	}
	return out, ambiguous
}

// englishAsk is a way an English question asks, and the report's words
// for it.
type englishAsk struct {
	re *regexp.Regexp
	zh string
}

// englishAsks are the ways an English question asks, first match first:
// the report's publisher, date and year (answered from its header), a
// number of people, a share, a number, a date.
var englishAsks = []englishAsk{
	{regexp.MustCompile(`(?i)\bwho\b.*\b(publish|issue|release|wr[io]te|author)`), "报告是谁发布的"},
	{regexp.MustCompile(`(?i)\bwhen\b.*\b(publish|issue|release)|\b(publication|release)\s+date\b`), "报告是哪天发布的"},
	{regexp.MustCompile(`(?i)\b(which|what)\s+year\b`), "报告是哪一年的"},
	{regexp.MustCompile(`(?i)\bhow\s+many\s+(?:[\w-]+\s+){0,3}(people|persons|residents|officers|officials|staff|personnel)(?:\s|\?|$)`), "多少人"},
	{regexp.MustCompile(`(?i)\b(what|which)\s+(share|percentage|proportion|rate)\b|\bhow\s+often\b`), "比例是多少"},
	{regexp.MustCompile(`(?i)\bhow\s+(many|much)\b|\bwhat\s+(number|amount|total)\b`), "多少"},
	{regexp.MustCompile(`(?i)\bwhen\b|\bwhat\s+(date|day)\b`), "哪天"},
}

// ReadQuestion reads an English question as the report's words: the
// glossary's Chinese for its words, any year it names, and what it asks
// (多少, 比例, 哪天). A question none of whose words the glossary has is
// returned as it is. Its caller screens out instructions first: read as
// the report's words, they would be searched.
func (g *Glossary) ReadQuestion(question string) string {
	if g.Share(question) < englishRead {
		return question // not read as the report's words: searched as it is, and not found
	}
	for _, a := range englishAsks {
		if strings.HasPrefix(a.zh, "报告") && a.re.MatchString(question) {
			return a.zh + "?" // about the report itself: its header answers, whatever else it says
		}
	}
	zh := append(g.Chinese(question), hanRE.FindAllString(question, -1)...) // the report's own terms, quoted in it
	if len(zh) == 0 {
		return question
	}
	// A term within another read (执法人员 in 专职执法人员) adds nothing, and
	// the most specific term is read last, next to what is asked: what a
	// question turns on stands nearest its question word.
	zh = slices.DeleteFunc(zh, func(t string) bool {
		return slices.ContainsFunc(zh, func(u string) bool { return u != t && strings.Contains(u, t) })
	})
	slices.SortStableFunc(zh, func(x, y string) int { return utf8.RuneCountInString(x) - utf8.RuneCountInString(y) })
	for _, y := range yearWordRE.FindAllString(question, -1) {
		zh = append(zh, y+"年")
	}
	for _, a := range englishAsks {
		if a.re.MatchString(question) {
			zh = append(zh, a.zh)
			break
		}
	}
	return strings.Join(zh, " ") + "?"
}

var yearWordRE = regexp.MustCompile(`\b(?:19|20)\d{2}\b`)

// hanRE finds a run of Chinese characters in an English question.
var hanRE = regexp.MustCompile(`\p{Han}+`)

// englishRead is the share of an English question's content words the
// glossary must read for the question to be searched in the report's
// words: a question mostly of other words (the capital of France) is not
// the report's.
const englishRead = 0.5

// questionWords say how a question asks, not what about.
var questionWords = map[string]bool{"how": true, "many": true, "much": true, "what": true, "which": true, "when": true, "who": true,
	"where": true, "why": true, "does": true, "did": true, "was": true, "were": true, "are": true, "is": true, "have": true, "has": true,
	"had": true, "this": true, "that": true, "there": true, "their": true, "they": true, "get": true, "got": true, "can": true,
	"county": true, "year": true, "last": true, "total": true, "number": true, "all": true, "any": true, "its": true, "been": true}

// Share is the share of an English question's content words (of three
// letters or more, not a question word) that an entry of the glossary says.
func (g *Glossary) Share(question string) float64 {
	n, known := 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(question), notLetter) {
		if len(w) < 3 || englishStop[w] || questionWords[w] || yearWordRE.MatchString(w) {
			continue
		}
		n++
		if slices.ContainsFunc(g.english, func(e englishEntry) bool {
			return slices.Contains(e.words, snowballeng.Stem(w, false))
		}) {
			known++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(known) / float64(n)
}

// Label says what a fact counts in English, from the glossary: the nouns
// of its measure (or of what it is counted of), then its verbs, when the
// glossary covers most of the measure; "" when it does not.
func (g *Glossary) Label(f knowledge.Fact) string {
	measure := knowledge.Fold(strings.Join(f.Measure.Sides(), " "))
	nouns, verbs, covered, han := g.segment(measure)
	if !f.Of.IsZero() && len(nouns) == 0 {
		n, _, c, h := g.segment(knowledge.Fold(strings.Join(f.Of.Sides(), " ")))
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
func (g *Glossary) segment(text string) (nouns, verbs []string, covered, han int) {
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
