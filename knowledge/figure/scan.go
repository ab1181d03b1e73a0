package figure

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Extract finds every figure in text, leftmost first. Figures keep
// their raw spelling and byte offset; Section is left empty for the caller
// to fill in. It is a hand-written scanner: answers are checked with it on
// every reply of a language model, where a regular expression of all the
// forms cost ten times as much.
func Extract(text string) []Figure { return extract(text, false) }

// ExtractStrict also finds numbers written in Chinese without a
// measure word (八十四, 百分之八十七点三): what checking a model's words
// needs, where a number must not slip through for want of its unit. Report
// text is read with Extract, where 二十大 and 一是 are no figures.
func ExtractStrict(text string) []Figure { return extract(text, true) }

func extract(text string, strict bool) []Figure {
	var out []Figure
	docs := hasDocBracket(text)
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if strict && (r == '半' || r == '过' || r == '翻') || strict && isHanNumeral(r) {
			if f, end, ok := scanRatio(text[i:], i); ok {
				f.Raw, f.Offset = text[i:end], i
				f.Context = clauseAround(text, i, end)
				out = append(out, f)
				i = end
				continue
			}
		}
		if !mayStart(r, docs) {
			i += n
			continue
		}
		f, end, ok := scanFigure(text, i, docs)
		if !ok && strict {
			f, end, ok = scanBareHan(text[i:], i)
		}
		if ok {
			if a, ok := unitAlias[f.Unit]; ok {
				f.Unit = a
			}
			f.Raw, f.Offset = text[i:end], i
			f.Context = clauseAround(text, i, end)
			out = append(out, f)
			i = end
			continue
		}
		i += n
	}
	return out
}

// scanRatio reads the words a comparison is said in: 两成 (20%), 三分之二,
// 一半 and 过半 (50%), 翻一番 (2倍). Checking a model's words needs them:
// "比上年提高两成" states a figure as much as "20%" does.
func scanRatio(s string, i int) (Figure, int, bool) {
	for _, w := range []string{"一半", "过半", "半数"} {
		if strings.HasPrefix(s, w) {
			return Figure{Kind: KindPercent, Unit: "%", Value: 50}, i + len(w), true
		}
	}
	if rest, ok := strings.CutPrefix(s, "翻"); ok {
		p := 0
		for p < len(rest) {
			r, n := utf8.DecodeRuneInString(rest[p:])
			if !isHanNumeral(r) {
				break
			}
			p += n
		}
		if v, ok := ParseHanNumber(rest[:p]); ok && strings.HasPrefix(rest[p:], "番") {
			return Figure{Kind: KindNumber, Unit: "倍", Value: math.Pow(2, v)}, i + len("翻") + p + len("番"), true
		}
		return Figure{}, 0, false
	}
	p := 0
	for p < len(s) {
		r, n := utf8.DecodeRuneInString(s[p:])
		if !isHanNumeral(r) {
			break
		}
		p += n
	}
	if p == 0 {
		return Figure{}, 0, false
	}
	v, ok := ParseHanNumber(s[:p])
	if !ok {
		return Figure{}, 0, false
	}
	if strings.HasPrefix(s[p:], "成") && v >= 1 && v <= 10 {
		return Figure{Kind: KindPercent, Unit: "%", Value: v * 10}, i + p + len("成"), true
	}
	if rest, ok := strings.CutPrefix(s[p:], "分之"); ok {
		q := 0
		for q < len(rest) {
			r, n := utf8.DecodeRuneInString(rest[q:])
			if !isHanNumeral(r) {
				break
			}
			q += n
		}
		if m, ok := ParseHanNumber(rest[:q]); ok && v > 0 {
			return Figure{Kind: KindPercent, Unit: "%", Value: math.Round(m/v*10000) / 100}, i + p + len("分之") + q, true
		}
	}
	return Figure{}, 0, false
}

