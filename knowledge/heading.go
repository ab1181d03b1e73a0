package knowledge

import (
	"regexp"
	"reportbot/knowledge/figure"
	"strings"
	"unicode/utf8"
)

// maxHeadingRunes is the longest first sentence still taken for a heading.
const maxHeadingRunes = 30

// bodyStartRE matches words that open a section's body when a report runs the
// heading straight into it with no full stop, as in
// "1.加强组织领导,坚持高位推动县政府高度重视…".
var bodyStartRE = regexp.MustCompile(`县人民政府|县政府|县委|县检察院|县法院|县司法局|我县|全县|严格按照|按照|根据|依据|围绕|结合|\d{4}年`)

// splitHeading splits the text after an outline marker into the heading and
// the body that follows it.
func splitHeading(rest string) (heading, body string) {
	rest = strings.TrimSpace(rest)
	first, after, hasStop := strings.Cut(rest, "。")
	if !hasStop {
		if utf8.RuneCountInString(rest) <= maxHeadingRunes && !hasNumber(rest) {
			return trimClause(rest), ""
		}
		first, after = rest, ""
	}
	if utf8.RuneCountInString(first) <= maxHeadingRunes {
		// A numbered sentence that gives figures ("1、行政复议收到申请120件,
		// 受理100件。") is text to answer from, named by its first clause.
		if hasNumber(first) {
			return trimClause(firstClause(first, 24)), rest
		}
		return trimClause(first), strings.TrimSpace(after)
	}
	// A run-in heading: cut where the body's first words begin, within
	// its first 24 characters (a match is at most six: search 30).
	head := first[:runeBytes(first, 30)]
	for _, loc := range bodyStartRE.FindAllStringIndex(head, -1) {
		n := utf8.RuneCountInString(first[:loc[0]])
		if n >= 4 && n <= 24 {
			return trimClause(first[:loc[0]]), rest[loc[0]:]
		}
	}
	// No clear cut: the first clause names the section and the body keeps it all.
	return trimClause(firstClause(first, 24)), rest
}

// hasNumber reports whether s gives a figure that is not a year or date.
func hasNumber(s string) bool {
	for _, f := range figure.Extract(s) {
		if f.Kind == figure.KindNumber || f.Kind == figure.KindPercent {
			return true
		}
	}
	return false
}

// firstClause returns s up to its first clause punctuation outside brackets
// and quotes, at most max runes.
func firstClause(s string, max int) string {
	depth, n := 0, 0
	for i, r := range s {
		switch r {
		case '《', '“', '(', '\uff08', '「', '‘':
			depth++
		case '》', '”', ')', '\uff09', '」', '’':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 && figure.IsClauseBreak(r) {
				return s[:i]
			}
		}
		n++
		if n >= max && depth == 0 {
			return s[:i+utf8.RuneLen(r)]
		}
	}
	return s
}

func trimClause(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), ",\uff0c;\uff1b:\uff1a。")
}

var inlineOrdinals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// splitInline turns the enumerations 一是…二是…三是… inside a section's
// text into subsections of their own. Text before 一是 stays with the section.
func (d *Document) splitInline() {
	var out []*Section
	for _, s := range d.Sections {
		out = append(out, s)
		starts := inlineStarts(s.Text)
		if len(starts) < 2 {
			continue
		}
		text := s.Text
		s.Text = strings.TrimSpace(text[:starts[0]])
		path := append(append([]string(nil), s.Path...), s.Heading)
		for i, start := range starts {
			end := len(text)
			if i+1 < len(starts) {
				end = starts[i+1]
			}
			item := strings.TrimSpace(text[start:end])
			marker := inlineOrdinals[i] + "是"
			sub := &Section{
				ID:      s.ID + marker,
				Heading: trimClause(firstClause(strings.TrimPrefix(item, marker), 40)),
				Text:    item,
				Path:    path,
				Parent:  s.ID,
				Level:   inlineLevel,
				Line:    s.Line + strings.Count(text[:start], "\n"),
				doc:     d,
			}
			d.byID[sub.ID] = sub
			out = append(out, sub)
		}
	}
	d.Sections = out
}

// inlineStarts returns the byte offsets of 一是, 二是, … in text, each at the
// start of a sentence, in sequence; nil when there is no such sequence.
func inlineStarts(text string) []int {
	var starts []int
	from := 0
	for _, ord := range inlineOrdinals {
		marker := ord + "是"
		found := -1
		for i := from; i < len(text); {
			j := strings.Index(text[i:], marker)
			if j < 0 {
				break
			}
			j += i
			if atSentenceStart(text, j) {
				found = j
				break
			}
			i = j + len(marker)
		}
		if found < 0 {
			break
		}
		starts = append(starts, found)
		from = found + len(marker)
	}
	return starts
}

func atSentenceStart(text string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	switch r {
	case '\n', '。', ';', '\uff1b', ':', '\uff1a', '!', '\uff01', '?', '\uff1f':
		return true
	}
	return false
}

// runeBytes is the byte length of s's first n runes, or of s when shorter.
func runeBytes(s string, n int) int {
	at := 0
	for range n {
		if at >= len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[at:])
		at += size
	}
	return at
}
