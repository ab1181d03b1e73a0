package bot

import (
	"html"
	"reportbot/answer/reply"
	"strings"
	"unicode/utf8"
)

// MaxMessageRunes is the longest text Telegram accepts in one message.
const MaxMessageRunes = 4096

// FormatHTML renders an answer as Telegram HTML (parse_mode HTML): every
// piece of report or user text escaped, the source line in italics. Text
// longer than MaxMessageRunes is split into several messages at paragraph
// boundaries, or at line or rune boundaries when a paragraph is too long.
func FormatHTML(a reply.Answer) []string {
	var parts []string
	for _, l := range a.Lines {
		esc := html.EscapeString(l.Text)
		if l.Source {
			esc = "<i>" + esc + "</i>"
		}
		parts = append(parts, esc)
	}
	return split(parts, MaxMessageRunes)
}

// split joins lines into messages of at most limit runes, never cutting a
// line (or an HTML entity or tag within it) unless the line alone is too
// long.
func split(lines []string, limit int) []string {
	var msgs []string
	var cur strings.Builder
	n := 0
	flush := func() {
		if cur.Len() > 0 {
			msgs = append(msgs, cur.String())
			cur.Reset()
			n = 0
		}
	}
	for _, l := range lines {
		ln := utf8.RuneCountInString(l)
		if n > 0 && n+1+ln > limit {
			flush()
		}
		for ln > limit {
			head := cutRunes(l, limit)
			msgs = append(msgs, head)
			l = l[len(head):]
			ln = utf8.RuneCountInString(l)
		}
		if n > 0 {
			cur.WriteByte('\n')
			n++
		}
		cur.WriteString(l)
		n += ln
	}
	flush()
	return msgs
}

// cutRunes returns the longest prefix of s of at most limit runes that does
// not end inside an HTML entity or tag.
func cutRunes(s string, limit int) string {
	end, count := 0, 0
	for i := range s {
		if count == limit {
			end = i
			break
		}
		count++
	}
	if end == 0 {
		return s
	}
	head := s[:end]
	if amp := strings.LastIndexByte(head, '&'); amp >= 0 && !strings.Contains(head[amp:], ";") {
		head = head[:amp]
	}
	if lt := strings.LastIndexByte(head, '<'); lt >= 0 && !strings.Contains(head[lt:], ">") {
		head = head[:lt]
	}
	return head
}