// scanBareHan reads a Chinese number with no measure word after it: a run of
// two or more numeral characters, or 十, with a decimal part after 点; after
// 百分之 it is a percentage. A lone 一 or 二 is a word (一是, 二是), not a
// number.
func scanBareHan(s string, i int) (Figure, int, bool) {
	p, kind, unit := 0, KindNumber, ""
	if strings.HasPrefix(s, "百分之") {
		p, kind, unit = len("百分之"), KindPercent, "%"
	}
	start := p
	runes := 0
	for p < len(s) {
		r, n := utf8.DecodeRuneInString(s[p:])
		if !isHanNumeral(r) {
			break
		}
		p += n
		runes++
	}
	if runes == 0 || runes == 1 && kind == KindNumber && !strings.HasPrefix(s[start:], "十") {
		return Figure{}, 0, false
	}
	v, ok := ParseHanNumber(s[start:p])
	if !ok {
		return Figure{}, 0, false
	}
	if rest, ok := strings.CutPrefix(s[p:], "点"); ok {
		frac, n := "", 0
		for _, r := range rest {
			d, isDigit := hanDigits[r]
			if !isDigit {
				break
			}
			frac += strconv.Itoa(d)
			n += utf8.RuneLen(r)
		}
		if frac != "" {
			f, _ := strconv.ParseFloat("0."+frac, 64)
			v += f
			p += len("点") + n
		}
	}
	return Figure{Kind: kind, Unit: unit, Value: v}, i + p, true
}

// docOpen are the brackets that open a document number's year.
const docOpen = "〔[［(（【"

// hasDocBracket reports whether text has one of docOpen's brackets; faster
// than strings.ContainsAny with multi-byte characters.
func hasDocBracket(text string) bool {
	if strings.IndexByte(text, '[') >= 0 || strings.IndexByte(text, '(') >= 0 {
		return true
	}
	for _, b := range []string{"〔", "［", "（", "【"} {
		if strings.Contains(text, b) {
			return true
		}
	}
	return false
}

// mayStart reports whether a figure can begin with r; docs says whether the
// text has a bracket, without which no document number can begin.
func mayStart(r rune, docs bool) bool {
	switch {
	case r >= '0' && r <= '9':
		return true
	case r < utf8.RuneSelf:
		return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'
	case r == '第' || isHanNumeral(r):
		return true
	}
	return docs && unicode.Is(unicode.Han, r)
}

// isHanNumeral reports whether r is a character of Chinese numerals.
func isHanNumeral(r rune) bool {
	switch r {
	case '零', '〇', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿':
		return true
	}
	return false
}

// scanFigure reads the figure that starts at text[i], if one does, and
// returns it with the offset where it ends. The forms are tried in order:
// document number, dates, year, percentages, English multipliers, numbers,
// Chinese numerals.
func scanFigure(text string, i int, docs bool) (Figure, int, bool) {
	s := text[i:]
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case r >= '0' && r <= '9':
		return scanArabic(s, i)
	case r < utf8.RuneSelf:
		return scanEnglishDate(s, i)
	case strings.HasPrefix(s, "百分之"):
		if num, n := readDecimal(s[len("百分之"):]); n > 0 {
			v, _ := strconv.ParseFloat(num, 64)
			return Figure{Kind: KindPercent, Unit: "%", Value: v}, i + len("百分之") + n, true
		}
	}
	if docs {
		if f, end, ok := scanDocNumber(s, i); ok {
			return f, end, true
		}
	}
	return scanHan(s, i)
}

// scanDocNumber reads 国办发〔2018〕37号: up to six Chinese characters, a
// year in brackets, a number and 号.
func scanDocNumber(s string, i int) (Figure, int, bool) {
	code := 0
	for k := 0; k < 6; k++ {
		r, n := utf8.DecodeRuneInString(s[code:])
		if !unicode.Is(unicode.Han, r) {
			break
		}
		code += n
	}
	if code == 0 {
		return Figure{}, 0, false
	}
	// The code is the longest run of Chinese characters before the bracket,
	// so try the bracket after each length, longest first.
	for c := code; c > 0; {
		if f, n, ok := docNumberAt(s, c); ok {
			return f, i + n, true
		}
		_, n := utf8.DecodeLastRuneInString(s[:c])
		c -= n
	}
	return Figure{}, 0, false
}

func docNumberAt(s string, code int) (Figure, int, bool) {
	open, n := utf8.DecodeRuneInString(s[code:])
	if !strings.ContainsRune(docOpen, open) {
		return Figure{}, 0, false
	}
	p := code + n
	year, yn := readDigits(s[p:])
	if yn != 4 {
		return Figure{}, 0, false
	}
	p += yn
	closing, n := utf8.DecodeRuneInString(s[p:])
	if !strings.ContainsRune("〕]］)）】", closing) {
		return Figure{}, 0, false
	}
	p += n
	num, nn := readDigits(s[p:])
	if nn == 0 || !strings.HasPrefix(s[p+nn:], "号") {
		return Figure{}, 0, false
	}
	y, _ := strconv.Atoi(year)
	d, _ := strconv.Atoi(num)
	return Figure{Kind: KindDocNumber, Unit: "号", Value: float64(y*100000 + d), code: s[:code]}, p + nn + len("号"), true
}

