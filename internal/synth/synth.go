package synth

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// seedPlace and seedYear are what the seed report is of.
const (
	seedPlace = "分宜县"
	seedShort = "分宜"
	seedYear  = 2023
)

// countRE finds a count the variants change: digits before a measure word,
// not a year, date or document number.
var countRE = regexp.MustCompile(`(\d+(?:\.\d+)?)(万件|亿元|万元|件|人次|人|名|项|条|次|个|家|起|部|期)`)

// Report is the seed report as if published by place for year, with every
// count scaled by factor and rounded (84件 at 1.5 is 126件).
func Report(seed, place string, year int, factor float64) string {
	short := strings.TrimSuffix(place, place[len(place)-len("县"):])
	t := strings.ReplaceAll(seed, seedPlace, place)
	t = strings.ReplaceAll(t, seedShort, short)
	t = strings.ReplaceAll(t, strconv.Itoa(seedYear), strconv.Itoa(year))
	t = strings.ReplaceAll(t, strconv.Itoa(seedYear-1), strconv.Itoa(year-1))
	return countRE.ReplaceAllStringFunc(t, func(m string) string {
		sm := countRE.FindStringSubmatch(m)
		v, _ := strconv.ParseFloat(sm[1], 64)
		if strings.Contains(sm[1], ".") {
			return strconv.FormatFloat(v*factor, 'f', 2, 64) + sm[2]
		}
		return strconv.Itoa(int(v*factor+0.5)) + sm[2]
	})
}

// Place is the name of the n-th synthetic county: 甲一县, 甲二县 …, never
// a real county's.
func Place(n int) string {
	stems := []rune("甲乙丙丁戊己庚辛壬癸")
	nums := []rune("一二三四五六七八九十")
	return fmt.Sprintf("%c%c%c县", stems[n%10], nums[(n/10)%10], []rune("东西南北中上下前后左")[(n/100)%10])
}
