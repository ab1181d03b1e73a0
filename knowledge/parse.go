package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"reportbot/knowledge/figure"
	"reportbot/knowledge/page"
)

// ErrMalformed is wrapped by every error about a report file that cannot be
// read as a report.
var ErrMalformed = errors.New("malformed report")

// ParseError says where in which file a report is malformed.
type ParseError struct {
	File string
	Line int // 0 when the problem is the file as a whole
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Unwrap lets errors.Is match ErrMalformed.
func (e *ParseError) Unwrap() error { return ErrMalformed }

// line is one paragraph of a report with the line of the file it starts on.
type line struct {
	page.Line
	folded string // text, width-folded (parseLines)
}

// Parse reads a report from data. name is the file name, used in errors and
// to choose the format: .html/.htm pages, .md Markdown, anything else plain
// text. It returns a *ParseError (wrapping ErrMalformed) when the file is
// empty, not UTF-8 text, or its outline is out of order.
func Parse(name string, data []byte) (*Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ParseError{File: name, Line: 1, Msg: "the file is empty; expected the text of a report"}
	}
	if no, ok := firstInvalidLine(data); !ok {
		return nil, &ParseError{File: name, Line: no, Msg: "not UTF-8 text; save the report as UTF-8"}
	}
	var lines []line
	for _, l := range page.Read(name, data) {
		lines = append(lines, line{Line: l})
	}
	return parseLines(name, lines)
}

func firstInvalidLine(data []byte) (int, bool) {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(l) || bytes.IndexByte(l, 0) >= 0 {
			return i + 1, false
		}
	}
	return 0, true
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' || r == '\ufeff' }

// maxFurniture is the longest line, in bytes, read as page furniture: a
// date, source and font-size line of a page runs to about a hundred.
const maxFurniture = 240

// furniture matches the (width-folded) lines and fragments of a government web page that are
// not part of the report: font-size and print links, visitor counts, QR-code
// prompts, navigation.
var furniture = []*regexp.Regexp{
	regexp.MustCompile(`^【?\s*字体\s*:`),
	regexp.MustCompile(`【\s*大\s*中\s*小\s*】`),
	regexp.MustCompile(`^【?\s*(打印|打印本页|关闭|关闭窗口|收藏|分享)\s*】?$`),
	regexp.MustCompile(`扫一扫在手机打开当前页`),
	regexp.MustCompile(`^(回到|返回)顶部$`),
	regexp.MustCompile(`^分享到`),
	regexp.MustCompile(`^(上一篇|下一篇):`),
	regexp.MustCompile(`^(您|你)?(当前|现在)(的)?(位置|所在位置):`),
	regexp.MustCompile(`^首页\s*[>›»/]`),
	regexp.MustCompile(`^访问量:\s*\d*$`),
}

