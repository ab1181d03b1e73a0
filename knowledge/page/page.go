// Package page reads a report's file into its paragraphs, one a line:
// plain text, Markdown, or a web page saved from a government site, whose
// scripts, styles, navigation and markup it leaves out and whose title
// (its <h1>, or its <title> less the site's name) it marks.
package page

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Line is one paragraph of a report's file.
type Line struct {
	No    int    // the file's line it starts on
	Text  string // its text, runs of space made one
	Title bool   // marked up as the page's title (<h1>)
}

// Read reads the paragraphs of a report's file, by the format its name
// says: .html or .htm, .md or .markdown, else plain text.
func Read(name string, data []byte) []Line {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm":
		return htmlLines(data)
	case ".md", ".markdown":
		return markdownLines(data)
	}
	return textLines(data)
}

// isSpace is a space of a report's text: Unicode's, the ideographic space
// and a stray byte-order mark.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' || r == '\ufeff' }

func textLines(data []byte) []Line {
	var out []Line
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimFunc(l, isSpace)
		if l != "" {
			out = append(out, Line{No: i + 1, Text: l})
		}
	}
	return out
}

var (
	mdHeadingRE = regexp.MustCompile(`^#{1,6}\s+`)
	mdBulletRE  = regexp.MustCompile(`^(?:[-*+]|>)\s+`)
	mdLinkRE    = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdEmphRE    = regexp.MustCompile(`\*\*|__|\x60`)
)

// markdownLines reads a Markdown report: heading marks, bullets, emphasis
// and links are dropped, their text kept.
func markdownLines(data []byte) []Line {
	lines := textLines(data)
	out := lines[:0]
	inFence := false
	for _, l := range lines {
		if strings.HasPrefix(l.Text, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		t := mdHeadingRE.ReplaceAllString(l.Text, "")
		t = mdBulletRE.ReplaceAllString(t, "")
		t = mdLinkRE.ReplaceAllString(t, "$1")
		t = strings.TrimSpace(mdEmphRE.ReplaceAllString(t, ""))
		if t == "" || strings.Trim(t, "-=*_ ") == "" {
			continue
		}
		l.Text = t
		out = append(out, l)
	}
	return out
}

// skipElements hold no report text: scripts, styles and page navigation.
var skipElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Head: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Iframe: true,
	atom.Select: true, atom.Button: true, atom.Form: true,
}

// blockElements end a paragraph.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Tr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Table: true, atom.Section: true, atom.Article: true, atom.Blockquote: true,
	atom.Ul: true, atom.Ol: true, atom.Pre: true, atom.Td: true, atom.Title: true,
}

// htmlLines reads a web page saved from a government site: the text of its
// block elements, one paragraph each, outside scripts, styles and navigation.
// The text of its first <h1> is marked as the title; a page without one
// takes it from <title>, never from the site's header or breadcrumbs.
func htmlLines(data []byte) []Line {
	z := html.NewTokenizer(bytes.NewReader(data))
	var (
		out     []Line
		b       strings.Builder
		start   = 1
		no      = 1
		skip    int
		inTitle bool // in the first <h1>
		titled  bool
		inHead  bool            // in <title>
		page    strings.Builder // the text of <title>
	)
	flush := func() {
		for _, t := range strings.Split(b.String(), "\n") {
			if t = strings.TrimFunc(t, isSpace); t != "" {
				out = append(out, Line{No: start, Text: strings.Join(strings.FieldsFunc(t, isSpace), " "), Title: inTitle})
			}
		}
		b.Reset()
		start = no
	}
	for {
		tt := z.Next()
		raw := z.Raw()
		switch tt {
		case html.ErrorToken:
			flush()
			if !titled {
				out = titleFromPage(out, page.String())
			}
			return out
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipElements[a] {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			}
			if blockElements[a] {
				flush()
			}
			if a == atom.H1 && skip == 0 {
				inTitle = tt == html.StartTagToken && !titled
				titled = true
			}
			if a == atom.Title {
				inHead = tt == html.StartTagToken
			}
		case html.TextToken:
			if inHead {
				page.WriteString(html.UnescapeString(string(raw)))
			}
			if skip == 0 {
				b.WriteString(html.UnescapeString(string(raw)))
			}
		}
		no += bytes.Count(raw, []byte("\n"))
		if b.Len() == 0 {
			start = no
		}
	}
}

// pageTitleSep splits a page's <title> into the report's title and the
// site's name: 临湘市2024年法治政府建设工作情况报告_临湘市人民政府.
var pageTitleSep = regexp.MustCompile(`\s*[_|｜—–]\s*|\s+-\s+`)

// splitHanHyphen splits parts further at a hyphen between two Chinese
// characters (…年度报告-分宜县人民政府), not one in a span of years
// (2023-2024年).
func splitHanHyphen(parts []string) []string {
	var out []string
	for _, p := range parts {
		rs := []rune(p)
		start := 0
		for i := 1; i+1 < len(rs); i++ {
			if rs[i] == '-' && unicode.Is(unicode.Han, rs[i-1]) && unicode.Is(unicode.Han, rs[i+1]) {
				out = append(out, string(rs[start:i]))
				start = i + 1
			}
		}
		out = append(out, string(rs[start:]))
	}
	return out
}

// titleFromPage marks the report's title in the lines of a page without an
// <h1>: the part of its <title> that names a report, where the page prints
// it, or else as a line of its own before the text. Lines before it (the
// site's header, the date, breadcrumbs) are then not read as the report.
func titleFromPage(lines []Line, page string) []Line {
	var title string
	for _, part := range splitHanHyphen(pageTitleSep.Split(strings.TrimSpace(page), -1)) {
		if strings.Contains(part, "报告") {
			title = strings.Join(strings.FieldsFunc(part, isSpace), " ")
			break
		}
	}
	if title == "" {
		return lines
	}
	for i, l := range lines {
		if l.Text == title {
			lines[i].Title = true
			return lines
		}
	}
	no := 1
	if len(lines) > 0 {
		no = lines[0].No
	}
	return append([]Line{{No: no, Text: title, Title: true}}, lines...)
}
