package engine

import (
	"cmp"
	"reportbot/knowledge"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ReportLabel names a report in an answer: its place and year.
func ReportLabel(d *knowledge.Document) string {
	switch {
	case d.Meta.Place != "" && d.Meta.Year > 0:
		return d.Meta.Place + d.Meta.Department + strconv.Itoa(d.Meta.Year) + "年"
	case d.Meta.Place != "":
		return d.Meta.Place + d.Meta.Department
	}
	return d.Meta.Title
}

// Aliases are the place names of each loaded report, made once.
func (e *Engine) Aliases(d *knowledge.Document) []string {
	if n, ok := e.aliases.Load(d); ok {
		return n.([]string)
	}
	n, _ := e.aliases.LoadOrStore(d, aliases(d))
	return n.([]string)
}

// aliases are the names a question may call a report's place by: 分宜县
// and 分宜, 新余市渝水区 and 渝水区 and 渝水.
func aliases(d *knowledge.Document) []string {
	p := d.Meta.Place
	if p == "" {
		return nil
	}
	out := []string{p}
	out = append(out, placePartRE.FindAllString(p, -1)...)
	for _, n := range slices.Clone(out) {
		for _, suf := range []string{"自治县", "自治州", "县", "市", "区", "省", "旗", "镇", "乡"} {
			if short, ok := strings.CutSuffix(n, suf); ok && utf8.RuneCountInString(short) >= 2 {
				out = append(out, short)
				break
			}
		}
	}
	slices.SortFunc(out, func(x, y string) int { return cmp.Compare(len(y), len(x)) })
	return slices.Compact(out)
}

// placePartRE splits a place of several levels (新余市渝水区) into each.
var placePartRE = knowledge.Pattern("placePart")

// OwnPlace is the name of the one loaded report's place that norm holds,
// longest first; "" for none.
func (e *Engine) OwnPlace(norm string) string {
	for _, n := range e.Aliases(e.Index.Docs()[0]) {
		if strings.Contains(norm, n) {
			return n
		}
	}
	return ""
}

// Latest keeps the newest report of each place.
func Latest(docs []*knowledge.Document) []*knowledge.Document {
	var out []*knowledge.Document
	for _, d := range docs {
		i := slices.IndexFunc(out, func(o *knowledge.Document) bool {
			return o.Meta.Place == d.Meta.Place && o.Meta.Department == d.Meta.Department && d.Meta.Place != ""
		})
		switch {
		case i < 0:
			out = append(out, d)
		case d.Meta.Year > out[i].Meta.Year:
			out[i] = d
		}
	}
	return out
}