func isFurniture(s string) bool {
	if len(s) > maxFurniture {
		return false // a paragraph of the report, whatever it mentions
	}
	for _, re := range furniture {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

var (
	metaDateRE   = regexp.MustCompile(`(?:日期|发布时间|发布日期|时间)\s*:\s*(\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)`)
	metaSourceRE = regexp.MustCompile(`(?:来源|信息来源)\s*:\s*([^\s:]+)`)
	// pageRowRE is a row of a page's index table (发布机构: 新余市司法局),
	// its value on the line or the next; pageDateRE the date of one.
	pageRowRE  = regexp.MustCompile(`^(发布机构|发文机关|发布单位|发布日期|成文日期|索引号|主题分类|分类|文号|名称|生成日期|信息来源|来源)\s*:\s*(.*)$`)
	pageDateRE = regexp.MustCompile(`^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$`)
	// thisSiteRE is a 来源 that names the site, not the publisher.
	thisSiteRE = regexp.MustCompile(`^(本网|本站|原创|网站|本网站)$`)
)

// pageMeta reads the publisher and the publication date from the rows of a
// page's index table (发布机构, 发布日期), wherever they stand before the
// report's text: a saved page names them there, not in its title. The
// index number (索引号) and the other rows are no part of either.
func pageMeta(lines []line) (publisher, published string) {
	for i := 0; i < len(lines); i++ {
		if _, ok := parseMarker(lines[i].folded); ok {
			break // the report's outline: its table came before
		}
		m := pageRowRE.FindStringSubmatch(lines[i].folded)
		if m == nil {
			continue
		}
		value := strings.TrimSpace(m[2])
		if value == "" && i+1 < len(lines) && !pageRowRE.MatchString(lines[i+1].folded) {
			value = strings.TrimSpace(lines[i+1].folded)
		}
		switch m[1] {
		case "发布机构", "发文机关", "发布单位":
			if publisher == "" && value != "" && !thisSiteRE.MatchString(value) {
				publisher = value
			}
		case "发布日期":
			if pageDateRE.MatchString(value) {
				published = value
			}
		}
	}
	return publisher, published
}

// isPageRow reports whether a line is a row of a page's index table, or
// the label of one: no part of the report.
func isPageRow(s string) bool {
	m := pageRowRE.FindStringSubmatch(s)
	return m != nil && (m[2] == "" || m[1] != "来源" && m[1] != "信息来源")
}

// Outline markers, matched on width-folded text. Arabic markers are checked for a following digit by hand
// (1.5万 is a number, not a heading).
var (
	level1RE = regexp.MustCompile(`^([一二三四五六七八九十]+)、\s*`)
	level2RE = regexp.MustCompile(`^\(([一二三四五六七八九十]+)\)\s*`)
	level3RE = regexp.MustCompile(`^(\d{1,2})[.、]\s*`)
	level4RE = regexp.MustCompile(`^\((\d{1,2})\)\s*`)
)

const inlineLevel = 5

type marker struct {
	level int
	n     int    // its number: 三 is 3
	id    string // its part of a section ID: 三, (三), 3, (3)
	rest  string // the line after the marker
}

func parseMarker(s string) (marker, bool) {
	if r, _ := utf8.DecodeRuneInString(s); r != '(' && (r < '0' || r > '9') && !strings.ContainsRune("一二三四五六七八九十", r) {
		return marker{}, false // no marker opens with anything else
	}
	if m := level1RE.FindStringSubmatch(s); m != nil {
		n, _ := figure.ParseHanNumber(m[1])
		return marker{level: 1, n: int(n), id: m[1], rest: s[len(m[0]):]}, true
	}
	if m := level2RE.FindStringSubmatch(s); m != nil {
		n, _ := figure.ParseHanNumber(m[1])
		return marker{level: 2, n: int(n), id: "(" + m[1] + ")", rest: s[len(m[0]):]}, true
	}
	if m := level4RE.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return marker{level: 4, n: n, id: "(" + m[1] + ")", rest: s[len(m[0]):]}, true
	}
	if m := level3RE.FindStringSubmatch(s); m != nil {
		rest := s[len(m[0]):]
		if r, _ := utf8.DecodeRuneInString(rest); rest == "" || unicode.IsDigit(r) {
			return marker{}, false
		}
		n, _ := strconv.Atoi(m[1])
		return marker{level: 3, n: n, id: m[1], rest: rest}, true
	}
	return marker{}, false
}

// parseLines turns a report's paragraphs into a Document.
func parseLines(name string, lines []line) (*Document, error) {
	doc := &Document{Meta: Meta{File: name}, byID: map[string]*Section{}}
	for i := range lines {
		lines[i].folded = width.Fold.String(lines[i].Text)
	}
	// A saved page names its publisher and date in its index table,
	// before or after its title.
	publisher, published := pageMeta(lines)
	// A page's <h1> is its title: what comes before it is the site's
	// header and breadcrumbs.
	for i, l := range lines {
		if l.Title {
			lines = lines[i:]
			break
		}
	}
	var body []line
	for i, l := range lines {
		folded := l.folded
		if isFurniture(folded) {
			continue
		}
		if len(body) == 0 {
			if doc.Meta.Title == "" {
				doc.Meta.Title = l.Text
				continue
			}
			if m := metaDateRE.FindStringSubmatch(folded); m != nil {
				doc.Meta.Published = m[1]
				if s := metaSourceRE.FindStringSubmatch(folded); s != nil && !thisSiteRE.MatchString(s[1]) {
					doc.Meta.Source = s[1]
				}
				continue
			}
			// An index table after the title: its rows, and a row's value
			// on the line after its label.
			if isPageRow(folded) || i > 0 && pageRowRE.MatchString(lines[i-1].folded) && !strings.ContainsAny(folded, "。,;") {
				continue
			}
		}
		body = append(body, l)
	}
	if publisher != "" {
		doc.Meta.Source = publisher
	}
	if published != "" && doc.Meta.Published == "" {
		doc.Meta.Published = published
	}
	if doc.Meta.Title == "" {
		return nil, &ParseError{File: name, Msg: "no title line; expected the report's title on its first line"}
	}
	if len(body) == 0 {
		return nil, &ParseError{File: name, Msg: "no report text after the title"}
	}
	if _, ok := parseMarker(width.Fold.String(doc.Meta.Title)); ok {
		return nil, &ParseError{File: name, Line: lines[0].No, Msg: "the first line is a section heading; expected the report's title"}
	}

	if err := doc.outline(name, body); err != nil {
		return nil, err
	}
	doc.Meta.Year, doc.Meta.Place, doc.Meta.Level = titleFacts(doc.Meta.Title, doc.Meta.Source)
	doc.Meta.Department = departmentOf(doc.Meta.Title, doc.Meta.Place)
	doc.splitInline()
	doc.summary()
	return doc, nil
}

// outline reads the report's body into sections by their headings' markers,
// each numbered in order under its parent; the text before the first
// heading is the preamble.
func (doc *Document) outline(name string, body []line) error {
	var (
		stack   []*Section // open sections, outermost first
		counter = map[string]int{}
		cur     *Section
	)
	for _, l := range body {
		m, ok := parseMarker(l.folded)
		if !ok {
			if cur == nil {
				cur = &Section{ID: PreambleID, Heading: PreambleID, Line: l.No}
				doc.add(cur)
			}
			cur.Text = joinPara(cur.Text, l.Text)
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].Level >= m.level {
			stack = stack[:len(stack)-1]
		}
		parentID := ""
		var path []string
		for _, s := range stack {
			path = append(path, s.Heading)
		}
		if len(stack) > 0 {
			parentID = stack[len(stack)-1].ID
		}
		key := parentID + "|" + strconv.Itoa(m.level)
		if want := counter[key] + 1; m.n != want {
			return &ParseError{File: name, Line: l.No, Msg: fmt.Sprintf("heading %q is out of order: expected number %d at this level", Clip(l.Text, 20), want)}
		}
		counter[key] = m.n
		// The original line, less the marker: as many runes as the
		// folded one's marker has.
		rest := l.Text
		for range utf8.RuneCountInString(l.folded[:len(l.folded)-len(m.rest)]) {
			_, size := utf8.DecodeRuneInString(rest)
			rest = rest[size:]
		}
		heading, text := splitHeading(rest)
		cur = &Section{ID: parentID + m.id, Heading: heading, Text: text, Path: path, Parent: parentID, Level: m.level, Line: l.No}
		if cur.Parent == PreambleID {
			cur.Parent = ""
		}
		doc.add(cur)
		stack = append(stack, cur)
	}
	return nil
}

// placeRE finds a government's place in a title: 分宜县, 新余市, 浙江省,
// 临湘市, 渝水区; consecutive places (新余市分宜县) make one.
var placeRE = regexp.MustCompile(`\p{Han}{1,8}?(?:自治区|自治州|自治县|特别行政区|省|州市|市|县|区|旗|州|盟|镇|乡|街道)`) // 州市 first: 广州市 is a city, not a 州

// notPlaceWords end a match of placeRE that is no place (法治政府建设示范县).
var notPlaceWords = []string{"示范", "建设", "关于", "年度", "报告", "法治", "政府"}

// departmentRE is a department of a government named after its place:
// 司法局, 司法厅, 市场监督管理局, 发展和改革委员会, 人民法院.
var departmentRE = regexp.MustCompile(`^\p{Han}{1,10}?(?:局|厅|委员会|办公室|委|办|院|署|中心)`)

// departmentOf is the department whose report it is, named in its title
// right after its place (新余市司法局2023年…); "" for the government's own
// (分宜县2023年…, 分宜县人民政府…), whoever posted it (来源:示例县司法局).
func departmentOf(title, place string) string {
	_, rest, ok := strings.Cut(width.Fold.String(title), place)
	if place == "" || !ok {
		return ""
	}
	if d := departmentRE.FindString(rest); d != "" && !strings.Contains(d, "政府") && !yearRE.MatchString(d) {
		return d
	}
	return ""
}

// titleFacts reads from a report's title the year it covers and the place
// and level of its government; a title that names no place takes it from
// the publisher (分宜县人民政府).
func titleFacts(title, source string) (year int, place, level string) {
	t := width.Fold.String(title)
	if m := yearRE.FindStringIndex(t); m != nil {
		year, _ = strconv.Atoi(t[m[0]:m[1]])
		t = t[:m[0]] + " " + t[m[1]:]
	}
	for _, text := range []string{t, source} {
		end := -1
		for _, m := range placeRE.FindAllStringIndex(text, -1) {
			if slices.ContainsFunc(notPlaceWords, func(w string) bool { return strings.Contains(text[m[0]:m[1]], w) }) {
				break
			}
			if end >= 0 && m[0] != end {
				break
			}
			place += text[m[0]:m[1]]
			end = m[1]
		}
		if place != "" {
			for _, suf := range []string{"自治区", "自治州", "自治县", "特别行政区", "街道", "省", "市", "县", "区", "旗", "州", "盟", "镇", "乡"} {
				if strings.HasSuffix(place, suf) {
					return year, place, suf
				}
			}
		}
	}
	return year, "", ""
}

func (d *Document) add(s *Section) {
	s.doc = d
	d.Sections = append(d.Sections, s)
	d.byID[s.ID] = s
}

func joinPara(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// Clip is s cut to n runes, with … where it was cut.
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