// scanArabic reads a figure that starts with a digit.
func scanArabic(s string, i int) (Figure, int, bool) {
	lead, ln := readDigits(s)
	if ln == 4 {
		rest := s[ln:]
		switch {
		case strings.HasPrefix(rest, "年"):
			after := rest[len("年"):]
			if m, mn := readDigits(after); mn >= 1 && mn <= 2 && strings.HasPrefix(after[mn:], "月") {
				after2 := after[mn+len("月"):]
				if d, dn := readDigits(after2); dn >= 1 && dn <= 2 && (strings.HasPrefix(after2[dn:], "日") || strings.HasPrefix(after2[dn:], "号")) {
					end := ln + len("年") + mn + len("月") + dn + len("日")
					return Figure{Kind: KindDate, Value: dateValue(lead, m, d)}, i + end, true
				}
				return Figure{Kind: KindMonth, Value: dateValue(lead, m, "0")}, i + ln + len("年") + mn + len("月"), true
			}
			if isYear(lead) {
				return Figure{Kind: KindYear, Unit: "年", Value: atof(lead)}, i + ln + len("年"), true
			}
		case strings.HasPrefix(rest, "-"):
			if m, mn := readDigits(rest[1:]); mn >= 1 && mn <= 2 && strings.HasPrefix(rest[1+mn:], "-") {
				if d, dn := readDigits(rest[2+mn:]); dn >= 1 && dn <= 2 {
					return Figure{Kind: KindDate, Value: dateValue(lead, m, d)}, i + ln + 2 + mn + dn, true
				}
			}
		case strings.HasPrefix(rest, "版") && isYear(lead):
			return Figure{Kind: KindYear, Unit: "年", Value: atof(lead)}, i + ln + len("版"), true
		}
	}
	if ln <= 2 && strings.HasPrefix(s[ln:], "月") {
		// 9月30日: a date of the year the text is about.
		after := s[ln+len("月"):]
		if d, dn := readDigits(after); dn >= 1 && dn <= 2 && (strings.HasPrefix(after[dn:], "日") || strings.HasPrefix(after[dn:], "号")) {
			return Figure{Kind: KindDate, Value: dateValue("0", lead, d)}, i + ln + len("月") + dn + len("日"), true
		}
		// 12月底: a month; a number of months is 12个月.
		if m := atof(lead); m >= 1 && m <= 12 {
			return Figure{Kind: KindMonth, Value: dateValue("0", lead, "0")}, i + ln + len("月"), true
		}
	}
	num, n := readNumber(s)
	v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
	if err != nil {
		return Figure{}, 0, false
	}
	rest := s[n:]
	// English: 87.3 percent, 1.147 billion.
	sp := strings.TrimPrefix(rest, " ")
	if w, ok := prefixFold(sp, "percent", "per cent"); ok && isDecimal(num) {
		return Figure{Kind: KindPercent, Unit: "%", Value: v}, i + n + (len(rest) - len(sp)) + len(w), true
	}
	if w, ok := prefixFold(sp, "billion", "million", "thousand"); ok {
		return Figure{Kind: KindNumber, Value: v * multiplier(strings.ToLower(w))}, i + n + (len(rest) - len(sp)) + len(w), true
	}
	f := Figure{Kind: KindNumber, Value: v}
	end := n
	if a := approxPrefix(s[end:]); a > 0 {
		f.Approx, end = true, end+a
	}
	for _, m := range []string{"万", "亿", "千"} {
		if strings.HasPrefix(s[end:], m) {
			f.Value *= multiplier(m)
			end += len(m)
			break
		}
	}
	if a := approxPrefix(s[end:]); a > 0 {
		f.Approx, end = true, end+a
	}
	switch {
	case strings.HasPrefix(s[end:], "%"):
		f.Kind, f.Unit, end = KindPercent, "%", end+1
	case strings.HasPrefix(s[end:], "‰"):
		f.Unit, end = "‰", end+len("‰")
	default:
		if u := measureAt(s[end:]); u != "" {
			f.Unit, end = u, end+len(u)
		}
	}
	return f, i + end, true
}

