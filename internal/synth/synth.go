package synth

import (
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
	// The year before first, out of the way, so that the year put in its
	// place is not moved again.
	t = strings.ReplaceAll(t, strconv.Itoa(seedYear-1), "\x00")
	t = strings.ReplaceAll(t, strconv.Itoa(seedYear), strconv.Itoa(year))
	t = strings.ReplaceAll(t, "\x00", strconv.Itoa(year-1))
	return countRE.ReplaceAllStringFunc(t, func(m string) string {
		sm := countRE.FindStringSubmatch(m)
		v, _ := strconv.ParseFloat(sm[1], 64)
		if strings.Contains(sm[1], ".") {
			return strconv.FormatFloat(v*factor, 'f', 2, 64) + sm[2]
		}
		return strconv.Itoa(int(v*factor+0.5)) + sm[2]
	})
}

// Place is the name of the n-th synthetic county: 甲一东县, 乙一东县 …,
// never a real county's, each its own (past 1,000 with a fourth character,
// 甲一东河县; past 10,000 a fifth for each further ten thousand).
func Place(n int) string {
	stems := []rune("甲乙丙丁戊己庚辛壬癸")
	nums := []rune("一二三四五六七八九十")
	dirs := []rune("东西南北中上下前后左")
	name := string([]rune{stems[n%10], nums[(n/10)%10], dirs[(n/100)%10]})
	if n >= 1000 {
		name += string([]rune("山河湖海林泉石田川原")[(n/1000)%10])
	}
	for rest := n / 10000; rest > 0; rest /= 10 {
		name += string([]rune("春夏秋冬金木水火土风")[rest%10])
	}
	return name + "县"
}
