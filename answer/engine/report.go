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

// placeBook finds the loaded reports' places in a question without going
// through every report: each name a report's place is called by
// (Aliases), every part of those names, and the reports of each place.
type placeBook struct {
	byName  map[string][]*knowledge.Document // in load order
	parts   map[string]bool                  // every run of two or more characters of a name
	longest int                              // the runes of the longest name
	byPlace map[string][]*knowledge.Document // by place and department
}

// places is the book of the library's places, made on first use.
func (e *Engine) places() *placeBook {
	e.bookOnce.Do(func() {
		b := &placeBook{byName: map[string][]*knowledge.Document{}, parts: map[string]bool{}, byPlace: map[string][]*knowledge.Document{}}
		for _, d := range e.library.Docs() {
			for _, n := range e.Aliases(d) {
				b.byName[n] = append(b.byName[n], d)
				rs := []rune(n)
				b.longest = max(b.longest, len(rs))
				for i := range rs {
					for j := i + 2; j <= len(rs); j++ {
						b.parts[string(rs[i:j])] = true
					}
				}
			}
			k := d.Meta.Place + d.Meta.Department
			b.byPlace[k] = append(b.byPlace[k], d)
		}
		e.book = b
	})
	return e.book
}

// names calls found for each place name text holds, at its rune offset,
// until found returns false.
func (b *placeBook) names(text string, found func(at int, name string) bool) {
	rs := []rune(text)
	for i := range rs {
		for j := i + 2; j <= len(rs) && j-i <= b.longest; j++ {
			if _, ok := b.byName[string(rs[i:j])]; ok && !found(i, string(rs[i:j])) {
				return
			}
		}
	}
}

// PlacedIn are the loaded reports whose place a question (normalized)
// names, in the order loaded.
func (e *Engine) PlacedIn(norm string) []*knowledge.Document {
	b := e.places()
	seen := map[*knowledge.Document]bool{}
	b.names(norm, func(_ int, name string) bool {
		for _, d := range b.byName[name] {
			seen[d] = true
		}
		return true
	})
	if len(seen) == 0 {
		return nil
	}
	var out []*knowledge.Document
	for _, d := range e.library.Docs() {
		if seen[d] {
			out = append(out, d)
		}
	}
	return out
}

// IsLoadedPlace reports whether a place a question names (named, its stem
// stem: 乙二东山县, 乙二东山) is a loaded report's: it holds one of their
// names, or its stem is part of one.
func (e *Engine) IsLoadedPlace(named, stem string) bool {
	b := e.places()
	held := false
	b.names(named, func(int, string) bool { held = true; return false })
	return held || b.parts[stem]
}

// SamePlace are the loaded reports of d's place and department, d's too,
// in the order loaded.
func (e *Engine) SamePlace(d *knowledge.Document) []*knowledge.Document {
	if d.Meta.Place == "" {
		return []*knowledge.Document{d} // of no place a title names: its own
	}
	return e.places().byPlace[d.Meta.Place+d.Meta.Department]
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
	at := map[string]int{} // place and department → index in out
	for _, d := range docs {
		k := d.Meta.Place + "\x00" + d.Meta.Department
		i, ok := at[k]
		switch {
		case !ok || d.Meta.Place == "":
			at[k] = len(out)
			out = append(out, d)
		case d.Meta.Year > out[i].Meta.Year:
			out[i] = d
		}
	}
	return out
}