// scanHan reads a Chinese numeral before a measure word: 十期, 两个, 第一批.
func scanHan(s string, i int) (Figure, int, bool) {
	p := 0
	ordinal := strings.HasPrefix(s, "第")
	if ordinal {
		p = len("第")
	}
	start := p
	for p < len(s) {
		r, n := utf8.DecodeRuneInString(s[p:])
		if !isHanNumeral(r) {
			break
		}
		p += n
	}
	if p == start {
		return Figure{}, 0, false
	}
	v, ok := ParseHanNumber(s[start:p])
	if !ok {
		return Figure{}, 0, false
	}
	f := Figure{Kind: KindNumber, Value: v}
	if ordinal {
		f.Kind = KindOrdinal
	}
	if a := approxPrefix(s[p:]); a > 0 {
		f.Approx, p = true, p+a
	}
	u := measureAt(s[p:])
	if u == "" {
		return Figure{}, 0, false
	}
	f.Unit = u
	return f, i + p + len(u), true
}

// scanEnglishDate reads November 6, 2023.
func scanEnglishDate(s string, i int) (Figure, int, bool) {
	for m, name := range months {
		if len(s) < len(name) || !strings.EqualFold(s[:len(name)], name) {
			continue
		}
		p := len(name)
		sp := len(s[p:]) - len(strings.TrimLeft(s[p:], " \t"))
		if sp == 0 {
			return Figure{}, 0, false
		}
		p += sp
		d, dn := readDigits(s[p:])
		if dn < 1 || dn > 2 {
			return Figure{}, 0, false
		}
		p += dn
		if strings.HasPrefix(s[p:], ",") {
			p++
		}
		sp = len(s[p:]) - len(strings.TrimLeft(s[p:], " \t"))
		y, yn := readDigits(s[p+sp:])
		if sp == 0 || yn != 4 {
			return Figure{}, 0, false
		}
		return Figure{Kind: KindDate, Value: dateValue(y, strconv.Itoa(m+1), d)}, i + p + sp + yn, true
	}
	return Figure{}, 0, false
}

func readDigits(s string) (string, int) {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return s[:n], n
}

// readDecimal reads digits with an optional decimal part: 87.3.
func readDecimal(s string) (string, int) {
	_, n := readDigits(s)
	if n > 0 && n+1 < len(s) && s[n] == '.' && s[n+1] >= '0' && s[n+1] <= '9' {
		_, f := readDigits(s[n+1:])
		n += 1 + f
	}
	return s[:n], n
}

// readNumber reads 1,996 or 8.56: digits, groups of three after commas, and
// a decimal part.
func readNumber(s string) (string, int) {
	_, n := readDigits(s)
	for n+4 <= len(s) && s[n] == ',' && isDigits(s[n+1:n+4]) && (n+4 == len(s) || s[n+4] < '0' || s[n+4] > '9') {
		n += 4
	}
	if n+1 < len(s) && s[n] == '.' && s[n+1] >= '0' && s[n+1] <= '9' {
		_, f := readDigits(s[n+1:])
		n += 1 + f
	}
	return s[:n], n
}

func isDigits(s string) bool {
	_, n := readDigits(s)
	return n == len(s)
}

func isDecimal(s string) bool { return !strings.Contains(s, ",") }

func isYear(s string) bool { return strings.HasPrefix(s, "19") || strings.HasPrefix(s, "20") }

func atof(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

func approxPrefix(s string) int {
	for _, a := range []string{"余", "多"} {
		if strings.HasPrefix(s, a) {
			return len(a)
		}
	}
	return 0
}

// prefixFold returns which of words s starts with, ignoring case.
func prefixFold(s string, words ...string) (string, bool) {
	for _, w := range words {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
			return s[:len(w)], true
		}
	}
	return "", false
}

// MeasureAt returns the measure word s starts with (件, 人次, 部), the
// longest if several, folded as figures fold it (名 is 人); "" for none.
func MeasureAt(s string) string {
	m := measureAt(s)
	if a, ok := unitAlias[m]; ok {
		return a
	}
	return m
}

// measureAt returns the measure word s starts with, the longest if several.
func measureAt(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	for _, w := range measuresByFirst[r] {
		if strings.HasPrefix(s, w) {
			return w
		}
	}
	return ""
}

// measuresByFirst lists the measure words by their first character, in
// measureWords' order (longest first).
var measuresByFirst = func() map[rune][]string {
	m := map[rune][]string{}
	for _, w := range measureWords {
		r, _ := utf8.DecodeRuneInString(w)
		m[r] = append(m[r], w)
	}
	return m
}()
