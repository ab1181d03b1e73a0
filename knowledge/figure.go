package knowledge

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FigureKind says what sort of quantity a figure is, so that a year is never
// compared with a count.
type FigureKind string

// The kinds of figure the parser recognises.
const (
	KindNumber    FigureKind = "number"    // 84件, 11.47亿元, 十期, 80余次
	KindPercent   FigureKind = "percent"   // 87.3%
	KindDate      FigureKind = "date"      // 2023年11月6日
	KindYear      FigureKind = "year"      // 2023年
	KindMonth     FigureKind = "month"     // 12月
	KindOrdinal   FigureKind = "ordinal"   // 第一批
	KindDocNumber FigureKind = "docnumber" // 国办发〔2018〕37号
)

// Figure is one number found in a text, with its unit and the words around it.
// Two figures are the same quantity when Equal says so, whatever their spelling:
// 8.56万件 equals 85600件 and 十期 equals 10期.
type Figure struct {
	Value   float64    `json:"value"`
	Unit    string     `json:"unit,omitempty"`
	Kind    FigureKind `json:"kind"`
	Raw     string     `json:"raw"`
	Approx  bool       `json:"approx,omitempty"`
	Context string     `json:"context,omitempty"` // the clause the figure stands in
	Section string     `json:"section,omitempty"` // ID of the section it comes from
	Offset  int        `json:"-"`                 // byte offset of Raw in the text it was found in
	code    string     // document numbers: issuing code such as 国办发
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
	d := math.Abs(f.Value - g.Value)
	return d <= 1e-9*math.Max(1, math.Max(math.Abs(f.Value), math.Abs(g.Value)))
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

const hanNum = `零〇一二两三四五六七八九十百千万亿`

var figureRE = regexp.MustCompile(
	// document number: 国办发〔2018〕37号
	`(?P<doc>(?P<code>\p{Han}{1,6})[〔\[［(（【](?P<dy>\d{4})[〕\]］)）】](?P<dn>\d+)号)` +
		// full date: 2023年11月6日, or ISO 2025-06-25
		`|(?P<date>(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号])` +
		`|(?P<iso>(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))` +
		// year and month: 2023年12月
		`|(?P<ym>(?P<yy>\d{4})年(?P<mm>\d{1,2})月)` +
		// year: 2023年, 2023版, 2023年度
		`|(?P<year>(?:19|20)\d{2})(?:年|版)` +
		// percentages: 87.3%, 百分之87.3
		`|百分之(?P<pct2>\d+(?:\.\d+)?)` +
		// Arabic numbers with optional approximation, multiplier and unit
		`|(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?P<approx1>余|多)?(?P<mult>[万亿千])?(?P<approx2>余|多)?(?P<unit>%|‰|` + strings.Join(measureWords, "|") + `)?` +
		// Chinese numerals: only before a measure word
		`|(?P<ord>第)?(?P<han>[` + hanNum + `]+)(?P<approx3>余|多)?(?P<hunit>` + strings.Join(measureWords, "|") + `)`)

var figureGroups = func() map[string]int {
	m := map[string]int{}
	for i, n := range figureRE.SubexpNames() {
		if n != "" {
			m[n] = i
		}
	}
	return m
}()

// ExtractFigures finds every figure in text. Figures keep their raw spelling
// and byte offset; Section is left empty for the caller to fill in.
func ExtractFigures(text string) []Figure {
	var out []Figure
	for _, loc := range figureRE.FindAllStringSubmatchIndex(text, -1) {
		g := func(name string) string {
			i := figureGroups[name]
			if loc[2*i] < 0 {
				return ""
			}
			return text[loc[2*i]:loc[2*i+1]]
		}
		f := Figure{Raw: text[loc[0]:loc[1]], Offset: loc[0]}
		switch {
		case g("doc") != "":
			f.Kind, f.Unit = KindDocNumber, "号"
			y, _ := strconv.Atoi(g("dy"))
			n, _ := strconv.Atoi(g("dn"))
			f.Value = float64(y*100000 + n)
			f.code = g("code")
		case g("date") != "":
			f.Kind = KindDate
			f.Value = dateValue(g("y"), g("m"), g("d"))
		case g("iso") != "":
			f.Kind = KindDate
			f.Value = dateValue(g("iy"), g("im"), g("id"))
		case g("ym") != "":
			f.Kind = KindMonth
			f.Value = dateValue(g("yy"), g("mm"), "0")
		case g("year") != "":
			f.Kind, f.Unit = KindYear, "年"
			f.Value, _ = strconv.ParseFloat(g("year"), 64)
		case g("pct2") != "":
			f.Kind, f.Unit = KindPercent, "%"
			f.Value, _ = strconv.ParseFloat(g("pct2"), 64)
		case g("num") != "":
			v, err := strconv.ParseFloat(strings.ReplaceAll(g("num"), ",", ""), 64)
			if err != nil {
				continue
			}
			f.Value = v * multiplier(g("mult"))
			f.Approx = g("approx1") != "" || g("approx2") != ""
			f.Unit = g("unit")
			f.Kind = KindNumber
			if f.Unit == "%" {
				f.Kind = KindPercent
			}
		case g("han") != "":
			v, ok := parseHanNumber(g("han"))
			if !ok {
				continue
			}
			f.Value = v
			f.Approx = g("approx3") != ""
			f.Unit = g("hunit")
			f.Kind = KindNumber
			if g("ord") != "" {
				f.Kind = KindOrdinal
			}
		default:
			continue
		}
		if a, ok := unitAlias[f.Unit]; ok {
			f.Unit = a
		}
		f.Context = clauseAround(text, loc[0], loc[1])
		out = append(out, f)
	}
	return out
}

func dateValue(y, m, d string) float64 {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	return float64(yi*10000 + mi*100 + di)
}

func multiplier(m string) float64 {
	switch m {
	case "千":
		return 1e3
	case "万":
		return 1e4
	case "亿":
		return 1e8
	}
	return 1
}

var hanDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// parseHanNumber reads a Chinese numeral such as 十, 二十二, 一百零五, 三万.
func parseHanNumber(s string) (float64, bool) {
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
	i := start
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:i])
		if isClauseBreak(r) {
			break
		}
		i -= n
	}
	j := end
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if isClauseBreak(r) {
			break
		}
		j += n
	}
	return strings.TrimSpace(text[i:j])
}

func isClauseBreak(r rune) bool {
	switch r {
	case ',', '\uff0c', ';', '\uff1b', '。', ':', '\uff1a', '!', '\uff01', '?', '\uff1f', '\n':
		return true
	}
	return false
}
