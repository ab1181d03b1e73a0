package figure

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says what sort of quantity a figure is, so that a year is never
// compared with a count.
type Kind string

// The kinds of figure the parser recognises.
const (
	KindNumber    Kind = "number"    // 84件, 11.47亿元, 十期, 80余次
	KindPercent   Kind = "percent"   // 87.3%
	KindDate      Kind = "date"      // 2023年11月6日
	KindYear      Kind = "year"      // 2023年
	KindMonth     Kind = "month"     // 12月
	KindOrdinal   Kind = "ordinal"   // 第一批
	KindDocNumber Kind = "docnumber" // 国办发〔2018〕37号
)

// Figure is one number found in a text, with its unit and the words around it.
// Two figures are the same quantity when Equal says so, whatever their spelling:
// 8.56万件 equals 85600件 and 十期 equals 10期.
type Figure struct {
	Value   float64 `json:"value"`
	Unit    string  `json:"unit,omitempty"`
	Kind    Kind    `json:"kind"`
	Raw     string  `json:"raw"`
	Approx  bool    `json:"approx,omitempty"`
	Context string  `json:"context,omitempty"` // the clause the figure stands in
	Section string  `json:"section,omitempty"` // ID of the section it comes from
	Offset  int     `json:"-"`                 // byte offset of Raw in the text it was found in
	code    string  // document numbers: issuing code such as 国办发
}

// SameValue reports whether two normalized values are one: equal but for
// the rounding of their arithmetic (8.56万 is 85600).
func SameValue(x, y float64) bool {
	return math.Abs(x-y) <= 1e-9*math.Max(1, math.Max(math.Abs(x), math.Abs(y)))
}

// Equal reports whether f and g denote the same quantity.
func (f Figure) Equal(g Figure) bool {
	if f.Kind != g.Kind || f.Unit != g.Unit || f.Approx != g.Approx {
		return false
	}
	if f.Kind == KindDocNumber {
		if f.code != g.code && !strings.HasSuffix(f.code, g.code) && !strings.HasSuffix(g.code, f.code) {
			return false
		}
	}
	return SameValue(f.Value, g.Value)
}

// unitAlias folds measure words that count the same thing.
var unitAlias = map[string]string{"名": "人", "位": "人"}

// measureWords are the units a number may carry, longest first so that 人次
// wins over 人. A Chinese numeral counts as a figure only before one of them,
// which keeps words such as 统一 and 进一步 out.
var measureWords = []string{
	"个百分点", "人次", "户次", "件次", "小时", "分钟", "平方米", "公里",
	"元", "件", "次", "人", "名", "位", "项", "个", "条", "部", "期", "家", "起",
	"份", "批", "级", "所", "支", "座", "户", "场", "篇", "类", "天", "年", "月",
	"日", "周", "倍", "册", "本", "套", "处", "宗", "例", "间", "台", "辆", "张", "单",
	"种", "轮", "届", "股",
}

func dateValue(y, m, d string) float64 {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	return float64(yi*10000 + mi*100 + di)
}

func multiplier(m string) float64 {
	switch m {
	case "千", "thousand":
		return 1e3
	case "万":
		return 1e4
	case "million":
		return 1e6
	case "亿":
		return 1e8
	case "billion":
		return 1e9
	}
	return 1
}

// months are the English month names, as an English answer writes a date.
var months = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// Matches reports whether f, a figure of a text that may have dropped the
// unit (an English answer's "84 applications"), stands for g: equal, or
// unitless with g's value.
func (f Figure) Matches(g Figure) bool {
	if f.Equal(g) {
		return true
	}
	if f.Unit != "" || f.Kind != KindNumber || f.Approx != g.Approx {
		return false
	}
	return SameValue(f.Value, g.Value)
}

var hanDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// ParseHanNumber reads a Chinese numeral such as 十, 二十二, 一百零五, 三万.
func ParseHanNumber(s string) (float64, bool) {
	var total, section, digit float64
	seenDigit := false
	for _, r := range s {
		if d, ok := hanDigits[r]; ok {
			digit = float64(d)
			seenDigit = true
			continue
		}
		var unit float64
		switch r {
		case '十':
			unit = 10
		case '百':
			unit = 100
		case '千':
			unit = 1000
		case '万':
			unit = 1e4
		case '亿':
			unit = 1e8
		default:
			return 0, false
		}
		if unit >= 1e4 {
			section = (section + digit) * unit
			total += section
			section, digit = 0, 0
			continue
		}
		if digit == 0 && unit == 10 {
			digit = 1 // 十 alone, 十二
		}
		section += digit * unit
		digit = 0
		seenDigit = true
	}
	if !seenDigit {
		return 0, false
	}
	return total + section + digit, true
}

// clauseAround returns the clause of text that contains [start,end): the text
// between the nearest clause punctuation on either side.
func clauseAround(text string, start, end int) string {
	i, j := ClauseBounds(text, start, end)
	return text[i:j]
}

// ClauseSpans returns the byte spans of a sentence's clauses: the text
// between its clause punctuation (commas, semicolons, colons, stops).
func ClauseSpans(sentence string) [][2]int {
	var out [][2]int
	start := 0
	for i, r := range sentence {
		if IsClauseBreak(r) {
			if i > start {
				out = append(out, [2]int{start, i})
			}
			start = i + utf8.RuneLen(r)
		}
	}
	if start < len(sentence) {
		out = append(out, [2]int{start, len(sentence)})
	}
	return out
}

func IsClauseBreak(r rune) bool {
	switch r {
	case ',', '\uff0c', ';', '\uff1b', '。', ':', '\uff1a', '!', '\uff01', '?', '\uff1f', '\n':
		return true
	}
	return false
}

// ClauseBounds returns the byte span of the clause of text around
// [start,end), without its punctuation or surrounding space.
func ClauseBounds(text string, start, end int) (int, int) {
	i := start
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:i])
		if IsClauseBreak(r) {
			break
		}
		i -= n
	}
	j := end
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if IsClauseBreak(r) {
			break
		}
		j += n
	}
	for i < j {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isSpace(r) {
			break
		}
		i += n
	}
	for j > i {
		r, n := utf8.DecodeLastRuneInString(text[:j])
		if !isSpace(r) {
			break
		}
		j -= n
	}
	return i, j
}

// isSpace reports whether r is space, as a web page's text may hold it.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' || r == '\ufeff' }
